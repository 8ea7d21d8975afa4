import { BackupError } from "../backups/backup-error.js";
import { ConfigError } from "../config.js";
import { DataDirBusyError } from "../db/data-dir-lock.js";
import { MigrationError } from "../db/migrations.js";
import { AppError } from "../errors.js";
import { CommandError } from "./command.js";

const operatorErrors: (abstract new (...args: never[]) => Error)[] = [
  AppError,
  ConfigError,
  MigrationError,
  CommandError,
  BackupError,
  DataDirBusyError,
];

/** Errors an operator can act on print as one line; anything else is a bug and keeps its stack. */
export function isOperatorError(error: unknown): error is Error {
  if (operatorErrors.some((kind) => error instanceof kind)) return true;
  // node:util parseArgs: unknown or malformed options, already phrased for the command line.
  return String((error as NodeJS.ErrnoException | undefined)?.code ?? "").startsWith("ERR_PARSE_ARGS");
}

export function failureText(error: unknown, options: { stack: boolean }): string {
  if (isOperatorError(error)) return `Error: ${error.message}\n`;
  if (options.stack && error instanceof Error && error.stack) return `${error.stack}\n`;
  return `Error: ${error instanceof Error ? error.message : String(error)}\n`;
}
