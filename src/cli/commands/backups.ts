import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { BackupError } from "../../backups/backup-error.js";
import { readManifest, SIGNED_FROM_VERSION, type BackupManifest } from "../../backups/backup-file.js";
import { formatBytes, listBackups } from "../../backups/backup-folder.js";
import { readBackupKey, type BackupKey } from "../../backups/backup-key.js";
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
    const result = await takeBackup(db.pglite!, {
      ...config.backups,
      keyFile: config.backups.keyFile,
    });
    say(
      io,
      `Backup written: ${result.file} (${result.tables} tables, ${result.rows} rows, ` +
        `${formatBytes(result.bytes)}, ${(result.ms / 1000).toFixed(1)} s).`,
    );
    say(
      io,
      `Signed with the backup key in ${result.keyFile}. Keep a copy of that key safe and apart from the ` +
        "backups: restoring them on another machine needs it.",
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
    const key = installationKey(config);
    for (const backup of backups) {
      say(
        io,
        `  ${backup.name}  ${utc(backup.takenAt.toISOString())}  ${formatBytes(backup.bytes)}  ` +
          (await holds(backup.file, key)),
      );
    }
    say(
      io,
      "Restore one (with the server stopped; its signature is verified then): npm run backup:restore -- --file <name>",
    );
  },
};

/** npm run backup:restore -- --file F: replaces the embedded database with a backup; keeps the old data. */
export const backupRestoreCommand: DataDirCommand = {
  name: "backup:restore",
  access: "data-dir",
  onPostgresServer,
  async run(config, args, io) {
    const flags = restoreFlags(args);
    const file = backupFile(config, flags.file);
    const result = await restoreBackup(config.dataDir, file, {
      keyFile: flags["key-file"],
      trustUnsigned: flags["trust-unsigned"],
      allowPartial: flags["allow-partial"],
    });
    const { manifest } = result;
    say(io, `Restored ${file} (taken ${utc(manifest.createdAt)}).`);
    say(
      io,
      result.key
        ? `Verified its signature with the backup key in ${result.key.file}.`
        : `It is unsigned (format version ${manifest.version}): restored as asked (--trust-unsigned).`,
    );
    say(
      io,
      `Loaded and verified ${manifest.tables.length} tables, ${result.rows} rows, against the backup's checksums.`,
    );
    if (result.leftEmpty.length > 0) {
      say(io, `Left empty, as asked (--allow-partial): ${result.leftEmpty.join(", ")}.`);
    }
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

/** The list only compares key ids; a key it cannot read is named by the restore that needs it. */
function installationKey(config: Config): BackupKey | undefined {
  try {
    return readBackupKey(config.backups.keyFile);
  } catch (error) {
    if (error instanceof BackupError) return undefined;
    throw error;
  }
}

/** What backup:list shows of one backup: what it holds and whose key signed it, or why it cannot tell. */
async function holds(file: string, key: BackupKey | undefined): Promise<string> {
  let manifest: BackupManifest;
  try {
    manifest = await readManifest(file);
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    return "unreadable (npm run backup:restore names the problem)";
  }
  const rows = manifest.tables.reduce((sum, table) => sum + table.rows, 0);
  return `${manifest.tables.length} tables, ${rows} rows, ${signedBy(manifest, key)}`;
}

function signedBy(manifest: BackupManifest, key: BackupKey | undefined): string {
  if (manifest.version < SIGNED_FROM_VERSION) return `unsigned (format ${manifest.version})`;
  return manifest.key === key?.id ? "signed (this installation's key)" : `signed (key ${manifest.key})`;
}

function restoreFlags(args: string[]) {
  return parseArgs({
    args,
    options: {
      file: { type: "string" },
      "key-file": { type: "string" },
      "trust-unsigned": { type: "boolean" },
      "allow-partial": { type: "boolean" },
    },
    allowPositionals: false,
  }).values;
}

const nameIt = "npm run backup:restore -- --file <file> (npm run backup:list shows them)";

/** --file takes a path, or the name of a backup in BACKUP_DIR (as backup:list shows them). */
function backupFile(config: Config, file: string | undefined): string {
  if (!file) throw new BackupError(`Name the backup: ${nameIt}.`);
  const candidates = [path.resolve(file), path.resolve(config.backups.dir, file)];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new BackupError(`No backup ${file}, neither as a path nor in ${config.backups.dir}.`);
  const stat = fs.statSync(found);
  if (stat.isDirectory())
    throw new BackupError(`${found} is a folder, not a backup file. Name the file: ${nameIt}.`);
  if (!stat.isFile()) throw new BackupError(`${found} is not a regular file. Name a backup file: ${nameIt}.`);
  return found;
}
