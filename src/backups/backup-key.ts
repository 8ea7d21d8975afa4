import { createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { BackupError } from "./backup-error.js";
import { fsyncFile, fsyncFolder } from "./durable.js";

/**
 * The installation's backup key: every backup is signed with it (HMAC-SHA256 over its content) and
 * a restore verifies the signature, so a backup edited after it was made (a user made admin, the
 * checksums recomputed) is refused. The key is a file, never a database row: the session secret
 * and every other setting are inside the backups themselves, so they cannot vouch for them.
 *
 * Like the session secret (src/auth/session-secret.ts): a configured one wins (BACKUP_KEY_FILE);
 * otherwise one is generated at first need and kept, created exactly once even when two processes
 * race (the second reads the first's), here as DATA_DIR/backup.key, readable by its owner only.
 */

export const KEY_FILE_NAME = "backup.key";
/** A generated key is 32 random bytes (base64url); an operator's own must be at least as long. */
const MIN_KEY_CHARS = 32;
const PRIVATE_FILE_MODE = 0o600;
const LOOSE_BITS = 0o077;

export interface BackupKey {
  /** Where it was read from, for messages. */
  file: string;
  secret: Buffer;
  /** A public fingerprint (not the key): tells "signed with another installation's key" from "edited". */
  id: string;
}

/** BACKUP_KEY_FILE when set; otherwise backup.key in DATA_DIR, beside the embedded database. */
export function backupKeyFile(dataDir: string, configured = process.env.BACKUP_KEY_FILE): string {
  const named = configured?.trim();
  return path.resolve(named ? named : path.join(dataDir, KEY_FILE_NAME));
}

/** The key for signing a new backup: read, or created (0600) when this installation has none yet. */
export function ensureBackupKey(file: string): BackupKey {
  return readBackupKey(file) ?? createBackupKey(file);
}

/** The key if the file exists; undefined if it does not. A restore never creates one. */
export function readBackupKey(file: string): BackupKey | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new BackupError(`Cannot read the backup key ${file} (${describe(error)}).`);
  }
  if (!stat.isFile()) {
    throw new BackupError(
      `The backup key ${file} is not a file. Point BACKUP_KEY_FILE (or --key-file) at the key file itself.`,
    );
  }
  if (process.platform !== "win32" && (stat.mode & LOOSE_BITS) !== 0) {
    try {
      fs.chmodSync(file, PRIVATE_FILE_MODE);
    } catch (error) {
      throw new BackupError(
        `The backup key ${file} is readable by other users and cannot be made private (${describe(error)}). ` +
          `Run chmod 600 ${file} as its owner.`,
      );
    }
  }
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new BackupError(`Cannot read the backup key ${file} (${describe(error)}).`);
  }
  if (text.length < MIN_KEY_CHARS) {
    throw new BackupError(
      `The backup key ${file} holds ${text.length} characters; a key has at least ${MIN_KEY_CHARS}. ` +
        "Restore the key file from where you keep it, or (to start signing with a new key) delete it: " +
        "backups made with the old key then need that key to be restored.",
    );
  }
  return keyOf(file, Buffer.from(text, "utf8"));
}

function createBackupKey(file: string): BackupKey {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const draft = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}`);
  try {
    fs.writeFileSync(draft, `${randomBytes(32).toString("base64url")}\n`, {
      flag: "wx",
      mode: PRIVATE_FILE_MODE,
    });
    fsyncFile(draft);
    try {
      // link() never replaces: of two processes creating the key at once, exactly one wins.
      fs.linkSync(draft, file);
      fsyncFolder(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  } catch (error) {
    throw new BackupError(`Cannot create the backup key ${file} (${describe(error)}).`);
  } finally {
    fs.rmSync(draft, { force: true });
  }
  const key = readBackupKey(file);
  if (!key) throw new BackupError(`The backup key ${file} disappeared while it was being created.`);
  return key;
}

export function keyOf(file: string, secret: Buffer): BackupKey {
  const id = createHmac("sha256", secret).update("claimant backup key id").digest("hex").slice(0, 16);
  return { file, secret, id };
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
