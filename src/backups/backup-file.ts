import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip, type Gzip } from "node:zlib";
import { z } from "zod";
import { BackupError, DamagedBackupError, NotABackupError, UnverifiedBackupError } from "./backup-error.js";
import type { BackupKey } from "./backup-key.js";
import { BackupLines, limitText, MAX_LINE_BYTES, MAX_MANIFEST_BYTES, NEWLINE } from "./backup-lines.js";
import { fsyncFile, fsyncFolder } from "./durable.js";
import type { SequenceValue } from "./tables.js";

export { DamagedBackupError } from "./backup-error.js";

/**
 * One backup is one gzip file of text lines:
 *   {manifest JSON}                 what the backup holds: migrations, tables and their row counts
 *   @manifest <hex>                 the sha256 of the manifest line (from version 2 on)
 *   @table users                    then, per table, in load order:
 *   1<TAB>ops@example.org<TAB>...    its rows as COPY text, in key order
 *   \.                              the end of its rows (COPY text escapes a lone "\." in data)
 *   @sha256 <hex> <rows>            the checksum and count of those row lines
 *   @hmac <hex>                     (from version 3 on) HMAC-SHA256 of every byte above this line,
 *                                   with the installation's backup key (backup-key.ts)
 *   @end                            the file is complete
 * The checksums find damage; only the signature proves the backup was made by an installation
 * that holds the key and not edited since (anyone can recompute a sha256). No line is longer
 * than MAX_LINE_BYTES (backup-lines.ts).
 */

export const BACKUP_FORMAT = "claimant-backup";
export const BACKUP_VERSION = 3;
/** The first version whose backups are signed; older ones are restored only when the operator says so. */
export const SIGNED_FROM_VERSION = 3;
/** Version 1 had no checksum of its manifest; its tables and sequences are still checked on restore. */
const READABLE_VERSIONS = [1, 2, 3];

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  /** Version 3 on: the id (public fingerprint) of the key the backup is signed with. */
  key?: string;
  /** Applied migrations, in order: restore rebuilds exactly this schema before loading. */
  migrations: { name: string; checksum: string }[];
  tables: { name: string; columns: string[]; rows: number }[];
  sequences: SequenceValue[];
}

const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.number().int(),
  createdAt: z.string().max(100),
  key: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .optional(),
  migrations: z.array(z.object({ name: z.string().min(1).max(500), checksum: z.string().max(500) })),
  tables: z.array(
    z.object({
      name: z.string().min(1).max(500),
      columns: z.array(z.string().min(1).max(500)),
      rows: z.number().int().min(0),
    }),
  ),
  sequences: z.array(
    z.object({
      name: z.string().min(1).max(1000),
      lastValue: z.string().regex(/^-?\d{1,19}$/),
      isCalled: z.boolean(),
    }),
  ),
});

export interface TableChecksum {
  rows: number;
  sha256: string;
}

/** Writes a backup to a temporary name; only finish() makes it appear under its real name. */
export class BackupWriter {
  private readonly gzip: Gzip = createGzip();
  private readonly written: Promise<void>;
  private readonly mac: Hmac;
  private hash: Hash | undefined;
  private table = "";
  private rows = 0;
  /** Bytes of the row line being written, which may span chunks. */
  private lineBytes = 0;

  private constructor(
    readonly file: string,
    private readonly draft: string,
    readonly key: BackupKey,
  ) {
    this.mac = createHmac("sha256", key.secret);
    this.written = pipeline(this.gzip, fs.createWriteStream(draft, { flags: "wx", mode: 0o600 }));
    // A failure surfaces through the next write or through finish(); never as an unhandled rejection.
    this.written.catch(() => undefined);
  }

