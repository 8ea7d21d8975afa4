import { createHash, createHmac } from "node:crypto";
import fs from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { readBackupKey } from "../../src/backups/backup-key.js";

// Backups edited as a careful forger would: rows changed, every checksum made to match; only the
// installation key can make the signature match. Shared by the backup test files.

export interface EditableManifest {
  version: number;
  key?: string;
  migrations: { name: string; checksum: string }[];
  tables: { name: string; columns: string[]; rows: number }[];
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
}

export interface EditableBackup {
  manifest: EditableManifest;
  /** Each table's rows as COPY text lines, in file order. */
  blocks: { name: string; rows: string[] }[];
}

export interface RewriteOptions {
  /** Signs the result with this key file's key, as the installation that holds it would. */
  signWith?: string;
  /** Keeps the original checksum line of the manifest instead of one made to match. */
  keepChecksum?: boolean;
  /** Writes no manifest checksum line and no signature (format 1). */
  withoutChecksumLine?: boolean;
}

/**
 * A copy of the backup with its manifest and rows changed by `edit`, written as a careful editor
 * would: every table checksum and the manifest's checksum made to match the edit. Only the key
 * can make the signature match: without `signWith` the original signature line is kept.
 */
export function rewriteBackupOf(
  source: string,
  target: string,
  edit: (backup: EditableBackup) => void,
  options: RewriteOptions = {},
): string {
  const lines = gunzipSync(fs.readFileSync(source)).toString("utf8").split("\n");
  const backup: EditableBackup = { manifest: JSON.parse(lines[0]!) as EditableManifest, blocks: [] };
  let signature = "";
  for (let i = 2; i < lines.length; i++) {
    if (lines[i]!.startsWith("@table ")) {
      const end = lines.indexOf("\\.", i);
      backup.blocks.push({ name: lines[i]!.slice("@table ".length), rows: lines.slice(i + 1, end) });
      i = end + 1;
    } else if (lines[i]!.startsWith("@hmac ")) {
      signature = lines[i]!;
    }
  }
  edit(backup);
  for (const table of backup.manifest.tables) {
    table.rows = backup.blocks.find((block) => block.name === table.name)?.rows.length ?? table.rows;
  }
  const manifestLine = JSON.stringify(backup.manifest);
  const out = [manifestLine];
  if (!options.withoutChecksumLine) {
    out.push(options.keepChecksum ? lines[1]! : `@manifest ${sha256(manifestLine)}`);
  }
  for (const block of backup.blocks) {
    const rows = block.rows.map((row) => `${row}\n`).join("");
    out.push(`@table ${block.name}`, ...block.rows, "\\.", `@sha256 ${sha256(rows)} ${block.rows.length}`);
  }
  if (backup.manifest.version >= 3) {
    const key = options.signWith ? readBackupKey(options.signWith)! : undefined;
    const signed = out.map((line) => `${line}\n`).join("");
    out.push(key ? `@hmac ${createHmac("sha256", key.secret).update(signed).digest("hex")}` : signature);
  }
  out.push("@end", "");
  fs.writeFileSync(target, gzipSync(out.join("\n")));
  return target;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The users table's block with the role of the user with `email` set to `role`. */
export function setRole(backup: EditableBackup, email: string, role: string): void {
  const columns = backup.manifest.tables.find((table) => table.name === "users")!.columns;
  const block = backup.blocks.find((entry) => entry.name === "users")!;
  block.rows = block.rows.map((row) => {
    const fields = row.split("\t");
    if (fields[columns.indexOf("email")] !== email) return row;
    fields[columns.indexOf("role")] = role;
    return fields.join("\t");
  });
}
