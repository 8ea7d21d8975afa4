import type { Config } from "../config.js";
import { openDatabase, type Database } from "./database.js";
import { applyMigrations } from "./migrations.js";

/** Opens the database the configuration names (DATABASE_URL, else PGlite in DATA_DIR) and migrates it. */
export async function openConfiguredDatabase(
  config: Config,
  onApplied?: (names: string[]) => void,
): Promise<Database> {
  const db = config.databaseUrl
    ? await openDatabase({ url: config.databaseUrl, poolSize: config.databasePoolSize })
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
