import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { PGlite } from "@electric-sql/pglite";
import { acquireDataDirLock, lockPath } from "../../src/db/data-dir-lock.js";
import { DataDirPermissionError, looseEntries, secureDataDir } from "../../src/db/data-dir-permissions.js";
import { openOwnedDatabase, type OwnedDatabase } from "../../src/db/open-configured.js";
import { emptyDataDir, freshDataDir, removeDataDir } from "../helpers/data-dir.js";

// DATA_DIR holds the embedded database, whose WAL carries the session secret and session ids:
// nothing in it may be readable by another account, from the first start on and while it runs.
// (Embedded only, whatever TEST_DATABASE_URL says: these tests open PGlite in a folder.)

const uid = process.getuid!();
const folders: string[] = [];
let umaskBefore: number;

beforeAll(() => {
  // As most systems start services: 022. The app must not depend on a stricter umask.
  umaskBefore = process.umask(0o022);
});
afterAll(() => {
  process.umask(umaskBefore);
  folders.forEach(removeDataDir);
});

function folder(): string {
  const dir = emptyDataDir("claimant-perm-");
  folders.push(dir);
  return dir;
}

function mode(file: string): number {
  return fs.lstatSync(file).mode & 0o777;
}

/** Every folder 0777 and file 0666, as a careless copy or an old version left it. */
function loosen(dir: string): void {
  fs.chmodSync(dir, 0o777);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (!entry.isSymbolicLink()) fs.chmodSync(full, entry.isDirectory() ? 0o777 : 0o666);
  }
}

function refusal(work: () => unknown): DataDirPermissionError {
  try {
    work();
  } catch (error) {
    if (error instanceof DataDirPermissionError) return error;
    throw error;
  }
  throw new Error("not refused");
}

describe("making DATA_DIR private", () => {
  it("chmods every loose folder and file (0700, 0600), keeps stricter modes, follows no link, and counts", () => {
    const dataDir = folder();
    fs.mkdirSync(path.join(dataDir, "pglite", "base", "5"), { recursive: true });
    fs.writeFileSync(path.join(dataDir, "pglite", "base", "5", "1259"), "catalog");
    fs.writeFileSync(path.join(dataDir, "pglite", "PG_VERSION"), "17");
    fs.writeFileSync(path.join(dataDir, "read-only"), "x");
    fs.chmodSync(path.join(dataDir, "read-only"), 0o400);
    const outside = path.join(folder(), "outside");
    fs.writeFileSync(outside, "not ours to change");
    fs.chmodSync(outside, 0o644);
    fs.symlinkSync(outside, path.join(dataDir, "link"));
    loosen(dataDir);
    fs.chmodSync(path.join(dataDir, "read-only"), 0o400);

    const fix = secureDataDir(dataDir);
    // DATA_DIR, pglite, base, base/5, base/5/1259, PG_VERSION
    expect(fix.fixed).toBe(6);
    expect(fix.examples).toHaveLength(3);
    expect(looseEntries(dataDir)).toEqual([]);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, "pglite", "base"))).toBe(0o700);
    expect(mode(path.join(dataDir, "pglite", "base", "5", "1259"))).toBe(0o600);
    expect(mode(path.join(dataDir, "read-only"))).toBe(0o400);
    expect(mode(outside)).toBe(0o644);
    expect(secureDataDir(dataDir).fixed).toBe(0);
  });

  it("creates a missing DATA_DIR 0700 even under umask 022", () => {
    const dataDir = path.join(folder(), "new", "data");
    expect(secureDataDir(dataDir).fixed).toBe(0);
    expect(mode(dataDir)).toBe(0o700);
  });

  it("refuses, saying what to do, a DATA_DIR or a file in it that another user owns, or a DATA_DIR that is a file", () => {
    const dataDir = folder();
    fs.writeFileSync(path.join(dataDir, "f"), "x");
    const someoneElse = uid + 1;
    const notOurs = refusal(() => secureDataDir(dataDir, { uid: someoneElse }));
    expect(notOurs.message).toContain(
      `DATA_DIR ${dataDir} belongs to user id ${uid}, not to user id ${someoneElse}`,
    );
    expect(notOurs.message).toContain(`chown -R ${someoneElse} ${dataDir}`);

    // Only root can give a file away; as anyone else the refusal of DATA_DIR above stands for it.
    if (uid === 0) {
      fs.chownSync(path.join(dataDir, "f"), 65534, 65534);
      const inside = refusal(() => secureDataDir(dataDir));
      expect(inside.message).toContain(
        `${path.join(dataDir, "f")} in DATA_DIR ${dataDir} belongs to user id 65534`,
      );
    }

    const file = path.join(folder(), "file");
    fs.writeFileSync(file, "");
    expect(refusal(() => secureDataDir(file)).message).toBe(
      `DATA_DIR ${file} is not a folder. Set DATA_DIR to a folder.`,
    );
  });
});

