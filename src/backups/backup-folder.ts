import fs from "node:fs";
import path from "node:path";

/** Backups are named by the time they were taken, so names sort oldest to newest. */
const BACKUP_NAME = /^claimant-backup-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.gz$/;

export interface BackupEntry {
  file: string;
  name: string;
  takenAt: Date;
  bytes: number;
}

export function backupFileName(at: Date): string {
  return `claimant-backup-${at.toISOString().replace(/[:.]/g, "-")}.gz`;
}

/** A new backup's path: its time, moved on a millisecond if a backup of that instant exists. */
export function newBackupPath(dir: string, at = new Date()): string {
  let time = at.getTime();
  while (fs.existsSync(path.join(dir, backupFileName(new Date(time))))) time += 1;
  return path.join(dir, backupFileName(new Date(time)));
}

/** The folder's backups, newest first; other files in it are left alone. */
export function listBackups(dir: string): BackupEntry[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .flatMap((name) => {
      const match = BACKUP_NAME.exec(name);
      if (!match) return [];
      const [, day, hours, minutes, seconds, millis] = match;
      const file = path.join(dir, name);
      const takenAt = new Date(`${day}T${hours}:${minutes}:${seconds}.${millis}Z`);
      return [{ file, name, takenAt, bytes: fs.statSync(file).size }];
    })
    .sort((a, b) => b.name.localeCompare(a.name));
}

/** Keeps the newest `keep` backups and deletes the rest; returns what it deleted. */
export function pruneBackups(dir: string, keep: number): string[] {
  const old = listBackups(dir).slice(keep);
  for (const entry of old) fs.rmSync(entry.file, { force: true });
  return old.map((entry) => entry.file);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