  static open(file: string, key: BackupKey): BackupWriter {
    return new BackupWriter(
      file,
      path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`),
      key,
    );
  }

  /** The manifest as given, signed with this writer's key. */
  async manifest(manifest: Omit<BackupManifest, "key">): Promise<void> {
    const line = JSON.stringify({ ...manifest, key: this.key.id });
    if (Buffer.byteLength(line) > MAX_MANIFEST_BYTES) {
      throw new BackupError(`The backup's manifest is longer than ${limitText(MAX_MANIFEST_BYTES)}.`);
    }
    await this.put(`${line}\n@manifest ${sha256(line)}\n`);
  }

  async beginTable(name: string): Promise<void> {
    this.hash = createHash("sha256");
    this.table = name;
    this.rows = 0;
    this.lineBytes = 0;
    await this.put(`@table ${name}\n`);
  }

  /** COPY text, whole lines. */
  async writeRows(chunk: Uint8Array): Promise<void> {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      this.checkLine(this.lineBytes + end - start);
      this.lineBytes = 0;
      this.rows += 1;
      start = end + 1;
    }
    this.lineBytes += bytes.length - start;
    this.checkLine(this.lineBytes);
    this.hash!.update(bytes);
    await this.put(bytes);
  }

  async endTable(): Promise<TableChecksum> {
    const checksum = { rows: this.rows, sha256: this.hash!.digest("hex") };
    await this.put(`\\.\n@sha256 ${checksum.sha256} ${checksum.rows}\n`);
    return checksum;
  }

  /** Signs, flushes, fsyncs and renames into place, then fsyncs the folder: the backup is on disk. */
  async finish(): Promise<number> {
    await this.put(`@hmac ${this.mac.digest("hex")}\n`, { signed: false });
    await this.put("@end\n", { signed: false });
    this.gzip.end();
    await this.written;
    fsyncFile(this.draft);
    fs.renameSync(this.draft, this.file);
    fsyncFolder(path.dirname(this.file));
    return fs.statSync(this.file).size;
  }

  async abandon(): Promise<void> {
    this.gzip.destroy();
    await this.written.catch(() => undefined);
    fs.rmSync(this.draft, { force: true });
  }

  /** A backup is only written if it can be read back: no row longer than the reader accepts. */
  private checkLine(bytes: number): void {
    if (bytes <= MAX_LINE_BYTES) return;
    throw new BackupError(
      `A row of table ${this.table} is longer than ${limitText(MAX_LINE_BYTES)} as COPY text, the longest ` +
        "line a backup may hold; no backup was written. Copy the data folder with the server stopped instead.",
    );
  }

  private async put(data: string | Uint8Array, options = { signed: true }): Promise<void> {
    if (options.signed) this.mac.update(data);
    if (this.gzip.destroyed) await this.written;
    if (!this.gzip.write(data)) await once(this.gzip, "drain");
  }
}

export interface BackupVisitor {
  manifest(manifest: BackupManifest): Promise<void>;
  /** Whole COPY text lines of one table, each ending in a newline, a few megabytes at a time. */
  rows(table: string, chunk: Buffer): Promise<void>;
  tableEnd(table: string, checksum: TableChecksum): Promise<void>;
}

export interface BackupRead {
  manifest: BackupManifest;
  /** The verified signature (version 3 on); undefined for an older, unsigned backup. */
  signature?: string;
}

const CHUNK_BYTES = 4 * 1024 * 1024;
const NEWLINE_BYTE = Buffer.of(NEWLINE);
const END_OF_ROWS = "\\.";

/**
 * Reads a whole backup, checking each table's checksum, that the file is complete and (version 3
 * on) its signature with `key`. The visitor sees rows before the signature is checked at the end:
 * whatever it builds must be thrown away when this throws.
 */
