import fs from "node:fs";
import path from "node:path";

/** The PGlite data folder inside DATA_DIR, as src/db/database.ts opens it. */
export function embeddedFolder(dataDir: string): string {
  return path.join(dataDir, "pglite");
}

export function hasEmbeddedDatabase(dataDir: string): boolean {
  return fs.existsSync(path.join(embeddedFolder(dataDir), "PG_VERSION"));
}

/** A time stamp safe in file names on every system: 2026-11-25T10-00-00-123Z. */
export function fileStamp(at = new Date()): string {
  return at.toISOString().replace(/[:.]/g, "-");
}
