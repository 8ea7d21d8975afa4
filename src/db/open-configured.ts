import type { Config } from "../config.js";
import { openDatabase, type Database } from "./database.js";
import { acquireDataDirLock, type DataDirLock, type LockKind } from "./data-dir-lock.js";
import { describeFix, restrictNewFiles, secureDataDir, type PermissionFix } from "./data-dir-permissions.js";
import { applyMigrations } from "./migrations.js";

/**
 * No request needs a statement this long (the slowest page query measured is about 0.1 s on a
 * million claims); a statement that runs longer is stuck and would hold a pooled connection.
 * Exports have their own pool without this limit.
 */
const STATEMENT_TIMEOUT_MS = 60_000;

/** Connections kept open while idle: enough for one page's queries that run side by side. */
const KEPT_CONNECTIONS = 4;

/** Told once when DATA_DIR had to be made private; the command line prints it on stderr. */
export type PermissionReport = (message: string, fix: PermissionFix) => void;

const reportOnStderr: PermissionReport = (message) => process.stderr.write(`Note: ${message}\n`);

/** Opens the database the configuration names (DATABASE_URL, else PGlite in DATA_DIR) and migrates it. */
export async function openConfiguredDatabase(
  config: Config,
  onApplied?: (names: string[]) => void,
  onPermissionsFixed: PermissionReport = reportOnStderr,
): Promise<Database> {
  const db = config.databaseUrl
    ? await openDatabase({
        url: config.databaseUrl,
        poolSize: config.databasePoolSize,
        keptConnections: KEPT_CONNECTIONS,
        exportConnections: config.exports.connections,
        statementTimeoutMs: STATEMENT_TIMEOUT_MS,
      })
    : await openEmbedded(config.dataDir, onPermissionsFixed);
  try {
    const applied = await applyMigrations(db);
    onApplied?.(applied);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * PGlite in DATA_DIR, kept readable by this user only (src/db/data-dir-permissions.ts): DATA_DIR is
 * made private before PGlite opens, so the files a fresh database is written with (0666) are never
 * reachable by others before they are fixed just after.
 */
async function openEmbedded(dataDir: string, onPermissionsFixed: PermissionReport): Promise<Database> {
  restrictNewFiles();
  const found = secureDataDir(dataDir);
  // Reported once, and only what was found: a fresh database's own files are PGlite's doing.
  if (found.fixed > 0) onPermissionsFixed(describeFix(dataDir, found), found);
  const db = await openDatabase({ dataDir });
  try {
    secureDataDir(dataDir);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
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
  onPermissionsFixed?: PermissionReport,
): Promise<OwnedDatabase> {
  const lock = config.databaseUrl ? undefined : acquireDataDirLock(config.dataDir, owner);
  let db: Database;
  try {
    db = await openConfiguredDatabase(config, onApplied, onPermissionsFixed);
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
