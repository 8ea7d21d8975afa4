import type { Writable } from "node:stream";
import { parseArgs } from "node:util";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";

/**
 * Operator commands are plain functions of (database, arguments, io), so the same code runs in the
 * command's own process and, when a server owns the embedded database, inside that server.
 */
export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
  /** The whole of standard input (passwords), already read by the command line. */
  stdin: string;
  /**
   * Aborted when whoever asked for the command has gone (Ctrl-C, a kill, a closed control
   * socket): long commands stop at their next safe point.
   */
  signal?: AbortSignal;
}

interface CommandBase {
  /** The npm script name: user:create, backup:restore, ... */
  name: string;
  /** Reads a password from standard input. */
  readsStdin?: boolean;
  /** Accepts --out FILE for its standard output (the export). */
  writesOutput?: boolean;
  /** On a Postgres server (DATABASE_URL) the command does not apply: why, and what to use instead. */
  onPostgresServer?: string;
}

/** Works on the open database; beside a running server it runs inside that server. */
export interface DatabaseCommand extends CommandBase {
  access: "database";
  run(db: Database, args: string[], io: CommandIo, config: Config): Promise<void>;
}

/** Needs DATA_DIR to itself (restore, the move): refuses while anything else holds it. */
export interface DataDirCommand extends CommandBase {
  access: "data-dir";
  run(config: Config, args: string[], io: CommandIo): Promise<void>;
}

/** Reads files only (the backup list): runs anywhere, any time. */
export interface FilesCommand extends CommandBase {
  access: "files";
  run(config: Config, args: string[], io: CommandIo): Promise<void>;
}

export type OperatorCommand = DatabaseCommand | DataDirCommand | FilesCommand;

/** A refusal or a failure the operator can act on: printed as one line, exit code 1. */
export class CommandError extends Error {}

export function say(io: CommandIo, line: string): void {
  io.stdout.write(`${line}\n`);
}

export function parseFlags(args: string[], names: string[]): Record<string, string | undefined> {
  const { values } = parseArgs({
    args,
    options: Object.fromEntries(names.map((name) => [name, { type: "string" as const }])),
    allowPositionals: false,
  });
  return values as Record<string, string | undefined>;
}