export async function readBackup(
  file: string,
  visitor: BackupVisitor,
  key: BackupKey | undefined,
): Promise<BackupRead> {
  const damaged = (problem: string) => new DamagedBackupError(file, problem);
  const lines = new BackupLines(file);
  let mac: Hmac | undefined;
  let signature: string | undefined;
  let table: string | undefined;
  let inRows = false;
  let hash: Hash | undefined;
  let rows = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let ended = false;
  const seen = new Set<string>();

  const flush = async () => {
    if (pendingBytes === 0) return;
    const chunk = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await visitor.rows(table!, chunk);
  };
  const sign = (line: Buffer) => {
    mac?.update(line);
    mac?.update(NEWLINE_BYTE);
  };

  try {
    const manifestLine = await lines.next(MAX_MANIFEST_BYTES);
    if (!manifestLine) throw new NotABackupError(file, "it is empty");
    const manifest = parseManifest(file, manifestLine);
    if (manifest.version >= SIGNED_FROM_VERSION)
      mac = createHmac("sha256", keyFor(file, manifest, key).secret);
    sign(manifestLine);
    if (manifest.version >= 2) {
      const checksumLine = await lines.next(MAX_MANIFEST_BYTES);
      checkManifestLine(file, manifestLine, checksumLine);
      sign(checksumLine!);
    }
    await visitor.manifest(manifest);

    for (let line = await lines.next(MAX_LINE_BYTES); line; line = await lines.next(MAX_LINE_BYTES)) {
      if (ended) throw damaged(`data after its end, at line ${lines.lineNumber}`);
      if (inRows) {
        sign(line);
        if (line.length === 2 && line.toString("latin1") === END_OF_ROWS) {
          inRows = false;
          await flush();
          continue;
        }
        hash!.update(line);
        hash!.update(NEWLINE_BYTE);
        rows += 1;
        pending.push(line, NEWLINE_BYTE);
        pendingBytes += line.length + 1;
        if (pendingBytes >= CHUNK_BYTES) await flush();
        continue;
      }
      // Every line outside rows is short; a long one is not part of a backup.
      const text = line.length < 1000 ? line.toString("utf8") : "";
      if (signature !== undefined && text !== "@end") {
        throw damaged(`line ${lines.lineNumber} comes after its signature, where only its end may`);
      }
      if (text.startsWith("@hmac ") && mac) {
        if (table) throw damaged(`table ${table} has no checksum line`);
        signature = text.slice("@hmac ".length);
        verifySignature(file, manifest, key!, mac.digest(), signature);
        mac = undefined;
        continue;
      }
      sign(line);
      if (text.startsWith("@table ")) {
        if (table) throw damaged(`table ${table} has no checksum line`);
        table = text.slice("@table ".length);
        if (seen.has(table) || !manifest.tables.some((listed) => listed.name === table)) {
          throw damaged(
            `line ${lines.lineNumber} starts rows of table "${table.slice(0, 80)}", which its manifest ` +
              "does not list, or which appears twice",
          );
        }
        seen.add(table);
        inRows = true;
        hash = createHash("sha256");
        rows = 0;
      } else if (text.startsWith("@sha256 ") && table) {
        const [, sha256, count] = text.split(" ");
        const actual = hash!.digest("hex");
        if (sha256 !== actual || Number(count) !== rows)
          throw damaged(`table ${table} does not match its checksum`);
        if (manifest.tables.find((listed) => listed.name === table)!.rows !== rows)
          throw damaged(`table ${table} holds ${rows} rows where its manifest lists another count`);
        await visitor.tableEnd(table, { rows, sha256: actual });
        table = undefined;
      } else if (text === "@end") {
        if (table) throw damaged(`table ${table} has no checksum line`);
        if (mac) throw damaged("it has no signature line (@hmac) before its end");
        ended = true;
      } else {
        const start = line.subarray(0, 40).toString("utf8");
        throw damaged(`unexpected line ${lines.lineNumber}: "${printable(start)}"`);
      }
    }
    if (!ended) throw damaged("it stops before its end");
    const missing = manifest.tables.filter((listed) => !seen.has(listed.name));
    if (missing.length)
      throw damaged(`its manifest lists tables it does not hold (${missing.map((t) => t.name).join(", ")})`);
    return { manifest, signature };
  } finally {
    lines.close();
  }
}

