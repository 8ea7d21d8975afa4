import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  BackupWriter,
  readBackup,
  readManifest,
  type BackupVisitor,
} from "../../src/backups/backup-file.js";
import { loadConfig } from "../../src/config.js";
import { backupKeyFile, ensureBackupKey, keyOf, readBackupKey } from "../../src/backups/backup-key.js";
import { BackupLines, MAX_LINE_BYTES, MAX_MANIFEST_BYTES } from "../../src/backups/backup-lines.js";

const folder = fs.mkdtempSync(path.join(os.tmpdir(), "claimant-backup-file-"));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));
let counter = 0;
const fresh = (name: string) => path.join(folder, `${++counter}-${name}`);

/** A gzip file of `megabytes` MB of "a" with no newline, written as a stream (never all in memory). */
async function oneLongLine(file: string, megabytes: number, after = ""): Promise<string> {
  const block = Buffer.alloc(1024 * 1024, 0x61);
  async function* blocks() {
    for (let i = 0; i < megabytes; i++) yield block;
    if (after) yield Buffer.from(after);
  }
  await pipeline(Readable.from(blocks()), createGzip({ level: 1 }), fs.createWriteStream(file));
  return file;
}

async function readAll(file: string, maxBytes: number): Promise<Buffer[]> {
  const lines = new BackupLines(file);
  const all: Buffer[] = [];
  try {
    for (let line = await lines.next(maxBytes); line; line = await lines.next(maxBytes)) all.push(line);
  } finally {
    lines.close();
  }
  return all;
}

const ignore: BackupVisitor = {
  manifest: async () => undefined,
  rows: async () => undefined,
  tableEnd: async () => undefined,
};

describe("the backup line reader", () => {
  it("gives each line's exact bytes, across chunk boundaries, empty lines and a last line without newline", async () => {
    const expected = ["", "short", "x".repeat(70_000), "", "tab\there ü 🎉", "y".repeat(200_000), "end"];
    const file = fresh("lines.gz");
    fs.writeFileSync(file, gzipSync(expected.join("\n")));
    expect((await readAll(file, MAX_LINE_BYTES)).map((line) => line.toString("utf8"))).toEqual(expected);
  });

  it("refuses a line longer than the limit, naming its number and the limit", async () => {
    const file = fresh("long-third.gz");
    fs.writeFileSync(file, gzipSync(`one\ntwo\n${"z".repeat(3000)}\nfour\n`));
    await expect(readAll(file, 2048)).rejects.toThrow(
      `The backup ${file} is damaged or incomplete (line 3 is longer than 2 kB, the longest line a backup may hold)`,
    );
    // A first line that long is no manifest: the file is not a backup at all.
    const first = fresh("long-first.gz");
    fs.writeFileSync(first, gzipSync("q".repeat(5000)));
    await expect(readAll(first, 2048)).rejects.toThrow(
      `${first} is not a Claimant backup (its first line is longer than 2 kB`,
    );
  });

  it("reads a 50 MB line in linear time (the old reader took minutes: it copied the line once per chunk)", async () => {
    const file = await oneLongLine(fresh("fifty.gz"), 50, "\nnext\n");
    const started = performance.now();
    const lines = await readAll(file, MAX_LINE_BYTES);
    const seconds = (performance.now() - started) / 1000;
    expect(lines.map((line) => line.length)).toEqual([50 * 1024 * 1024, 4]);
    expect(lines[0]!.every((byte) => byte === 0x61)).toBe(true);
    // About 1 s here, on a loaded machine; the quadratic reader needed 85 s for 10 MB.
    expect(seconds).toBeLessThan(20);
  });

  it("a manifest read stops at its limit: a 200 MB file without a newline is refused at once", async () => {
    const file = await oneLongLine(fresh("two-hundred.gz"), 200);
    const started = performance.now();
    await expect(readManifest(file)).rejects.toThrow(
      `is not a Claimant backup (its first line is longer than ${MAX_MANIFEST_BYTES / 1024 / 1024} MB`,
    );
    expect((performance.now() - started) / 1000).toBeLessThan(10);
  });

  it("names a missing file, a folder and a file that is not gzip in one line each", async () => {
    await expect(readManifest(path.join(folder, "nothing-here.gz"))).rejects.toThrow(
      `There is no file ${path.join(folder, "nothing-here.gz")}.`,
    );
    await expect(readManifest(folder)).rejects.toThrow(`${folder} is a folder, not a backup file.`);
    const text = fresh("notes.txt");
    fs.writeFileSync(text, "just some notes\n");
    await expect(readManifest(text)).rejects.toThrow(
      `${text} is not a Claimant backup (it is not gzip-compressed)`,
    );
    const json = fresh("other.json.gz");
    fs.writeFileSync(json, gzipSync('{"format":"something-else"}\n'));
    await expect(readManifest(json)).rejects.toThrow(
      `${json} is not a Claimant backup (it does not start with a backup manifest)`,
    );
    const empty = fresh("empty.gz");
    fs.writeFileSync(empty, gzipSync(""));
    await expect(readManifest(empty)).rejects.toThrow(`${empty} is not a Claimant backup (it is empty)`);
  });
});

