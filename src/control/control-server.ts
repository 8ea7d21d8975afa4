import fs from "node:fs";
import net from "node:net";
import { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type { Logger } from "pino";
import { CommandError, type DatabaseCommand } from "../cli/command.js";
import { failureText, isOperatorError } from "../cli/failures.js";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { encodeFrame, frameTypes, MAX_REQUEST_BYTES, parseRequest, type FrameType } from "./protocol.js";
import { ControlSocketError, prepareSocketFolder } from "./socket-path.js";

export interface ControlServer {
  path: string;
  /** Stops taking commands and waits for those running (at most `graceMs`). */
  close(graceMs: number): Promise<void>;
}

export interface ControlServerOptions {
  socketPath: string;
  db: Database;
  config: Config;
  logger: Logger;
  commands: ReadonlyMap<string, DatabaseCommand>;
}

/**
 * Runs operator commands inside the server that owns the embedded database, with that server's
 * own database: a user created this way can log in at once, and nothing opens the folder twice.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { socketPath, logger } = options;
  if (process.platform !== "win32") {
    // Refuses a folder that is not this user's alone (ControlSocketError says what to do).
    prepareSocketFolder(socketPath, options.config.dataDir);
    // The caller holds DATA_DIR's lock, so a socket file left here is from a process that died.
    try {
      fs.rmSync(socketPath, { force: true });
    } catch (error) {
      throw new ControlSocketError(
        `Cannot remove ${socketPath}, left where the control socket goes (${errorCode(error)}). ` +
          "Remove it as its owner or root, then start Claimant again.",
      );
    }
  }
  const running = new Set<Promise<void>>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    const served = serve(socket, options).catch((error: unknown) =>
      logger.error({ err: error }, "control socket connection failed"),
    );
    running.add(served);
    void served.finally(() => running.delete(served));
  });
  await new Promise<void>((resolve, reject) => {
    const refuse = (error: Error) =>
      reject(
        new ControlSocketError(
          `Cannot open the control socket ${socketPath} (${errorCode(error) ?? error.message}). ` +
            "If another program uses that name, stop it, then start Claimant again.",
        ),
      );
    server.once("error", refuse);
    server.listen(socketPath, () => {
      server.off("error", refuse);
      resolve();
    });
  });
  // Operator commands can create admins: only the user running the server may connect.
  if (process.platform !== "win32") fs.chmodSync(socketPath, 0o600);
  return {
    path: socketPath,
    async close(graceMs) {
      server.close();
      const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.all(running), grace]);
      // Past the grace period the database closes anyway: a command still running is cut off.
      for (const socket of sockets) socket.destroy();
    },
  };
}

async function serve(socket: net.Socket, options: ControlServerOptions): Promise<void> {
  socket.on("error", () => undefined); // a client that goes away mid-answer is normal
  // The command line was cancelled (Ctrl-C, kill): the command stops at its next safe point.
  const clientGone = new AbortController();
  socket.once("close", () => clientGone.abort());
  const line = await readRequestLine(socket);
  const stdout = new FrameWriter(socket, frameTypes.stdout);
  const stderr = new FrameWriter(socket, frameTypes.stderr);
  let code = 0;
  const started = Date.now();
  let name = "?";
  try {
    const request = parseRequest(line);
    name = request.command;
    const command = options.commands.get(request.command);
    if (!command) {
      throw new CommandError(`The server does not run ${request.command}; stop the server and run it again.`);
    }
    options.logger.info({ command: command.name }, "operator command from the control socket");
    await command.run(
      options.db,
      request.args,
      { stdout, stderr, stdin: request.stdin, signal: clientGone.signal },
      options.config,
    );
  } catch (error) {
    code = 1;
    if (error instanceof ClientGoneError || clientGone.signal.aborted) {
      options.logger.info({ command: name }, "operator command stopped: its client went away");
    } else if (!isOperatorError(error)) {
      options.logger.error({ err: error, command: name }, "operator command failed");
    }
    if (!stderr.destroyed) stderr.write(failureText(error, { stack: false }));
  }
  await Promise.all([stdout, stderr].map(endWriter));
  options.logger.info(
    { command: name, exitCode: code, ms: Date.now() - started },
    "operator command finished",
  );
  if (!socket.destroyed) socket.end(encodeFrame(frameTypes.exit, String(code)));
}

async function endWriter(writer: FrameWriter): Promise<void> {
  if (!writer.writableEnded && !writer.destroyed) writer.end();
  await finished(writer).catch(() => undefined);
}

function readRequestLine(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf(0x0a);
      if (end === -1 && received.length <= MAX_REQUEST_BYTES) return;
      socket.off("data", onData);
      // Keep reading (and dropping) so that a client that leaves is noticed and the command stops.
      socket.resume();
      if (end === -1) reject(new Error("control request too long"));
      else resolve(received.subarray(0, end).toString("utf8"));
    };
    socket.on("data", onData);
    socket.once("close", () => reject(new Error("control client left before its request")));
  });
}

/** Stopping to read (`| head`, Ctrl-C) is normal: the command stops, nothing else is owed. */
class ClientGoneError extends Error {}

/** A command's stdout or stderr, sent as frames; waits for the socket, so a large export streams. */
class FrameWriter extends Writable {
  constructor(
    private readonly socket: net.Socket,
    private readonly type: FrameType,
  ) {
    super();
    // A failed write ends the command through its own stream; the event needs no other listener.
    this.on("error", () => undefined);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.socket.destroyed || this.socket.writableEnded) {
      done(new ClientGoneError("the command's client went away"));
      return;
    }
    this.socket.write(encodeFrame(this.type, chunk), (error) => done(error ?? null));
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}