// Real embedded databases on a shared 2-core machine: a fresh one (initdb, migrations) takes seconds.
describe("the embedded database in DATA_DIR", { timeout: 300_000 }, () => {
  let owned: OwnedDatabase | undefined;
  afterEach(async () => {
    await owned?.close();
    owned = undefined;
  });

  const open = (dataDir: string, reports: string[]) =>
    openOwnedDatabase(
      loadConfig({ DATA_DIR: dataDir, NODE_ENV: "test" }),
      { kind: "command", command: "test" },
      undefined,
      (message) => reports.push(message),
    );

  it("is private from its first start, and stays so through many writes (new WAL segments, new relations)", async () => {
    const dataDir = folder();
    const reports: string[] = [];
    owned = await open(dataDir, reports);
    // A fresh database: PGlite chmods its ~970 files to 0666; nothing of that is left, nothing to report.
    expect(looseEntries(dataDir)).toEqual([]);
    expect(reports).toEqual([]);
    expect(mode(lockPath(dataDir))).toBe(0o600);
    expect(fs.readdirSync(path.join(dataDir, "pglite", "base")).length).toBeGreaterThan(0);

    const walBefore = new Set(fs.readdirSync(path.join(dataDir, "pglite", "pg_wal")));
    const filesBefore = countFiles(dataDir);
    const { prisma, pglite } = owned.db;
    const user = await prisma.user.create({
      data: { email: "a@example.org", name: "A", role: "annotator", passwordHash: "x" },
    });
    const project = await prisma.project.create({ data: { name: "P" } });
    const article = await prisma.article.create({
      data: { projectId: project.id, title: "T", body: "Some text.", bodyHash: "h" },
    });
    await pglite!.query(
      `INSERT INTO claims (article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type, note, updated_at)
       SELECT $1, $2, $3, 0, 4, 'Some', '', ' text.', 'direct', repeat(md5(i::text), 30), now()
       FROM generate_series(1, 30000) AS i`,
      [article.id, project.id, user.id],
    );
    await prisma.claim.createMany({
      data: Array.from({ length: 1000 }, () => ({
        articleId: article.id,
        projectId: project.id,
        annotatorId: user.id,
        start: 0,
        end: 4,
        quote: "Some",
        prefix: "",
        suffix: " text.",
        type: "direct" as const,
      })),
    });
    await pglite!.exec("CREATE TABLE scratch (x text); INSERT INTO scratch VALUES ('y'); CHECKPOINT;");
    expect(await prisma.claim.count()).toBe(31_000);

    // The writes did create files (else this test would prove nothing), and none is loose.
    const walAfter = fs.readdirSync(path.join(dataDir, "pglite", "pg_wal"));
    expect(walAfter.filter((name) => !walBefore.has(name)).length).toBeGreaterThan(0);
    expect(countFiles(dataDir)).toBeGreaterThan(filesBefore);
    expect(looseEntries(dataDir)).toEqual([]);
  });

  it("left readable by others beforehand, is fixed when opened and said so once", async () => {
    const dataDir = await freshDataDir("claimant-perm-");
    folders.push(dataDir);
    fs.mkdirSync(path.join(dataDir, "backups"));
    fs.writeFileSync(path.join(dataDir, "backups", "old.backup"), "x");
    loosen(dataDir);
    const loose = looseEntries(dataDir).length;
    expect(loose).toBeGreaterThan(900);

    const reports: string[] = [];
    owned = await open(dataDir, reports);
    expect(looseEntries(dataDir)).toEqual([]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain(
      `DATA_DIR ${dataDir} had ${loose} file(s) or folder(s) that other users could`,
    );
    expect(reports[0]).toContain("(folders 0700, files 0600)");
    await owned.close();

    owned = await open(dataDir, reports);
    expect(reports).toHaveLength(1);
  });

  it("what a holder of DATA_DIR left loose (a restore's fresh database) is private once it gives DATA_DIR back", async () => {
    const dataDir = folder();
    const lock = acquireDataDirLock(dataDir, { kind: "command", command: "backup:restore" });
    // As src/backups/restore.ts builds the restored database beside the live one.
    const building = await PGlite.create({ dataDir: path.join(dataDir, "pglite.restoring-x") });
    await building.close();
    expect(looseEntries(dataDir).length).toBeGreaterThan(900);
    lock.release();
    expect(looseEntries(dataDir)).toEqual([]);
    expect(fs.existsSync(lockPath(dataDir))).toBe(false);
  });

  it("is refused at open, with a message, when DATA_DIR belongs to another user", async () => {
    if (uid !== 0) {
      // Without root no folder can be given away: the refusal itself is checked above with another uid.
      expect(() => secureDataDir(folder(), { uid: uid + 1 })).toThrow(DataDirPermissionError);
      return;
    }
    const dataDir = folder();
    fs.chownSync(dataDir, 65534, 65534);
    const failure = await open(dataDir, []).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DataDirPermissionError);
    expect((failure as Error).message).toContain(`DATA_DIR ${dataDir} belongs to user id 65534`);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { recursive: true }).length;
}
