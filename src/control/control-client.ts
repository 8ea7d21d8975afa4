import fs from "node:fs";
import net from "node:net";
import type { Writable } from "node:stream";
import { encodeRequest, FrameDecoder, frameTypes, type ControlRequest } from "./protocol.js";
import { ControlSocketError } from "./socket-path.js";

/** The server could not be reached at all: the command did not run. */
export class ControlUnavailableError extends Error {}

/** Whose socket the command may be sent to: the current user's by default; root trusts any. */
export interface SocketTrust {
  uid: number;
  platform: NodeJS.Platform;
}

/**
 * Sends one command to the server that owns the database and relays its output; resolves to its
 * exit code. The path comes from DATA_DIR's lock (written by the server, src/control/socket-path.ts);
 * a socket that is not the user's own is refused (ControlSocketError) before anything is sent,
 * since a command may carry a password.
 */
export function forwardCommand(
  socketPath: string,
  request: ControlRequest,
  io: { stdout: Writable; stderr: Writable },
  trust: Partial<SocketTrust> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    try {
      checkSocketOwner(socketPath, { uid: process.getuid?.() ?? -1, platform: process.platform, ...trust });
    } catch (error) {
      reject(error as Error);
      return;
    }
    const socket = net.connect(socketPath);
    const decoder = new FrameDecoder();
    let connected = false;
    let exitCode: number | undefined;
    let waitingForReader = false;
    socket.once("connect", () => {
      connected = true;
      socket.write(encodeRequest(request));
    });
    socket.on("data", (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        if (frame.type === frameTypes.exit) exitCode = Number(frame.payload.toString("utf8"));
        else if (frame.type === frameTypes.stderr) io.stderr.write(frame.payload);
        else if (!io.stdout.write(frame.payload) && !waitingForReader) {
          // The reader is slower than the server: hold the server back rather than buffer here.
          waitingForReader = true;
          socket.pause();
          io.stdout.once("drain", () => {
            waitingForReader = false;
            socket.resume();
          });
        }
      }
    });
    socket.on("error", (error) => {
      if (!connected) reject(new ControlUnavailableError(error.message));
    });
    socket.on("close", () => {
      if (exitCode !== undefined) resolve(exitCode);
      else if (connected)
        reject(new Error("The server closed the connection before the command finished; see its log."));
      else reject(new ControlUnavailableError("connection closed"));
    });
  });
}

function checkSocketOwner(socketPath: string, trust: SocketTrust): void {
  if (trust.platform === "win32") return;
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(socketPath);
  } catch (error) {
    // Gone: the server is stopping; the caller looks at the lock again.
    throw new ControlUnavailableError((error as NodeJS.ErrnoException).code ?? String(error));
  }
  if (!stat.isSocket()) {
    throw new ControlSocketError(`${socketPath} is not a socket: the command was not sent.`);
  }
  if (trust.uid !== 0 && stat.uid !== trust.uid) {
    throw new ControlSocketError(
      `The control socket ${socketPath} belongs to user id ${stat.uid}, not to you (user id ${trust.uid}): ` +
        "the command was not sent. Run it as the user who runs the Claimant server.",
    );
  }
}
