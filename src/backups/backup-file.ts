import { createHash, type Hash } from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip, type Gzip } from "node:zlib";
import { BackupError } from "./backup-error.js";
import { fsyncFile, fsyncFolder } from "./durable.js";
import type { SequenceValue } from "./tables.js";

/**
 * One backup is one gzip file of text lines:
 *   {manifest JSON}                 what the backup holds: migrations, tables and their row counts
 *   @manifest <hex>                 the sha256 of the manifest line (from version 2 on)
 *   @table users                    then, per table, in load order:
 *   1<TAB>ops@example.org<TAB>...    its rows as COPY text, in key order
 *   \.                              the end of its rows (COPY text escapes a lone "\." in data)
 *   @sha256 <hex> <rows>            the checksum and count of those row lines
 *   @end                            the file is complete
 */

export const BACKUP_FORMAT = "claimant-backup";
export const BACKUP_VERSION = 2;
/** Version 1 had no checksum of its manifest; its tables and sequences are still checked on restore. */
const READABLE_VERSIONS = [1, 2];

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  /** Applied migrations, in order: restore rebuilds exactly this schema before loading. */
  migrations: { name: string; checksum: string }[];
  tables: { name: string; columns: string[]; rows: number }[];
  sequences: SequenceValue[];
}

export interface TableChecksum {
  rows: number;
  sha256: string;
}

export class DamagedBackupError extends BackupError {
  constructor(file: string, problem: string) {
    super(
      `The backup ${file} is damaged or incomplete (${problem}). Use another backup (npm run backup:list).`,
    );
  }
}

const NEWLINE = 0x0a;

/** Writes a backup to a temporary name; only finish() makes it appear under its real name. */
export class BackupWriter {
  private readonly gzip: Gzip = createGzip();
  private readonly written: Promise<void>;
  private hash: Hash | undefined;
  private rows = 0;

  private constructor(
    readonly file: string,
    private readonly draft: string,
  ) {
    this.written = pipeline(this.gzip, fs.createWriteStream(draft, { flags: "wx", mode: 0o600 }));
    // A failure surfaces through the next write or through finish(); never as an unhandled rejection.
    this.written.catch(() => undefined);
  }