/**
 * Version 3 on, the key the backup names must be the key it is checked with: otherwise say which
 * key is missing and how to supply it, before anything is read.
 */
function keyFor(file: string, manifest: BackupManifest, key: BackupKey | undefined): BackupKey {
  if (!key) {
    throw new UnverifiedBackupError(
      `The backup ${file} is signed (key ${manifest.key}), and no backup key was given to check it with.`,
    );
  }
  if (manifest.key !== key.id) throw new UnverifiedBackupError(otherKeyMessage(file, manifest, key));
  return key;
}

export function otherKeyMessage(file: string, manifest: BackupManifest, key: BackupKey): string {
  return (
    `The backup ${file} is signed with another backup key (key ${manifest.key}) than ${key.file} ` +
    `(key ${key.id}), so it cannot be verified and is not restored. If it was made by another ` +
    "installation, copy that installation's key file (backup.key in its DATA_DIR, or its BACKUP_KEY_FILE) " +
    `to ${key.file}, or name it: npm run backup:restore -- --file ${path.basename(file)} --key-file <its key file>.`
  );
}

function verifySignature(
  file: string,
  manifest: BackupManifest,
  key: BackupKey,
  expected: Buffer,
  signature: string,
): void {
  const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, "hex") : Buffer.alloc(0);
  if (given.length === expected.length && timingSafeEqual(given, expected)) return;
  throw new UnverifiedBackupError(
    `The backup ${file} does not match its signature (key ${manifest.key}, checked with ${key.file}): it was ` +
      "changed after it was made, so it is not restored and nothing was changed. Use another backup " +
      "(npm run backup:list).",
  );
}

function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, "?");
}

/** Version 2 on: the line after the manifest is the manifest's checksum, so a hand-edited manifest is refused. */
function checkManifestLine(file: string, manifest: Buffer, line: Buffer | undefined): void {
  const text = line?.toString("utf8") ?? "";
  if (!text.startsWith("@manifest ") || text.slice("@manifest ".length) !== sha256(manifest)) {
    throw new DamagedBackupError(
      file,
      "its manifest does not match its checksum: it was changed after the backup was made",
    );
  }
}

/**
 * Only the first lines: what a backup holds (its manifest, checked against its checksum), without
 * reading its data or checking its signature. Reads at most MAX_MANIFEST_BYTES of any file.
 */
export async function readManifest(file: string): Promise<BackupManifest> {
  const lines = new BackupLines(file);
  try {
    const first = await lines.next(MAX_MANIFEST_BYTES);
    if (!first) throw new NotABackupError(file, "it is empty");
    const manifest = parseManifest(file, first);
    if (manifest.version >= 2) checkManifestLine(file, first, await lines.next(MAX_MANIFEST_BYTES));
    return manifest;
  } finally {
    lines.close();
  }
}

function parseManifest(file: string, line: Buffer): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(line.toString("utf8"));
  } catch {
    throw new NotABackupError(file, "it does not start with a backup manifest");
  }
  const { format, version } = (value ?? {}) as Partial<BackupManifest>;
  if (format !== BACKUP_FORMAT) throw new NotABackupError(file, "it does not start with a backup manifest");
  if (!READABLE_VERSIONS.includes(version as number)) {
    throw new DamagedBackupError(
      file,
      `format version ${String(version).slice(0, 20)}; this version of Claimant reads versions ` +
        READABLE_VERSIONS.join(", "),
    );
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DamagedBackupError(
      file,
      `its manifest is malformed at ${issue.path.join(".") || "its top"}: ${issue.message}`,
    );
  }
  const names = parsed.data.tables.map((table) => table.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new DamagedBackupError(file, `its manifest lists table ${twice} twice`);
  if (parsed.data.version >= SIGNED_FROM_VERSION && !parsed.data.key) {
    throw new DamagedBackupError(file, "its manifest does not name the key it is signed with");
  }
  return parsed.data as BackupManifest;
}