describe("the backup key", () => {
  it("is created once, 0600, 32 random bytes, and read back the same", () => {
    const file = path.join(fresh("data"), "backup.key");
    const key = ensureBackupKey(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(ensureBackupKey(file)).toEqual(key);
    expect(readBackupKey(file)).toEqual(key);
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(ensureBackupKey(path.join(fresh("other"), "backup.key")).id).not.toBe(key.id);
  });

  it("lives in DATA_DIR unless BACKUP_KEY_FILE names another file", () => {
    expect(backupKeyFile("/srv/data", "")).toBe(path.resolve("/srv/data/backup.key"));
    expect(backupKeyFile("/srv/data", "/etc/claimant/backup.key")).toBe("/etc/claimant/backup.key");
    expect(loadConfig({ DATA_DIR: "/srv/data" }).backups.keyFile).toBe("/srv/data/backup.key");
    expect(
      loadConfig({ DATA_DIR: "/srv/data", BACKUP_KEY_FILE: "/etc/claimant/backup.key" }).backups.keyFile,
    ).toBe("/etc/claimant/backup.key");
  });

  it("a key readable by others is made private; a short one is refused with what to do", () => {
    const loose = fresh("loose.key");
    fs.writeFileSync(loose, "k".repeat(40), { mode: 0o644 });
    fs.chmodSync(loose, 0o644);
    expect(readBackupKey(loose)?.secret.toString()).toBe("k".repeat(40));
    expect(fs.statSync(loose).mode & 0o777).toBe(0o600);

    const short = fresh("short.key");
    fs.writeFileSync(short, "too short\n", { mode: 0o600 });
    expect(() => readBackupKey(short)).toThrow(
      `The backup key ${short} holds 9 characters; a key has at least 32.`,
    );
    expect(readBackupKey(fresh("absent.key"))).toBeUndefined();
  });
});

describe("signed backups", () => {
  const key = keyOf("/installation/backup.key", Buffer.from("k".repeat(43)));

  async function writeSmall(file: string, rows = "1\tfirst\n2\tsecond\n"): Promise<string> {
    const writer = BackupWriter.open(file, key);
    await writer.manifest({
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: "2026-11-25T10:00:00.000Z",
      migrations: [],
      tables: [{ name: "notes", columns: ["id", "text"], rows: rows.split("\n").length - 1 }],
      sequences: [],
    });
    await writer.beginTable("notes");
    await writer.writeRows(Buffer.from(rows));
    await writer.endTable();
    await writer.finish();
    return file;
  }

  it("are format 3: a manifest naming the key, the rows, then @hmac over all above, then @end", async () => {
    const file = await writeSmall(fresh("small.gz"));
    const lines = gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: BACKUP_FORMAT, version: 3, key: key.id });
    expect(lines.slice(2, 6)).toEqual(["@table notes", "1\tfirst", "2\tsecond", "\\."]);
    expect(lines.at(-3)).toMatch(/^@hmac [0-9a-f]{64}$/);
    expect(lines.slice(-2)).toEqual(["@end", ""]);
    const seen: string[] = [];
    const read = await readBackup(
      file,
      { ...ignore, rows: async (_table, chunk) => void seen.push(chunk.toString()) },
      key,
    );
    expect(read.signature).toBe(lines.at(-3)!.slice("@hmac ".length));
    expect(seen.join("")).toBe("1\tfirst\n2\tsecond\n");
  });

  /** The file with `edit` applied to its text lines, gzip-compressed again; nothing re-signed. */
  function edited(file: string, edit: (lines: string[]) => string[]): string {
    const target = fresh("edited.gz");
    const lines = gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n");
    fs.writeFileSync(target, gzipSync(edit(lines).join("\n")));
    return target;
  }

  it("a row changed with its table checksum recomputed is refused: the signature does not match", async () => {
    const file = await writeSmall(fresh("original.gz"));
    const { createHash } = await import("node:crypto");
    const forged = edited(file, (lines) => {
      lines[3] = "1\tforged";
      const rows = "1\tforged\n2\tsecond\n";
      lines[6] = `@sha256 ${createHash("sha256").update(rows).digest("hex")} 2`;
      return lines;
    });
    await expect(readBackup(forged, ignore, key)).rejects.toThrow(
      `The backup ${forged} does not match its signature (key ${key.id}, checked with /installation/backup.key): ` +
        "it was changed after it was made",
    );
  });

  it("lines added after the signature, or a signature taken away, are refused", async () => {
    const file = await writeSmall(fresh("original.gz"));
    const appended = edited(file, (lines) => [...lines.slice(0, -2), "@table notes", "\\.", "@end", ""]);
    await expect(readBackup(appended, ignore, key)).rejects.toThrow(
      "comes after its signature, where only its end may",
    );
    const unsigned = edited(file, (lines) => [...lines.slice(0, -3), "@end", ""]);
    await expect(readBackup(unsigned, ignore, key)).rejects.toThrow("it has no signature line (@hmac)");
  });

  it("a backup signed with another key is refused before its data is read, saying how to restore it", async () => {
    const file = await writeSmall(fresh("original.gz"));
    const mine = keyOf("/here/backup.key", Buffer.from("m".repeat(43)));
    await expect(readBackup(file, ignore, mine)).rejects.toThrow(
      `The backup ${file} is signed with another backup key (key ${key.id}) than /here/backup.key (key ${mine.id})`,
    );
    await expect(readBackup(file, ignore, mine)).rejects.toThrow(/--key-file <its key file>/);
  });

  it("an unknown table block and a malformed manifest are named", async () => {
    const file = await writeSmall(fresh("original.gz"));
    const unknown = edited(file, (lines) => [
      ...lines.slice(0, 7),
      "@table secrets",
      "x",
      "\\.",
      ...lines.slice(7),
    ]);
    await expect(readBackup(unknown, ignore, key)).rejects.toThrow(
      'line 8 starts rows of table "secrets", which its manifest does not list, or which appears twice',
    );
    const malformed = edited(file, (lines) => {
      const manifest = JSON.parse(lines[0]!) as { sequences: unknown[] };
      manifest.sequences = [{ name: "public.x", lastValue: "drop table", isCalled: true }];
      return [JSON.stringify(manifest), ...lines.slice(1)];
    });
    await expect(readManifest(malformed)).rejects.toThrow(
      "its manifest is malformed at sequences.0.lastValue",
    );
  });
});
