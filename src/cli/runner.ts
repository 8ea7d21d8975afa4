import fs from "node:fs";
import path from "node:path";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { loadConfig, type Config } from "../config.js";
import { ControlUnavailableError, forwardCommand } from "../control/control-client.js";
import {
  acquireDataDirLock,
  busyMessage,
  DataDirBusyError,
  describeHolder,
  readDataDirLock,
  type DataDirLock,
  type LockHolder,
} from "../db/data-dir-lock.js";
import { openConfiguredDatabase } from "../db/open-configured.js";
import { readStdin } from "./cli-support.js";
import { CommandError, type CommandIo, type DatabaseCommand, type OperatorCommand } from "./command.js";
import { failureText } from "./failures.js";

/** A server that holds the lock but has no control socket yet is still opening its database. */
const SERVER_START_WAIT_MS = 30_000;

/**
 * Runs an operator command from the command line. On a Postgres server it simply runs. On the
 * embedded database it takes DATA_DIR's lock and runs; if the running server holds the database,
 * the command runs inside that server through its control socket; anything else that holds it
 * (a command; a server, for a command that needs the folder to itself) gets a refusal naming it.
 */
export async function runCommandLine(command: OperatorCommand, argv = process.argv.slice(2)): Promise<void> {
  // `npm run -s export … | head`: the reader has all it wants; stop quietly, as Unix tools do.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
  });
  let output: OutputFile | undefined;
  try {
    const config = loadConfig();
    const { args, out } = command.writesOutput ? takeOutFlag(argv) : { args: argv, out: undefined };
    const stdin = command.readsStdin ? await readStdin() : "";
    output = out === undefined ? undefined : OutputFile.open(out);
    const io: CommandIo = { stdout: output?.stream ?? process.stdout, stderr: process.stderr, stdin };
    const code = await dispatch(command, config, args, io);
    if (output) await (code === 0 ? output.commit() : output.discard());
    process.exitCode = code;
  } catch (error) {
    await output?.discard();
    process.stderr.write(failureText(error, { stack: true }));
    process.exitCode = 1;
  }
}

async function dispatch(
  command: OperatorCommand,
  config: Config,
  args: string[],
  io: CommandIo,
): Promise<number> {
  if (config.databaseUrl && command.onPostgresServer) throw new CommandError(command.onPostgresServer);
  if (command.access === "files") {
    await command.run(config, args, io);
    return 0;
  }
  if (command.access === "database" && config.databaseUrl) {
    await runOnDatabase(command, config, args, io);
    return 0;
  }
  for (;;) {
    const taken = takeDataDir(config.dataDir, command);
    if (!(taken instanceof DataDirBusyError)) return runHolding(taken, command, config, args, io);
    const { holder } = taken;
    if (command.access !== "database" || !taken.sameHost || holder.kind !== "server") {
      throw new CommandError(busyMessage(taken, { kind: "command", command: command.name }));
    }
    const server = await whenListening(config.dataDir, holder);
    // Undefined: the server stopped meanwhile, and the folder may be free now.
    const code = server && (await forward(server, config, command, args, io));
    if (code !== undefined) return code;
  }
}

function takeDataDir(dataDir: string, command: OperatorCommand): DataDirLock | DataDirBusyError {
  try {
    return acquireDataDirLock(dataDir, { kind: "command", command: command.name });
  } catch (error) {
    if (error instanceof DataDirBusyError) return error;
    throw error;
  }
}

async function runHolding(
  lock: DataDirLock,
  command: OperatorCommand,
  config: Config,
  args: string[],
  io: CommandIo,
): Promise<number> {
  // Ctrl-C or kill: give the folder back; what PGlite acknowledged is already in the files.
  const onSignal = (signal: NodeJS.Signals) => {
    lock.release();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    if (command.access === "database") await runOnDatabase(command, config, args, io);
    else await command.run(config, args, io);
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    lock.release();
  }
}

type ListeningServer = LockHolder & { controlSocket: string };

async function runOnDatabase(command: DatabaseCommand, config: Config, args: string[], io: CommandIo) {
  const db = await openConfiguredDatabase(config);
  try {
    await command.run(db, args, io, config);
  } finally {
    await db.close();
  }
}

/** The server, once its control socket is open (it may still be starting); undefined if it went away. */
async function whenListening(dataDir: string, holder: LockHolder): Promise<ListeningServer | undefined> {
  const deadline = Date.now() + SERVER_START_WAIT_MS;
  for (let current = holder; ;) {
    if (current.controlSocket) return current as ListeningServer;
    if (Date.now() > deadline) {
      throw new CommandError(
        `${describeHolder(current)} holds the embedded database in ${dataDir} but has not opened its control ` +
          `socket after ${SERVER_START_WAIT_MS / 1000} s. If it is stuck, stop it (kill ${current.pid}) and run the command again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = readDataDirLock(dataDir);
    if (!now?.live || now.holder.token !== holder.token) return undefined;
    current = now.holder;
  }
}

/** The command's exit code from the server; undefined if the server stopped before taking it. */
async function forward(
  holder: ListeningServer,
  config: Config,
  command: OperatorCommand,
  args: string[],
  io: CommandIo,
): Promise<number | undefined> {
  io.stderr.write(`(Run by ${describeHolder(holder)}, which has the embedded database open.)\n`);
  try {
    return await forwardCommand(holder.controlSocket, { command: command.name, args, stdin: io.stdin }, io);
  } catch (error) {
    if (!(error instanceof ControlUnavailableError)) throw error;
    const now = readDataDirLock(config.dataDir);
    if (!now?.live || now.holder.token !== holder.token) return undefined;
    throw new CommandError(
      `${describeHolder(holder)} holds the embedded database in ${config.dataDir} but does not answer on ` +
        `${holder.controlSocket} (${error.message}); it may be stopping. Try again in a moment; if it keeps ` +
        `failing, stop the server (kill ${holder.pid}) and run the command again.`,
    );
  }
}

/** `--out FILE` or `--out=FILE`, taken out of the arguments: the command line handles the file. */
function takeOutFlag(argv: string[]): { args: string[]; out?: string } {
  const args: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--out") {
      out = argv[++i];
      if (!out) throw new CommandError("--out needs a file name.");
    } else if (arg.startsWith("--out=")) {
      out = arg.slice("--out=".length);
    } else {
      args.push(arg);
    }
  }
  return { args, out };
}

/** Written beside its final name and renamed on success, so a failed export leaves no half file. */
class OutputFile {
  private constructor(
    private readonly file: string,
    private readonly draft: string,
    readonly stream: Writable,
  ) {}

  static open(file: string): OutputFile {
    const draft = path.join(
      path.dirname(path.resolve(file)),
      `.${path.basename(file)}.${process.pid}.partial`,
    );
    return new OutputFile(file, draft, fs.createWriteStream(draft));
  }

  async commit(): Promise<void> {
    if (!this.stream.writableEnded) this.stream.end();
    await finished(this.stream);
    fs.renameSync(this.draft, this.file);
  }

  async discard(): Promise<void> {
    this.stream.destroy();
    await finished(this.stream).catch(() => undefined);
    fs.rmSync(this.draft, { force: true });
  }
}
