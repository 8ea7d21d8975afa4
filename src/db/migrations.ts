import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../paths.js";
import type { Database, SqlSession } from "./database.js";

export const migrationsDir = path.join(projectRoot, "prisma", "migrations");

/** Any fixed number: every app process asks for the same lock before touching the schema. */
const MIGRATION_LOCK_KEY = 72_617_001;

export class MigrationError extends Error {}

export interface MigrationFile {
  name: string;
  sql: string;
  /** Prisma's own checksum: sha256 (hex) of the migration.sql bytes. */
  checksum: string;
}

interface LedgerRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export function readMigrationFiles(dir = migrationsDir): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = fs.readFileSync(path.join(dir, name, "migration.sql"));
      return {
        name,
        sql: bytes.toString("utf8"),
        checksum: createHash("sha256").update(bytes).digest("hex"),
      };
    });
}

/**
 * Applies pending migrations, each in its own transaction, and records them in Prisma's
 * `_prisma_migrations` ledger so that `prisma migrate status` agrees. Processes starting at the
 * same moment queue on an advisory lock: one applies, the others then find nothing to do.
 */
export async function applyMigrations(db: Database, files = readMigrationFiles()): Promise<string[]> {
  return db.withSession(async (session) => {
    await session.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await ensureLedger(session);
      const ledger = await session.query<LedgerRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"
         WHERE rolled_back_at IS NULL`,
      );
      const pending = pendingMigrations(files, ledger);
      for (const migration of pending) await applyOne(session, migration);
      return pending.map((migration) => migration.name);
    } finally {
      await session.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  });
}

function pendingMigrations(files: MigrationFile[], ledger: LedgerRow[]): MigrationFile[] {
  const applied = new Map(ledger.map((row) => [row.migration_name, row]));
  for (const row of ledger) {
    if (row.finished_at === null) {
      throw new MigrationError(
        `Migration ${row.migration_name} started but never finished. Inspect the database, then mark it ` +
          `rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${row.migration_name}').`,
      );
    }
    if (!files.some((file) => file.name === row.migration_name)) {
      throw new MigrationError(
        `Migration ${row.migration_name} is applied to the database but missing from prisma/migrations. ` +
          "This app is older than the database; run the newer version.",
      );
    }
  }
  for (const file of files) {
    const row = applied.get(file.name);
    if (row && row.checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${file.name} was modified after it was applied (checksum ${row.checksum} in the database, ` +
          `${file.checksum} on disk). Restore the original prisma/migrations/${file.name}/migration.sql ` +
          "and put the change in a new migration.",
      );
    }
  }
  return files.filter((file) => !applied.has(file.name));
}

async function ensureLedger(session: SqlSession): Promise<void> {
  // Prisma's own definition of its ledger table.
  await session.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
  )`);
}

async function applyOne(session: SqlSession, migration: MigrationFile): Promise<void> {
  await session.exec("BEGIN");
  try {
    await session.exec(migration.sql);
    await session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await session.exec("COMMIT");
  } catch (error) {
    await session.exec("ROLLBACK");
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${reason}`);
  }
}