  static open(file: string): BackupWriter {
    return new BackupWriter(
      file,
      path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`),
    );
  }

  async manifest(manifest: BackupManifest): Promise<void> {
    const line = JSON.stringify(manifest);
    await this.put(`${line}\n@manifest ${sha256(line)}\n`);
  }

  async beginTable(name: string): Promise<void> {
    this.hash = createHash("sha256");
    this.rows = 0;
    await this.put(`@table ${name}\n`);
  }

  /** COPY text, whole lines. */
  async writeRows(chunk: Uint8Array): Promise<void> {
    this.hash!.update(chunk);
    for (const byte of chunk) if (byte === NEWLINE) this.rows += 1;
    await this.put(chunk);
  }

  async endTable(): Promise<TableChecksum> {
    const checksum = { rows: this.rows, sha256: this.hash!.digest("hex") };
    await this.put(`\\.\n@sha256 ${checksum.sha256} ${checksum.rows}\n`);
    return checksum;
  }

  /** Flushes, fsyncs and renames into place, then fsyncs the folder: the backup is on disk. */
  async finish(): Promise<number> {
    await this.put("@end\n");
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

  private async put(data: string | Uint8Array): Promise<void> {
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

const CHUNK_BYTES = 4 * 1024 * 1024;

/** Reads a whole backup, checking each table's checksum and that the file is complete. */
export async function readBackup(file: string, visitor: BackupVisitor): Promise<void> {
  const damaged = (problem: string) => new DamagedBackupError(file, problem);
  let manifest: BackupManifest | undefined;
  let manifestLine: Buffer | undefined;
  let table: string | undefined;
  let inRows = false;
  let hash: Hash | undefined;
  let rows = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let ended = false;
  let manifestChecked = false;
  const seen = new Set<string>();

  const flush = async () => {
    if (pendingBytes === 0) return;
    const chunk = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    await visitor.rows(table!, chunk);
  };

  for await (const line of lines(file)) {
    if (ended) throw damaged("data after its end");
    if (!manifest) {
      manifest = parseManifest(line.toString("utf8"), damaged);
      manifestLine = line;
      manifestChecked = manifest.version < 2;
      if (manifestChecked) await visitor.manifest(manifest);
    } else if (!manifestChecked) {
      checkManifestLine(manifestLine!, line, damaged);
      manifestChecked = true;
      await visitor.manifest(manifest);
    } else if (inRows) {
      if (line.length === 2 && line[0] === 0x5c && line[1] === 0x2e) {
        inRows = false;
        await flush();
        continue;
      }
      const withNewline = Buffer.concat([line, Buffer.of(NEWLINE)]);
      hash!.update(withNewline);
      rows += 1;
      pending.push(withNewline);
      pendingBytes += withNewline.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    } else {
      const text = line.toString("utf8");
      if (text.startsWith("@table ")) {
        table = text.slice("@table ".length);
        if (seen.has(table) || !manifest.tables.some((listed) => listed.name === table))
          throw damaged(`its table ${table} is not listed in its manifest, or appears twice`);
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
        ended = true;
      } else {
        throw damaged(`unexpected line "${text.slice(0, 40)}"`);
      }
    }
  }
  if (!ended) throw damaged("it stops before its end");
  const missing = manifest!.tables.filter((listed) => !seen.has(listed.name));
  if (missing.length)
    throw damaged(`its manifest lists tables it does not hold (${missing.map((t) => t.name).join(", ")})`);
}

function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Version 2 on: the line after the manifest is the manifest's checksum, so a hand-edited manifest is refused. */
function checkManifestLine(manifest: Buffer, line: Buffer, damaged: (problem: string) => Error): void {
  const text = line.toString("utf8");
  if (!text.startsWith("@manifest ") || text.slice("@manifest ".length) !== sha256(manifest)) {
    throw damaged("its manifest does not match its checksum: it was changed after the backup was made");
  }
}

/** Only the first lines: what a backup holds (its manifest, checked), without reading its data. */
export async function readManifest(file: string): Promise<BackupManifest> {
  const damaged = (problem: string) => new DamagedBackupError(file, problem);
  const iterator = lines(file)[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    if (first.done) throw damaged("it is empty");
    const manifest = parseManifest(first.value.toString("utf8"), damaged);
    if (manifest.version >= 2) {
      const second = await iterator.next();
      checkManifestLine(first.value, second.done ? Buffer.alloc(0) : second.value, damaged);
    }
    return manifest;
  } finally {
    await iterator.return?.(undefined);
  }
}

function parseManifest(line: string, damaged: (problem: string) => Error): BackupManifest {
  let value: Partial<BackupManifest>;
  try {
    value = JSON.parse(line) as Partial<BackupManifest>;
  } catch {
    throw damaged("it does not start with a backup manifest");
  }
  if (value.format !== BACKUP_FORMAT) throw damaged("it is not a Claimant backup");
  if (!READABLE_VERSIONS.includes(value.version as number)) {
    throw damaged(
      `format version ${value.version}; this version of Claimant reads versions ${READABLE_VERSIONS.join(" and ")}`,
    );
  }
  if (!Array.isArray(value.tables) || !Array.isArray(value.sequences) || !Array.isArray(value.migrations))
    throw damaged("its manifest lacks its tables, sequences or migrations");
  return value as BackupManifest;
}

/** Lines as bytes (without their newline): checksums are over the exact bytes COPY wrote. */
async function* lines(file: string): AsyncGenerator<Buffer> {
  const input = fs.createReadStream(file).pipe(createGunzip());
  let rest = Buffer.alloc(0);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
        yield data.subarray(start, end);
        start = end + 1;
      }
      data = data.subarray(start);
      rest = Buffer.from(data);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code?.startsWith("Z_"))
      throw new DamagedBackupError(file, "not valid gzip");
    throw error;
  } finally {
    input.destroy();
  }
  if (rest.length > 0) yield rest;
}
