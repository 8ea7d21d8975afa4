import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError } from "../config.js";

/** sun_path holds 108 bytes on Linux and 104 on macOS, the terminating NUL included. */
const MAX_SOCKET_PATH_BYTES = 100;

const SOCKET_NAME = "claimant.sock";

/**
 * The control socket could not be placed or trusted: the operator fixes it in the environment
 * (a folder another account took, a shorter DATA_DIR, XDG_RUNTIME_DIR), as with any other setting.
 */
export class ControlSocketError extends ConfigError {}

/** What the socket's place depends on besides DATA_DIR; the current process's by default. */
export interface SocketPlace {
  platform: NodeJS.Platform;
  uid: number;
  /** $XDG_RUNTIME_DIR: used when it is a folder of this user's that no one else may enter. */
  runtimeDir?: string;
  tmpdir: string;
}

export function currentPlace(): SocketPlace {
  return {
    platform: process.platform,
    uid: process.getuid?.() ?? -1,
    runtimeDir: process.env.XDG_RUNTIME_DIR || undefined,
    tmpdir: os.tmpdir(),
  };
}

/**
 * Where a server on this DATA_DIR takes operator commands: a Unix socket inside DATA_DIR (so only
 * those who can reach the data can reach it); when that path is too long for a socket, a hashed
 * name in a folder only this user may enter: $XDG_RUNTIME_DIR when it is private, otherwise
 * `<tmpdir>/claimant-<uid>/` (created 0700 and checked by prepareSocketFolder before use, never a
 * name directly in the shared temporary folder); a named pipe on Windows. The server records the
 * path in DATA_DIR's lock, where the command line finds it.
 */
export function controlSocketPath(dataDir: string, place: Partial<SocketPlace> = {}): string {
  const where = { ...currentPlace(), ...place };
  const digest = createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 16);
  if (where.platform === "win32") return `\\\\.\\pipe\\claimant-${digest}`;
  const inside = path.join(dataDir, SOCKET_NAME);
  if (fits(inside)) return inside;
  const name = `claimant-${digest}.sock`;
  const runtimeDir = where.runtimeDir;
  if (runtimeDir && path.isAbsolute(runtimeDir) && fits(path.join(runtimeDir, name))) {
    if (privacyProblem(runtimeDir, where.uid) === undefined) return path.join(runtimeDir, name);
  }
  return path.join(privateTmpFolder(where), name);
}

/** `<tmpdir>/claimant-<uid>`: the fallback folder, one per user. */
export function privateTmpFolder(place: Pick<SocketPlace, "tmpdir" | "uid">): string {
  return path.join(place.tmpdir, `claimant-${place.uid}`);
}

/**
 * Before the server listens: the socket's folder must be this user's alone, or a command (and the
 * password it carries) could be sent to someone else's socket, or the name taken first. DATA_DIR
 * is checked at start (src/db/data-dir-permissions.ts); any other folder is created 0700 if missing
 * and refused with a ControlSocketError when it is a symbolic link, another user's, or open to others.
 */
export function prepareSocketFolder(
  socketPath: string,
  dataDir: string,
  place: Partial<Pick<SocketPlace, "platform" | "uid">> = {},
): void {
  const where = { ...currentPlace(), ...place };
  if (where.platform === "win32") return;
  const folder = path.dirname(socketPath);
  if (folder === path.resolve(dataDir)) return;
  try {
    fs.mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
      throw new ControlSocketError(
        `Cannot create ${folder} for the control socket (${(error as NodeJS.ErrnoException).code}). ` +
          advice(dataDir),
      );
    }
  }
  const problem = privacyProblem(folder, where.uid);
  if (problem) {
    throw new ControlSocketError(
      `The folder for the control socket, ${folder}, ${problem}: another account could intercept ` +
        `operator commands there, so Claimant will not use it. ${advice(dataDir)}`,
    );
  }
}

/** Why `folder` is not private to `uid` (a phrase), or undefined when it is. */
export function privacyProblem(folder: string, uid: number): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(folder);
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code})`;
  }
  if (stat.isSymbolicLink()) return "is a symbolic link";
  if (!stat.isDirectory()) return "is not a folder";
  if (stat.uid !== uid) return `belongs to user id ${stat.uid}, not to user id ${uid} who runs Claimant`;
  if ((stat.mode & 0o077) !== 0) {
    return `can be used by other users (mode ${(stat.mode & 0o777).toString(8)}; it must be 700)`;
  }
  return undefined;
}

function advice(dataDir: string): string {
  const longest = MAX_SOCKET_PATH_BYTES - Buffer.byteLength(`/${SOCKET_NAME}`);
  return (
    "Have that folder removed (by its owner or root; Claimant makes it again, mode 700), or set " +
    "XDG_RUNTIME_DIR to a folder of yours with mode 700, or use a DATA_DIR path of at most " +
    `${longest} bytes (it has ${Buffer.byteLength(path.resolve(dataDir))}) so that the socket fits inside it.`
  );
}

function fits(socketPath: string): boolean {
  return Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH_BYTES;
}
