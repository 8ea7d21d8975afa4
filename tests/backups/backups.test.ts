import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listBackups } from "../../src/backups/backup-folder.js";
import { restoreBackup } from "../../src/backups/restore.js";
import { takeBackup } from "../../src/backups/take-backup.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { runCommand } from "../helpers/command-process.js";
import { embeddedEnv, emptyDataDir, freshDataDir, removeDataDir } from "../helpers/data-dir.js";
import { embeddedState, fillWithAwkwardData, withEmbedded } from "../helpers/embedded-state.js";
import { startServerProcess } from "../helpers/server-process.js";

const slow = { timeout: 180_000 };
/** Every table of the schema is in a backup: one per Prisma model. */
const schemaTables = Object.keys(Prisma.ModelName).length;

describe("backups of the embedded database", slow, () => {
  let dataDir: string;
  let backupDir: string;
  let backupFile: string;
  let atBackup: Record<string, string>;
  let changed: Record<string, string>;
  const folders: string[] = [];

  beforeAll(async () => {
    dataDir = await freshDataDir();
    backupDir = path.join(dataDir, "backups");
    folders.push(dataDir);
    await withEmbedded(dataDir, async (db, pglite) => {
      await fillWithAwkwardData(db);
      atBackup = await embeddedState(pglite);
      backupFile = (await takeBackup(pglite, { dir: backupDir, keep: 7 })).file;
      // After the backup: a row deleted, one changed, one added.
      await db.prisma.claim.deleteMany({ where: { type: "outlet" } });
      await db.prisma.article.updateMany({ data: { title: "Changed after the backup" } });
      await db.prisma.user.create({
        data: { email: "late@example.org", name: "Late", role: "annotator", passwordHash: "x" },
      });
      changed = await embeddedState(pglite);
    });
  }, 180_000);
  afterAll(() => folders.forEach(removeDataDir));

  const rewriteBackup = (
    name: string,
    edit: (manifest: EditableManifest) => void,
    options?: Parameters<typeof rewriteBackupOf>[3],
  ) => rewriteBackupOf(backupFile, path.join(folders[0]!, name), edit, options);

  it("backup:list shows the backup with what it holds", async () => {
    const listed = await runCommand("src/cli/backup-list.ts", [], { env: embeddedEnv(dataDir) });
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain(`Backups in ${backupDir}, newest first:`);
    expect(listed.stdout).toMatch(
      new RegExp(`${path.basename(backupFile)} .* ${schemaTables} tables, \\d+ rows`),
    );
  });

  it("a damaged backup is refused and nothing changes", async () => {
    const damaged = path.join(backupDir, "claimant-backup-2000-01-01T00-00-00-000Z.gz");
    const bytes = fs.readFileSync(backupFile);
    fs.writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length * 0.8)));
    const restore = await runCommand("src/cli/backup-restore.ts", ["--file", path.basename(damaged)], {
      env: embeddedEnv(dataDir),
    });
    fs.rmSync(damaged);
    expect(restore.status).toBe(1);
    expect(restore.stderr).toContain(`Error: The backup ${damaged} is damaged or incomplete`);
    expect(fs.readdirSync(dataDir).sort()).toEqual(["backups", "pglite"]);
    expect(await withEmbedded(dataDir, (_db, pglite) => embeddedState(pglite))).toEqual(changed);
  });

  it("a backup from a newer version of Claimant is refused before anything is built", async () => {
    const file = rewriteBackup("newer.gz", (manifest) => {
      manifest.migrations.push({ name: "29991231000000_from_the_future", checksum: "0".repeat(64) });
    });
    await expect(restoreBackup(dataDir, file)).rejects.toThrow(
      "The backup was made by a newer version of Claimant (its migration 29991231000000_from_the_future",
    );
    fs.rmSync(file);
    expect(fs.readdirSync(dataDir).sort()).toEqual(["backups", "pglite"]);
  });

  /** What restoring `file` does: refused with a message matching `message`, and nothing changes. */
  async function expectRefused(file: string, message: RegExp) {
    const before = fs
      .readdirSync(dataDir)
      .filter((name) => name !== path.basename(file))
      .sort();
    await expect(restoreBackup(dataDir, file)).rejects.toThrow(message);
    fs.rmSync(file);
    expect(fs.readdirSync(dataDir).sort()).toEqual(before);
    expect(await withEmbedded(dataDir, (_db, pglite) => embeddedState(pglite))).toEqual(changed);
  }

  it("a manifest edited by hand is refused: its checksum no longer matches", async () => {
    const file = rewriteBackup(
      "edited.gz",
      (manifest) => {
        for (const sequence of manifest.sequences) sequence.lastValue = "1";
      },
      { keepChecksum: true },
    );
    await expectRefused(file, /manifest does not match its checksum/);
  });

  it("a sequence set back is refused even with a checksum made to match", async () => {
    const file = rewriteBackup("sequence.gz", (manifest) => {
      const claims = manifest.sequences.find((sequence) => sequence.name.endsWith("claims_id_seq"))!;
      claims.lastValue = "1";
    });
    await expectRefused(file, /sequence public\.claims_id_seq is at 1, behind the highest claims\.id/);
  });

  it("a table left out of the manifest (and the file) is refused", async () => {
    const file = rewriteBackup(
      "table-left-out.gz",
      (manifest) => {
        manifest.tables = manifest.tables.filter((table) => table.name !== "audit_events");
      },
      { dropTable: "audit_events" },
    );
    await expectRefused(file, /leaves out table audit_events/);
  });

  it("a table the manifest lists but the file lacks is refused as damaged", async () => {
    const file = rewriteBackup("table-missing.gz", () => undefined, { dropTable: "audit_events" });
    await expectRefused(file, /lists tables it does not hold \(audit_events\)/);
  });

  it("reads backups of format version 1 (no manifest checksum)", async () => {
    const file = rewriteBackup(
      "version-1.gz",
      (manifest) => {
        manifest.version = 1;
      },
      { withoutChecksumLine: true },
    );
    const elsewhere = emptyDataDir();
    folders.push(elsewhere);
    await restoreBackup(elsewhere, file);
    fs.rmSync(file);
    expect(await withEmbedded(elsewhere, (_db, pglite) => embeddedState(pglite))).toEqual(atBackup);
  });

  it("backup, change, restore: the data equals the backup; the data from before is kept", async () => {
    const restore = await runCommand("src/cli/backup-restore.ts", ["--file", backupFile], {
      env: embeddedEnv(dataDir),
    });
    expect(restore.stderr).toBe("");
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain(`Restored ${backupFile}`);
    expect(restore.stdout).toMatch(
      new RegExp(`Loaded and verified ${schemaTables} tables, \\d+ rows, against the backup's checksums\\.`),
    );
    expect(await withEmbedded(dataDir, (_db, pglite) => embeddedState(pglite))).toEqual(atBackup);

    const kept = fs.readdirSync(dataDir).filter((name) => name.startsWith("pglite.before-restore-"));
    expect(kept).toHaveLength(1);
    expect(restore.stdout).toContain(`kept in ${path.join(dataDir, kept[0]!)}`);
    const before = path.join(dataDir, kept[0]!.replace("pglite.before-restore-", "before-"));
    fs.mkdirSync(before);
    fs.renameSync(path.join(dataDir, kept[0]!), path.join(before, "pglite"));
    expect(await withEmbedded(before, (_db, pglite) => embeddedState(pglite))).toEqual(changed);
  });

  it("restores into a DATA_DIR that has no database yet (a new machine)", async () => {
    const elsewhere = emptyDataDir();
    folders.push(elsewhere);
    const result = await restoreBackup(elsewhere, backupFile);
    expect(result.previous).toBeUndefined();
    expect(await withEmbedded(elsewhere, (_db, pglite) => embeddedState(pglite))).toEqual(atBackup);
  });

  it("on a Postgres server, the backup commands point to pg_dump and pg_restore", async () => {
    const env = { DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none" };
    const [backup, restore] = await Promise.all([
      runCommand("src/cli/backup.ts", [], { env }),
      runCommand("src/cli/backup-restore.ts", ["--file", "x"], { env }),
    ]);
    for (const run of [backup, restore]) {
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("use pg_dump to back up and pg_restore to restore");
    }
  });
});

