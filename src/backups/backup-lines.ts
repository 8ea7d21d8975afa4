import fs from "node:fs";
import { createGunzip, type Gunzip } from "node:zlib";
import { BackupError, DamagedBackupError, NotABackupError } from "./backup-error.js";

/**
 * The longest line a backup may hold, and so the most memory one line takes to read. A line is a
 * manifest or one table row as COPY text. The largest legitimate rows hold article bodies (at most
 * 5 MB each): an article row has one body; an audit event can hold one in `before` and one in
 * `after`, where JSON and then COPY escape each backslash twice (4 bytes per byte at worst):
 * about 40 MB. 256 MB leaves room for that several times over and for Postgres's largest jsonb
 * value (255 MB); the backup writer refuses a row longer than this, so every backup it writes can
 * be read back.
 */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;
/** A manifest lists migrations, tables, columns and sequences: kilobytes. backup:list reads no more. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export const NEWLINE = 0x0a;

/** Bytes as the operator reads them in a message: 256 MB, 16 MB, 512 kB. */
export function limitText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MB`;
  return `${Math.round(bytes / 1024)} kB`;
}

/**
 * The lines of a gzip-compressed backup as bytes, without their newline (checksums and the
 * signature are over the exact bytes written). Linear in the file's size however long its lines:
 * the pieces of a line that spans many chunks are kept in a list and joined once, at its end.
 * Each call to next() names the longest line it accepts; a longer one is refused before it is read
 * any further, so a file with one endless line costs about twice that (its pieces and their join)
 * and a restore about three times (the rows it hands on are joined once more).
 */
export class BackupLines {
  /** The number of the line next() returned last, from 1. */
  lineNumber = 0;
  private readonly input: Gunzip;
  private readonly chunks: AsyncIterator<Buffer>;
  private chunk: Buffer = Buffer.alloc(0);
  private offset = 0;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private gotBytes = false;

  constructor(private readonly file: string) {
    const source = fs.createReadStream(file);
    this.input = createGunzip();
    // A read error (no such file, a folder) ends the gunzip stream, and so the iterator below, with it.
    source.on("error", (error) => this.input.destroy(error));
    this.input.on("close", () => source.destroy());
    source.pipe(this.input);
    this.chunks = (this.input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** The next line, or undefined at the end of the file. */
  async next(maxBytes: number): Promise<Buffer | undefined> {
    for (;;) {
      const end = this.chunk.indexOf(NEWLINE, this.offset);
      if (end !== -1) {
        const piece = this.chunk.subarray(this.offset, end);
        this.offset = end + 1;
        return this.complete(piece, maxBytes);
      }
      if (this.offset < this.chunk.length) {
        const rest = this.chunk.subarray(this.offset);
        this.parts.push(rest);
        this.partBytes += rest.length;
      }
      this.chunk = Buffer.alloc(0);
      this.offset = 0;
      if (this.partBytes > maxBytes) throw this.tooLong(this.lineNumber + 1, maxBytes);
      const next = await this.read();
      if (next === undefined) {
        return this.partBytes > 0 ? this.complete(Buffer.alloc(0), maxBytes) : undefined;
      }
      this.chunk = next;
    }
  }

  close(): void {
    this.input.destroy();
  }

  private complete(last: Buffer, maxBytes: number): Buffer {
    this.lineNumber += 1;
    const bytes = this.partBytes + last.length;
    if (bytes > maxBytes) throw this.tooLong(this.lineNumber, maxBytes);
    if (this.parts.length === 0) return last;
    this.parts.push(last);
    const line = Buffer.concat(this.parts, bytes);
    this.parts = [];
    this.partBytes = 0;
    return line;
  }

  private async read(): Promise<Buffer | undefined> {
    try {
      const { done, value } = await this.chunks.next();
      if (done) return undefined;
      this.gotBytes = true;
      return value;
    } catch (error) {
      throw this.readFailure(error);
    }
  }

  private tooLong(line: number, maxBytes: number): BackupError {
    if (line === 1) {
      return new NotABackupError(
        this.file,
        `its first line is longer than ${limitText(maxBytes)}, where a backup starts with its manifest`,
      );
    }
    return new DamagedBackupError(
      this.file,
      `line ${line} is longer than ${limitText(maxBytes)}, the longest line a backup may hold`,
    );
  }

  private readFailure(error: unknown): BackupError {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code === "ENOENT") return new BackupError(`There is no file ${this.file}.`);
    if (code === "EISDIR") {
      return new BackupError(
        `${this.file} is a folder, not a backup file. Name a file (npm run backup:list).`,
      );
    }
    if (code === "EACCES" || code === "EPERM") {
      return new BackupError(`Cannot read ${this.file}: permission denied. Run as the user who owns it.`);
    }
    if (code.startsWith("Z_") || code === "ERR_ZLIB_INITIALIZATION_FAILED") {
      return this.gotBytes
        ? new DamagedBackupError(this.file, "its gzip compression is damaged or cut off")
        : new NotABackupError(this.file, "it is not gzip-compressed");
    }
    if (error instanceof BackupError) return error;
    return new BackupError(
      `Cannot read ${this.file} (${code || (error instanceof Error ? error.message : String(error))}).`,
    );
  }
}
