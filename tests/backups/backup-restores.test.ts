import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBackupKey } from "../../src/backups/backup-key.js";
import { restoreBackup, type RestoreOptions } from "../../src/backups/restore.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { rewriteBackupOf, type EditableBackup, type RewriteOptions } from "../helpers/backup-edit.js";
import { runCommand } from "../helpers/command-process.js";
import { embeddedEnv, emptyDataDir, removeDataDir } from "../helpers/data-dir.js";
import { backedUpThenChanged, embeddedStateOf, withEmbedded } from "../helpers/embedded-state.js";

const slow = { timeout: 180_000 };
/** Every table of the schema is in a backup: one per Prisma model. */
const schemaTables = Object.keys(Prisma.ModelName).length;

describe("restores of the embedded database: refusals and round trips", slow, () => {
  let dataDir: string;
  let backupFile: string;
  let keyFile: string;
  let atBackup: Record<string, string>;
  let changed: Record<string, string>;
  const folders: string[] = [];

  beforeAll(async () => {
    ({ dataDir, backupFile, keyFile, atBackup, changed } = await backedUpThenChanged());
    folders.push(dataDir);
  }, 180_000);
  afterAll(() => folders.forEach(removeDataDir));

  const rewriteBackup = (name: string, edit: (backup: EditableBackup) => void, options?: RewriteOptions) =>
    rewriteBackupOf(backupFile, path.join(folders[0]!, name), edit, options);
  const newDataDir = () => {
    const dir = emptyDataDir();
    folders.push(dir);
    return dir;
  };
  const stateOf = embeddedStateOf;

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
