import { createHash, createHmac } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listBackups } from "../../src/backups/backup-folder.js";
import { ensureBackupKey, readBackupKey } from "../../src/backups/backup-key.js";
import { restoreBackup, type RestoreOptions } from "../../src/backups/restore.js";
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
  let keyFile: string;
  let atBackup: Record<string, string>;
  let changed: Record<string, string>;
  const folders: string[] = [];

  beforeAll(async () => {
    dataDir = await freshDataDir();
    backupDir = path.join(dataDir, "backups");
    keyFile = path.join(dataDir, "backup.key");
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

  const rewriteBackup = (name: string, edit: (backup: EditableBackup) => void, options?: RewriteOptions) =>
    rewriteBackupOf(backupFile, path.join(folders[0]!, name), edit, options);
  const newDataDir = () => {
    const dir = emptyDataDir();
    folders.push(dir);
    return dir;
  };
  const stateOf = (dir: string) => withEmbedded(dir, (_db, pglite) => embeddedState(pglite));

  it("the first backup creates the installation's key, 0600 in DATA_DIR, and signs with it", () => {
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const manifest = JSON.parse(gunzipSync(fs.readFileSync(backupFile)).toString("utf8").split("\n")[0]!) as {
      version: number;
      key: string;
    };
    expect(manifest).toMatchObject({ version: 3, key: readBackupKey(keyFile)!.id });
  });

  it("backup:list shows the backup with what it holds and whose key signed it", async () => {
    const listed = await runCommand("src/cli/backup-list.ts", [], { env: embeddedEnv(dataDir) });
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain(`Backups in ${backupDir}, newest first:`);
    expect(listed.stdout).toMatch(
      new RegExp(
        `${path.basename(backupFile)} .* ${schemaTables} tables, \\d+ rows, signed \\(this installation's key\\)\n`,
      ),
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
    expect(fs.readdirSync(dataDir).sort()).toEqual(["backup.key", "backups", "pglite"]);
    expect(await stateOf(dataDir)).toEqual(changed);
  });

  it("a backup from a newer version of Claimant is refused before anything is built", async () => {
    const file = rewriteBackup(
      "newer.gz",
      ({ manifest }) => {
        manifest.migrations.push({ name: "29991231000000_from_the_future", checksum: "0".repeat(64) });
      },
      { signWith: keyFile },
    );
    await expect(restoreBackup(dataDir, file)).rejects.toThrow(
      "The backup was made by a newer version of Claimant (its migration 29991231000000_from_the_future",
    );
    fs.rmSync(file);
    expect(fs.readdirSync(dataDir).sort()).toEqual(["backup.key", "backups", "pglite"]);
  });

  /** What restoring `file` does: refused with a message matching `message`, and nothing changes. */
  async function expectRefused(file: string, message: RegExp, options?: RestoreOptions) {
    const before = fs
      .readdirSync(dataDir)
      .filter((name) => name !== path.basename(file))
      .sort();
    await expect(restoreBackup(dataDir, file, options)).rejects.toThrow(message);
    fs.rmSync(file);
    expect(fs.readdirSync(dataDir).sort()).toEqual(before);
    expect(await stateOf(dataDir)).toEqual(changed);
  }

  it("a user made admin, with every checksum recomputed, is refused: the signature does not match", async () => {
    const file = rewriteBackup("forged.gz", (backup) => setRole(backup, "awkward@example.org", "admin"));
    const restore = await runCommand("src/cli/backup-restore.ts", ["--file", file], {
      env: embeddedEnv(dataDir),
    });
    expect(restore.status).toBe(1);
    expect(restore.stderr).toBe(
      `Error: The backup ${file} does not match its signature (key ${readBackupKey(keyFile)!.id}, checked with ` +
        `${keyFile}): it was changed after it was made, so it is not restored and nothing was changed. ` +
        "Use another backup (npm run backup:list).\n",
    );
    fs.rmSync(file);
    expect(await stateOf(dataDir)).toEqual(changed);
  });

  it("the same edit signed with the key restores (so the signature is what refused it); another installation's key is refused, then named with keyFile", async () => {
    const file = rewriteBackup("re-signed.gz", (backup) => setRole(backup, "awkward@example.org", "admin"), {
      signWith: keyFile,
    });
    const elsewhere = newDataDir();
    const theirKey = ensureBackupKey(path.join(elsewhere, "backup.key"));
    await expect(restoreBackup(elsewhere, file)).rejects.toThrow(
      `The backup ${file} is signed with another backup key (key ${readBackupKey(keyFile)!.id}) than ` +
        `${theirKey.file} (key ${theirKey.id}), so it cannot be verified and is not restored.`,
    );
    expect(fs.readdirSync(elsewhere)).toEqual(["backup.key"]);
    const result = await restoreBackup(elsewhere, file, { keyFile });
    expect(result.key?.file).toBe(keyFile);
    const roles = await withEmbedded(elsewhere, (db) =>
      db.prisma.user.findUniqueOrThrow({ where: { email: "awkward@example.org" } }),
    );
    expect(roles.role).toBe("admin");
    fs.rmSync(file);
  });

  it("a manifest edited by hand is refused: its checksum no longer matches", async () => {
    const file = rewriteBackup(
      "edited.gz",
      ({ manifest }) => {
        for (const sequence of manifest.sequences) sequence.lastValue = "1";
      },
      { keepChecksum: true, signWith: keyFile },
    );
    await expectRefused(file, /manifest does not match its checksum/);
  });

  it("a sequence set back is refused even when signed with the key", async () => {
    const file = rewriteBackup(
      "sequence.gz",
      ({ manifest }) => {
        const claims = manifest.sequences.find((sequence) => sequence.name.endsWith("claims_id_seq"))!;
        claims.lastValue = "1";
      },
      { signWith: keyFile },
    );
    await expectRefused(file, /sequence public\.claims_id_seq is at 1, behind the highest claims\.id/);
  });

  it("a backup of no tables is refused unless --allow-partial: it would reopen /setup", async () => {
    const empty = (name: string) =>
      rewriteBackup(
        name,
        (backup) => {
          backup.manifest.tables = [];
          backup.manifest.sequences = [];
          backup.blocks = [];
        },
        { signWith: keyFile },
      );
    await expectRefused(
      empty("no-tables.gz"),
      /holds no tables: restored, it would leave an empty database, with \/setup open to the first visitor\. Nothing was changed\. To restore it all the same, add --allow-partial\./,
    );
    const elsewhere = newDataDir();
    const file = empty("no-tables-allowed.gz");
    const result = await restoreBackup(elsewhere, file, { keyFile, allowPartial: true });
    fs.rmSync(file);
    expect(result.leftEmpty).toHaveLength(schemaTables);
    expect(await withEmbedded(elsewhere, (db) => db.prisma.user.count())).toBe(0);
  });

  it("a backup with no user accounts is refused unless --allow-partial", async () => {
    const file = rewriteBackup(
      "no-users.gz",
      (backup) => {
        backup.blocks.find((block) => block.name === "users")!.rows = [];
      },
      { signWith: keyFile },
    );
    await expectRefused(
      file,
      /holds no user accounts: restored, Claimant would open \/setup to the first visitor/,
    );
  });

  it("a table left out of the manifest (and the file) is refused unless --allow-partial, naming it", async () => {
    const leaveOut = (name: string) =>
      rewriteBackup(
        name,
        (backup) => {
          backup.manifest.tables = backup.manifest.tables.filter((table) => table.name !== "audit_events");
          backup.blocks = backup.blocks.filter((block) => block.name !== "audit_events");
        },
        { signWith: keyFile },
      );
    await expectRefused(
      leaveOut("table-left-out.gz"),
      /leaves out table audit_events, which its migrations build: restored, they would be empty\. Nothing was changed\. To restore it all the same \(those tables empty\), add --allow-partial\./,
    );
    const elsewhere = newDataDir();
    const file = leaveOut("table-left-out-allowed.gz");
    const result = await restoreBackup(elsewhere, file, { keyFile, allowPartial: true });
    fs.rmSync(file);
    expect(result.leftEmpty).toEqual(["audit_events"]);
    const state = await stateOf(elsewhere);
    expect(state.audit_events).toMatch(/^0 rows,/);
    expect({ ...state, audit_events: "", "public.audit_events_id_seq": "" }).toEqual({
      ...atBackup,
      audit_events: "",
      "public.audit_events_id_seq": "",
    });
  });

  it("a table the manifest lists but the file lacks is refused as damaged", async () => {
    const file = rewriteBackup(
      "table-missing.gz",
      (backup) => {
        backup.blocks = backup.blocks.filter((block) => block.name !== "audit_events");
      },
      { signWith: keyFile },
    );
    await expectRefused(file, /lists tables it does not hold \(audit_events\)/);
  });

  it("backups of format 1 and 2 (unsigned) are refused unless --trust-unsigned, then read", async () => {
    const versionOne = () =>
      rewriteBackup(
        "version-1.gz",
        ({ manifest }) => {
          manifest.version = 1;
          delete manifest.key;
        },
        { withoutChecksumLine: true },
      );
    await expectRefused(
      versionOne(),
      /is of format version 1, from before backups were signed: nothing shows it was not edited after it was made \(a user made admin, say\)\. It is not restored and nothing was changed\. If you know where this file has been, restore it anyway: npm run backup:restore -- --file version-1\.gz --trust-unsigned/,
    );
    const two = rewriteBackup("version-2.gz", ({ manifest }) => {
      manifest.version = 2;
      delete manifest.key;
    });
    await expectRefused(two, /is of format version 2, from before backups were signed/);

    const elsewhere = newDataDir();
    const file = versionOne();
    const result = await restoreBackup(elsewhere, file, { trustUnsigned: true });
    fs.rmSync(file);
    expect(result.key).toBeUndefined();
    expect(await stateOf(elsewhere)).toEqual(atBackup);
  });

  it("bad input prints one line, no stack trace: unknown table block, bad sequence name, a folder, no file, not a backup", async () => {
    const unknownTable = rewriteBackup(
      "unknown-table.gz",
      (backup) => {
        backup.blocks.splice(1, 0, { name: "nonesuch", rows: ["1\tx"] });
      },
      { signWith: keyFile },
    );
    const unknownLine =
      gunzipSync(fs.readFileSync(unknownTable)).toString("utf8").split("\n").indexOf("@table nonesuch") + 1;
    const badSequence = rewriteBackup(
      "bad-sequence.gz",
      ({ manifest }) => {
        manifest.sequences.push({ name: "'); DROP TABLE users; --", lastValue: "1", isCalled: true });
      },
      { signWith: keyFile },
    );
    const cases: [string[], string][] = [
      [
        ["--file", unknownTable, "--key-file", keyFile],
        `Error: The backup ${unknownTable} is damaged or incomplete (line ${unknownLine} starts rows of table "nonesuch"`,
      ],
      [
        ["--file", badSequence, "--key-file", keyFile],
        `Error: The backup's sequence "'); DROP TABLE users; --" is not one the schema its migrations build has`,
      ],
      [["--file", "/"], "Error: / is a folder, not a backup file."],
      [["--file", "no-such-backup.gz"], "Error: No backup no-such-backup.gz, neither as a path nor in"],
      [
        ["--file", "package.json"],
        `Error: ${path.resolve("package.json")} is not a Claimant backup (it is not gzip-compressed)`,
      ],
      [["--file", backupFile, "--key-file", "/no/such.key"], "Error: There is no key file /no/such.key"],
      [["--file", backupFile, "--keyfile", keyFile], "Error: Unknown option '--keyfile'"],
    ];
    const runs = await Promise.all(
      cases.map(([args]) =>
        runCommand("src/cli/backup-restore.ts", args, { env: embeddedEnv(newDataDir()) }),
      ),
    );
    runs.forEach((run, i) => {
      expect(run.stderr).toContain(cases[i]![1]);
      expect(run.stderr).toMatch(/^Error: [^\n]*\n$/);
      expect(run.status).toBe(1);
    });
    fs.rmSync(unknownTable);
    fs.rmSync(badSequence);
  });

  it("backup, change, restore: the data equals the backup; the data from before is kept", async () => {
    const restore = await runCommand("src/cli/backup-restore.ts", ["--file", backupFile], {
      env: embeddedEnv(dataDir),
    });
    expect(restore.stderr).toBe("");
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain(`Restored ${backupFile}`);
    expect(restore.stdout).toContain(`Verified its signature with the backup key in ${keyFile}.`);
    expect(restore.stdout).toMatch(
      new RegExp(`Loaded and verified ${schemaTables} tables, \\d+ rows, against the backup's checksums\\.`),
    );
    expect(await stateOf(dataDir)).toEqual(atBackup);

    const kept = fs.readdirSync(dataDir).filter((name) => name.startsWith("pglite.before-restore-"));
    expect(kept).toHaveLength(1);
    expect(restore.stdout).toContain(`kept in ${path.join(dataDir, kept[0]!)}`);
    const before = path.join(dataDir, kept[0]!.replace("pglite.before-restore-", "before-"));
    fs.mkdirSync(before);
    fs.renameSync(path.join(dataDir, kept[0]!), path.join(before, "pglite"));
    expect(await stateOf(before)).toEqual(changed);
  });

  it("restores into a DATA_DIR that has no database yet (a new machine), with the key copied or named", async () => {
    const elsewhere = newDataDir();
    await expect(restoreBackup(elsewhere, backupFile)).rejects.toThrow(
      `This installation has no backup key (${path.join(elsewhere, "backup.key")}), so the backup ${backupFile}, ` +
        `signed with key ${readBackupKey(keyFile)!.id}, cannot be verified; nothing was changed. If it was made ` +
        "by another installation, copy that installation's key file",
    );
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    const result = await restoreBackup(elsewhere, backupFile, { keyFile });
    expect(result.previous).toBeUndefined();
    expect(await stateOf(elsewhere)).toEqual(atBackup);

    const copied = newDataDir();
    fs.copyFileSync(keyFile, path.join(copied, "backup.key"));
    await restoreBackup(copied, backupFile);
    expect(await stateOf(copied)).toEqual(atBackup);
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
  key?: string;
  migrations: { name: string; checksum: string }[];
  tables: { name: string; columns: string[]; rows: number }[];
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
}

interface EditableBackup {
  manifest: EditableManifest;
  /** Each table's rows as COPY text lines, in file order. */
  blocks: { name: string; rows: string[] }[];
}

interface RewriteOptions {
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
function rewriteBackupOf(
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
function setRole(backup: EditableBackup, email: string, role: string): void {
  const columns = backup.manifest.tables.find((table) => table.name === "users")!.columns;
  const block = backup.blocks.find((entry) => entry.name === "users")!;
  block.rows = block.rows.map((row) => {
    const fields = row.split("\t");
    if (fields[columns.indexOf("email")] !== email) return row;
    fields[columns.indexOf("role")] = role;
    return fields.join("\t");
  });
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
