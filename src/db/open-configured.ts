import type { Config } from "../config.js";
import { openDatabase, type Database } from "./database.js";
import { applyMigrations } from "./migrations.js";

/**
 * No request needs a statement this long (the slowest page query measured is about 0.1 s on a
 * million claims); a statement that runs longer is stuck and would hold a pooled connection.
 * Exports have their own pool without this limit.
 */
const STATEMENT_TIMEOUT_MS = 60_000;

/** Opens the database the configuration names (DATABASE_URL, else PGlite in DATA_DIR) and migrates it. */
export async function openConfiguredDatabase(
  config: Config,
  onApplied?: (names: string[]) => void,
): Promise<Database> {
  const db = config.databaseUrl
    ? await openDatabase({
        url: config.databaseUrl,
        poolSize: config.databasePoolSize,
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
