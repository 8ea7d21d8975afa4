import fs from "node:fs";
import path from "node:path";

/**
 * PGlite writes with fsync off, so the files this project writes for safety (backups, a restored
 * database) are flushed explicitly: a backup is only worth something once it is on the disk.
 */

export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a rename or a new file in `dir` survive a crash. Windows cannot open folders this way. */
export function fsyncFolder(dir: string): void {
  if (process.platform === "win32") return;
  fsyncFile(dir);
}

export function fsyncTree(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) fsyncTree(full);
    else if (entry.isFile()) fsyncFile(full);
  }
  fsyncFolder(dir);
}
