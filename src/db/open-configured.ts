import type { Config } from "../config.js";
import { openDatabase, type Database } from "./database.js";
import { acquireDataDirLock, type DataDirLock, type LockKind } from "./data-dir-lock.js";
import { applyMigrations } from "./migrations.js";

/**
 * No request needs a statement this long (the slowest page query measured is about 0.1 s on a
 * million claims); a statement that runs longer is stuck and would hold a pooled connection.
 * Exports have their own pool without this limit.
 */
const STATEMENT_TIMEOUT_MS = 60_000;

/** Connections kept open while idle: enough for one page's queries that run side by side. */
const KEPT_CONNECTIONS = 4;

/** Opens the database the configuration names (DATABASE_URL, else PGlite in DATA_DIR) and migrates it. */
export async function openConfiguredDatabase(
  config: Config,
  onApplied?: (names: string[]) => void,
): Promise<Database> {
  const db = config.databaseUrl
    ? await openDatabase({
        url: config.databaseUrl,
        poolSize: config.databasePoolSize,
        keptConnections: KEPT_CONNECTIONS,
        exportConnections: config.exports.connections,
        statementTimeoutMs: STATEMENT_TIMEOUT_MS,
      })
    : await openDatabase({ dataDir: config.dataDir });
  try {
    const applied = await applyMigrations(db);
    onApplied?.(applied);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

export interface OwnedDatabase {
  db: Database;
  /** Held while the embedded database is open; undefined on a Postgres server, which locks for itself. */
  lock?: DataDirLock;
  /** Closes the database, then gives DATA_DIR back. */
  close(): Promise<void>;
}

/**
 * Like openConfiguredDatabase, but on the embedded database takes DATA_DIR's lock first, so that no
 * second process ever opens it (DataDirBusyError names the holder instead).
 */
export async function openOwnedDatabase(
  config: Config,
  owner: { kind: LockKind; command: string },
  onApplied?: (names: string[]) => void,
): Promise<OwnedDatabase> {
  const lock = config.databaseUrl ? undefined : acquireDataDirLock(config.dataDir, owner);
  let db: Database;
  try {
    db = await openConfiguredDatabase(config, onApplied);
  } catch (error) {
    lock?.release();
    throw error;
  }
  return {
    db,
    lock,
    async close() {
      try {
        await db.close();
      } finally {
        lock?.release();
      }
    },
  };
}
