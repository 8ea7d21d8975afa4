import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isMainThread } from "node:worker_threads";
import { ConfigError } from "../config.js";

/**
 * DATA_DIR holds the embedded database (its WAL has the session secret and every session id in
 * it), the lock and by default the backups: only the user running Claimant may read any of it.
 *
 * What PGlite does (0.5, checked in node_modules/@electric-sql/pglite): a fresh database is copied
 * into DATA_DIR/pglite file by file and each file is then chmod-ed to 0666 explicitly, whatever the
 * umask (about 970 files: catalogs, WAL). Files Postgres creates later (WAL segments, relations)
 * are created with mode 0777 minus the process umask and chmod-ed to 0600 right after. So:
 * folders are made 0700 before PGlite opens (nothing inside is reachable by others at any moment),
 * the files left loose by PGlite are chmod-ed after it opened, and a process umask of 077 makes the
 * instant between Postgres's create and its chmod private too.
 */

/** What open(2) and mkdir(2) leave out while the embedded database is open: group and other bits. */
export const PRIVATE_UMASK = 0o077;

const LOOSE_BITS = 0o077;
const PRIVATE_FOLDER_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/** An operator fixes it outside Claimant (ownership of DATA_DIR), as with any other setting. */
export class DataDirPermissionError extends ConfigError {}

export interface PermissionFix {
  /** Files and folders that had group or other permission bits and were made private. */
  fixed: number;
  /** A few of them, relative to DATA_DIR, for the log. */
  examples: string[];
}

export interface Identity {
  /** The user whose files DATA_DIR must hold; the current process's by default. */
  uid?: number;
  platform?: NodeJS.Platform;
}

/** Without POSIX permissions (Windows) there is nothing to check: NTFS ACLs follow the folder. */
function appliesTo(platform: NodeJS.Platform): boolean {
  return platform !== "win32";
}

function currentUid(): number {
  return process.getuid?.() ?? -1;
}

/**
 * From here on, files and folders this process creates are its user's alone. Set before the
 * embedded database opens. Worker threads cannot change the umask; the chmods below still apply.
 */
export function restrictNewFiles(platform: NodeJS.Platform = process.platform): void {
  if (appliesTo(platform) && isMainThread) process.umask(PRIVATE_UMASK);
}

/**
 * DATA_DIR exists and belongs to the user running Claimant (created 0700 if missing); refuses with
 * a DataDirPermissionError otherwise. Cheap: for every process that takes DATA_DIR's lock.
 */
export function assertOwnDataDir(dataDir: string, identity: Identity = {}): void {
  const platform = identity.platform ?? process.platform;
  if (!appliesTo(platform)) {
    fs.mkdirSync(dataDir, { recursive: true });
    return;
  }
  const uid = identity.uid ?? currentUid();
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  } catch (error) {
    // A file by that name: refused just below.
    if (errorCode(error) !== "EEXIST")
      throw new DataDirPermissionError(
        `Cannot create DATA_DIR ${dataDir} (${errorText(error)}). Create it as the user running Claimant ` +
          `(${userName(uid)}), or set DATA_DIR to a folder that user owns.`,
      );
  }
  // stat, not lstat: DATA_DIR itself may be a symbolic link to a volume.
  const top = fs.statSync(dataDir);
  if (!top.isDirectory()) {
    throw new DataDirPermissionError(`DATA_DIR ${dataDir} is not a folder. Set DATA_DIR to a folder.`);
  }
  if (top.uid !== uid) {
    throw new DataDirPermissionError(
      `DATA_DIR ${dataDir} belongs to user id ${top.uid}, not to ${userName(uid)} who runs Claimant, so its ` +
        `files cannot be kept readable by ${userName(uid)} alone. Run Claimant as the folder's owner, or ` +
        `give the folder to this user (chown -R ${uid} ${dataDir}).`,
    );
  }
}

/**
 * Makes DATA_DIR and everything in it readable by its owner only (0700 folders, 0600 files), and
 * says how many entries needed it. Refuses (DataDirPermissionError) what cannot be fixed: a folder
 * or file owned by another user, a chmod that fails. Symbolic links inside are left alone and not
 * followed (PGlite makes none).
 */
export function secureDataDir(dataDir: string, identity: Identity = {}): PermissionFix {
  const fix: PermissionFix = { fixed: 0, examples: [] };
  assertOwnDataDir(dataDir, identity);
  if (!appliesTo(identity.platform ?? process.platform)) return fix;
  const uid = identity.uid ?? currentUid();
  const makePrivate = (entry: string, stat: fs.Stats) => {
    if (stat.uid !== uid) {
      throw new DataDirPermissionError(
        `${entry} in DATA_DIR ${dataDir} belongs to user id ${stat.uid}, not to ${userName(uid)} who runs ` +
          `Claimant. Give the folder back to this user (chown -R ${uid} ${dataDir}) and start again.`,
      );
    }
    if ((stat.mode & LOOSE_BITS) === 0) return;
    const mode = stat.isDirectory() ? PRIVATE_FOLDER_MODE : PRIVATE_FILE_MODE;
    try {
      fs.chmodSync(entry, mode);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return;
      throw new DataDirPermissionError(
        `Cannot make ${entry} private (${errorText(error)}): other users could read the database. ` +
          `Run chmod -R go-rwx ${dataDir} as its owner and start again.`,
      );
    }
    fix.fixed += 1;
    if (fix.examples.length < 3) fix.examples.push(path.relative(dataDir, entry) || ".");
  };
  makePrivate(dataDir, fs.statSync(dataDir));
  const folders = [dataDir];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    let names: string[];
    try {
      names = fs.readdirSync(folder);
    } catch (error) {
      if (errorCode(error) === "ENOENT") continue;
      throw error;
    }
    for (const name of names) {
      const entry = path.join(folder, name);
      let stat: fs.Stats;
      try {
        stat = fs.lstatSync(entry);
      } catch (error) {
        if (errorCode(error) === "ENOENT") continue; // removed meanwhile
        throw error;
      }
      if (stat.isSymbolicLink()) continue;
      makePrivate(entry, stat);
      if (stat.isDirectory()) folders.push(entry);
    }
  }
  return fix;
}

/** Files and folders under `dataDir` that group or others may use: what must stay at zero. */
export function looseEntries(dataDir: string): string[] {
  const loose: string[] = [];
  const folders = [dataDir];
  if ((fs.statSync(dataDir).mode & LOOSE_BITS) !== 0) loose.push(dataDir);
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isSymbolicLink()) continue;
      if ((fs.lstatSync(full).mode & LOOSE_BITS) !== 0) loose.push(full);
      if (entry.isDirectory()) folders.push(full);
    }
  }
  return loose;
}

/** The one log line of a start that had to fix DATA_DIR. */
export function describeFix(dataDir: string, fix: PermissionFix): string {
  const more = fix.fixed > fix.examples.length ? ", ..." : "";
  return (
    `DATA_DIR ${dataDir} had ${fix.fixed} file(s) or folder(s) that other users could read or change ` +
    `(${fix.examples.join(", ")}${more}); they are now readable by ${userName(currentUid())} only ` +
    "(folders 0700, files 0600)."
  );
}

function userName(uid: number): string {
  try {
    const info = os.userInfo();
    if (info.uid === uid) return `${info.username} (user id ${uid})`;
  } catch {
    // no passwd entry (a container's arbitrary uid)
  }
  return `user id ${uid}`;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function errorText(error: unknown): string {
  return errorCode(error) ?? (error as Error).message;
}