interface EditableManifest {
  version: number;
  migrations: { name: string; checksum: string }[];
  tables: { name: string; rows: number }[];
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
}

/**
 * A copy of the backup with its manifest changed by `edit`: with the checksum line made to match
 * the new manifest (as a careful editor would), or kept as it was; a table's rows left out too.
 */
function rewriteBackupOf(
  source: string,
  target: string,
  edit: (manifest: EditableManifest) => void,
  options: { keepChecksum?: boolean; dropTable?: string; withoutChecksumLine?: boolean } = {},
): string {
  const [manifestLine, checksumLine, ...rest] = gunzipSync(fs.readFileSync(source))
    .toString("utf8")
    .split("\n");
  const manifest = JSON.parse(manifestLine!) as EditableManifest;
  edit(manifest);
  const line = JSON.stringify(manifest);
  const checksum = options.keepChecksum
    ? checksumLine!
    : `@manifest ${createHash("sha256").update(line).digest("hex")}`;
  let body = rest;
  if (options.dropTable) {
    const start = body.indexOf(`@table ${options.dropTable}`);
    const end = body.findIndex((entry, i) => i > start && entry.startsWith("@sha256 "));
    body = [...body.slice(0, start), ...body.slice(end + 1)];
  }
  const lines = options.withoutChecksumLine ? [line, ...body] : [line, checksum, ...body];
  fs.writeFileSync(target, gzipSync(lines.join("\n")));
  return target;
}

describe("scheduled backups", slow, () => {
  it("the server backs up every interval and keeps the newest BACKUP_KEEP", async () => {
    const dataDir = await freshDataDir();
    const backupDir = path.join(dataDir, "elsewhere");
    try {
      const server = await startServerProcess({
        ...embeddedEnv(dataDir),
        BACKUP_DIR: backupDir,
        BACKUP_INTERVAL_HOURS: String(0.8 / 3600),
        BACKUP_KEEP: "2",
      });
      const written = () => server.output().match(/"backup written"/g)?.length ?? 0;
      const deadline = Date.now() + 120_000;
      while (written() < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      await server.stop();
      expect(written()).toBeGreaterThanOrEqual(4);
      const files = [...server.output().matchAll(/"file":"([^"]+)"/g)].map((match) => match[1]!);
      expect(listBackups(backupDir).map((entry) => entry.file)).toEqual(files.slice(-2).reverse());
    } finally {
      removeDataDir(dataDir);
    }
  });
});
