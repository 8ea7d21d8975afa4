import fs from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { BackupError } from "./backup-error.js";
import { BACKUP_FORMAT, BACKUP_VERSION, BackupWriter, type BackupManifest } from "./backup-file.js";
import { newBackupPath, pruneBackups } from "./backup-folder.js";
import { backupKeyFile, ensureBackupKey } from "./backup-key.js";
import { copyTableOut, countRows, listTables, readSequences, selectOn } from "./tables.js";

export interface BackupResult {
  file: string;
  bytes: number;
  tables: number;
  rows: number;
  ms: number;
  /** Older backups deleted to keep the newest `keep`. */
  removed: string[];
  /** The key file the backup is signed with (created with the first backup). */
  keyFile: string;
}

export interface BackupFolder {
  dir: string;
  keep: number;
  /** The installation's key; BACKUP_KEY_FILE or backup.key beside the database's folder by default. */
  keyFile?: string;
}

/**
 * A consistent snapshot of the embedded database, taken by the process that owns it: every table
 * is read in one transaction, and PGlite runs one transaction at a time, so no write lands halfway.
 * Requests wait while it runs (seconds for the databases the embedded mode is meant for).
 */
export async function takeBackup(pglite: PGlite, folder: BackupFolder): Promise<BackupResult> {
  const started = Date.now();
  const key = ensureBackupKey(folder.keyFile ?? keyFileOf(pglite));
  fs.mkdirSync(folder.dir, { recursive: true, mode: 0o700 });
  const writer = BackupWriter.open(newBackupPath(folder.dir), key);
  let rows = 0;
  let tables = 0;
  try {
    await pglite.transaction(async (tx) => {
      await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      const select = selectOn(tx);
      const all = await listTables(select);
      const manifest: Omit<BackupManifest, "key"> = {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt: new Date().toISOString(),
        migrations: await select<{ name: string; checksum: string }>(
          `SELECT migration_name AS name, checksum FROM "_prisma_migrations"
           WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
        ),
        tables: [],
        sequences: await readSequences(select),
      };
      for (const table of all) {
        manifest.tables.push({
          name: table.name,
          columns: table.columns,
          rows: await countRows(select, table),
        });
      }
      await writer.manifest(manifest);
      for (const table of all) {
        await writer.beginTable(table.name);
        for await (const chunk of copyTableOut(tx, table)) await writer.writeRows(chunk);
        rows += (await writer.endTable()).rows;
        tables += 1;
      }
    });
    const bytes = await writer.finish();
    const removed = pruneBackups(folder.dir, folder.keep);
    return { file: writer.file, bytes, tables, rows, ms: Date.now() - started, removed, keyFile: key.file };
  } catch (error) {
    await writer.abandon();
    throw error;
  }
}

/** DATA_DIR is the folder that holds the embedded database's own (DATA_DIR/pglite). */
function keyFileOf(pglite: PGlite): string {
  if (!pglite.dataDir || pglite.dataDir.includes("://")) {
    throw new BackupError("This database has no data folder to keep a backup key in; set BACKUP_KEY_FILE.");
  }
  return backupKeyFile(path.dirname(path.resolve(pglite.dataDir)));
}
