import fs from "node:fs";
import path from "node:path";
import { BackupError } from "../../backups/backup-error.js";
import { readManifest } from "../../backups/backup-file.js";
import { formatBytes, listBackups } from "../../backups/backup-folder.js";
import { restoreBackup } from "../../backups/restore.js";
import { takeBackup } from "../../backups/take-backup.js";
import type { Config } from "../../config.js";
import { parseFlags, say, type DataDirCommand, type DatabaseCommand, type FilesCommand } from "../command.js";

const onPostgresServer =
  "Backups here are for the embedded database. On a Postgres server (DATABASE_URL) use pg_dump to back up " +
  "and pg_restore to restore, or your provider's backups.";

const utc = (iso: string) => `${iso.slice(0, 19).replace("T", " ")} UTC`;

/** npm run backup: one backup now (through the running server when there is one). */
export const backupCommand: DatabaseCommand = {
  name: "backup",
  access: "database",
  onPostgresServer,
  async run(db, args, io, config) {
    parseFlags(args, []);
    const result = await takeBackup(db.pglite!, config.backups);
    say(
      io,
      `Backup written: ${result.file} (${result.tables} tables, ${result.rows} rows, ` +
        `${formatBytes(result.bytes)}, ${(result.ms / 1000).toFixed(1)} s).`,
    );
    if (result.removed.length > 0) {
      say(io, `Kept the newest ${config.backups.keep} backups; deleted ${result.removed.length} older.`);
    }
  },
};

/** npm run backup:list: the backups in BACKUP_DIR, newest first. */
export const backupListCommand: FilesCommand = {
  name: "backup:list",
  access: "files",
  onPostgresServer,
  async run(config, args, io) {
    parseFlags(args, []);
    const backups = listBackups(config.backups.dir);
    if (backups.length === 0) {
      say(io, `No backups in ${config.backups.dir} yet. Make one with: npm run backup`);
      return;
    }
    say(io, `Backups in ${config.backups.dir}, newest first:`);
    for (const backup of backups) {
      const manifest = await readManifest(backup.file).catch(() => undefined);
      const rows = manifest?.tables.reduce((sum, table) => sum + table.rows, 0);
      const holds = manifest ? `${manifest.tables.length} tables, ${rows} rows` : "unreadable";
      say(
        io,
        `  ${backup.name}  ${utc(backup.takenAt.toISOString())}  ${formatBytes(backup.bytes)}  ${holds}`,
      );
    }
    say(io, "Restore one (with the server stopped): npm run backup:restore -- --file <name>");
  },
};

/** npm run backup:restore -- --file F: replaces the embedded database with a backup; keeps the old data. */
export const backupRestoreCommand: DataDirCommand = {
  name: "backup:restore",
  access: "data-dir",
  onPostgresServer,
  async run(config, args, io) {
    const file = backupFile(config, parseFlags(args, ["file"]).file);
    const result = await restoreBackup(config.dataDir, file);
    const { manifest } = result;
    say(io, `Restored ${file} (taken ${utc(manifest.createdAt)}).`);
    say(
      io,
      `Loaded and verified ${manifest.tables.length} tables, ${result.rows} rows, against the backup's checksums.`,
    );
    if (result.newerMigrations.length > 0) {
      say(
        io,
        `Applied ${result.newerMigrations.length} newer migrations: ${result.newerMigrations.join(", ")}.`,
      );
    }
    if (result.previous) {
      say(
        io,
        `The data from before the restore is kept in ${result.previous}; delete it once you no longer need it.`,
      );
    }
    say(io, "Start Claimant again: npm start");
  },
};

/** --file takes a path, or the name of a backup in BACKUP_DIR (as backup:list shows them). */
function backupFile(config: Config, file: string | undefined): string {
  if (!file)
    throw new BackupError(
      "Name the backup: npm run backup:restore -- --file <file> (npm run backup:list shows them).",
    );
  if (fs.existsSync(file)) return path.resolve(file);
  const inFolder = path.join(config.backups.dir, file);
  if (fs.existsSync(inFolder)) return inFolder;
  throw new BackupError(`No backup ${file}, neither as a path nor in ${config.backups.dir}.`);
}
