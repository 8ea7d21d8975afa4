import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listBackups } from "../../src/backups/backup-folder.js";
import { ensureBackupKey, readBackupKey } from "../../src/backups/backup-key.js";
import { restoreBackup, type RestoreOptions } from "../../src/backups/restore.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import {
  rewriteBackupOf,
  setRole,
  type EditableBackup,
  type RewriteOptions,
} from "../helpers/backup-edit.js";
import { runCommand } from "../helpers/command-process.js";
import { embeddedEnv, emptyDataDir, freshDataDir, removeDataDir } from "../helpers/data-dir.js";
import { backedUpThenChanged, embeddedStateOf, withEmbedded } from "../helpers/embedded-state.js";
import { startServerProcess } from "../helpers/server-process.js";

const slow = { timeout: 180_000 };
/** Every table of the schema is in a backup: one per Prisma model. */
const schemaTables = Object.keys(Prisma.ModelName).length;

describe("backups of the embedded database", slow, () => {
  let dataDir: string;
  let backupDir: string;
  let backupFile: string;
  let keyFile: string;
  let changed: Record<string, string>;
  const folders: string[] = [];

  beforeAll(async () => {
    ({ dataDir, backupDir, backupFile, keyFile, changed } = await backedUpThenChanged());
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
});

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
