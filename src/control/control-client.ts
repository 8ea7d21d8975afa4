import net from "node:net";
import type { Writable } from "node:stream";
import { encodeRequest, FrameDecoder, frameTypes, type ControlRequest } from "./protocol.js";

/** The server could not be reached at all: the command did not run. */
export class ControlUnavailableError extends Error {}

/** Sends one command to the server that owns the database and relays its output; resolves to its exit code. */
export function forwardCommand(
  socketPath: string,
  request: ControlRequest,
  io: { stdout: Writable; stderr: Writable },
): Promise<number> {
  return new Promise((resolve, reject) => {
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
