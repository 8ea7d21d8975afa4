import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import type { Database } from "../db/database.js";
import { MigrationError } from "../db/migrations.js";
import { openConfiguredDatabase } from "../db/open-configured.js";
import { AppError } from "../errors.js";

/** Reads the whole of standard input: how operator commands take passwords (never as arguments). */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("Password (then Enter, Ctrl-D): ");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

export function parseFlags(names: string[]): Record<string, string | undefined> {
  const { values } = parseArgs({
    options: Object.fromEntries(names.map((name) => [name, { type: "string" as const }])),
    allowPositionals: false,
  });
  return values as Record<string, string | undefined>;
}

/** Runs a command against the configured database; known failures print one clear line. */
export async function runCommand(work: (db: Database) => Promise<void>): Promise<void> {
  let db: Database | undefined;
  try {
    db = await openConfiguredDatabase(loadConfig());
    await work(db);
  } catch (error) {
    const known =
      error instanceof AppError || error instanceof ConfigError || error instanceof MigrationError;
    console.error(known ? `Error: ${(error as Error).message}` : error);
    process.exitCode = 1;
  } finally {
    await db?.close();
  }
}
