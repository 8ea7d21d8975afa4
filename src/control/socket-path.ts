import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";

/** sun_path holds 108 bytes on Linux and 104 on macOS, the terminating NUL included. */
const MAX_SOCKET_PATH_BYTES = 100;

/**
 * Where a server on this DATA_DIR takes operator commands: a Unix socket inside DATA_DIR (so only
 * those who can reach the data can reach it), a hashed name in the temporary folder when that path
 * is too long for a socket, a named pipe on Windows.
 */
export function controlSocketPath(dataDir: string, platform = process.platform): string {
  const digest = createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 16);
  if (platform === "win32") return `\\\\.\\pipe\\claimant-${digest}`;
  const inside = path.join(dataDir, "claimant.sock");
  if (Buffer.byteLength(inside) <= MAX_SOCKET_PATH_BYTES) return inside;
  return path.join(os.tmpdir(), `claimant-${digest}.sock`);
}
