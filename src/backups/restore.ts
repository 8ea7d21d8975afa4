import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { BackupError, UnverifiedBackupError } from "./backup-error.js";
import { openDatabase } from "../db/database.js";
import { applyMigrations, readMigrationFiles, type MigrationFile } from "../db/migrations.js";
import {
  otherKeyMessage,
  readBackup,
  readManifest,
  SIGNED_FROM_VERSION,
  type BackupManifest,
  type BackupVisitor,
  type TableChecksum,
} from "./backup-file.js";
import { backupKeyFile, readBackupKey, type BackupKey } from "./backup-key.js";
import { fsyncFolder, fsyncTree } from "./durable.js";
import { embeddedFolder, fileStamp } from "./embedded-folder.js";
import {
  copyTableOut,
  listTables,
  quoteName,
  readSequences,
  restoreSequences,
  selectOn,
  sequenceOwners,
  type TableInfo,
} from "./tables.js";

export interface RestoreOptions {
  /** The key to verify the backup with (--key-file); BACKUP_KEY_FILE or DATA_DIR/backup.key otherwise. */
  keyFile?: string;
  /** Restores a backup of format 1 or 2, which has no signature (--trust-unsigned). */
  trustUnsigned?: boolean;
  /** Restores a backup that holds no tables, leaves tables out or has no user account (--allow-partial). */
  allowPartial?: boolean;
}

export interface RestoreResult {
  manifest: BackupManifest;
  rows: number;
  /** The key whose signature was verified; undefined for an unsigned backup restored on request. */
  key?: BackupKey;
  /** Tables of the schema the backup left out, restored empty (only with allowPartial). */
  leftEmpty: string[];
  /** Migrations newer than the backup, applied after loading it. */
  newerMigrations: string[];
  /** Where the data from before the restore now is; it is never deleted. */
  previous?: string;
}

/** How to ask for what is refused by default: the operator types it, knowing what it means. */
const PARTIAL_FLAG = "--allow-partial";
const UNSIGNED_FLAG = "--trust-unsigned";

/**
 * Builds a new embedded database from a backup in a folder beside the live one: the backup's own
 * schema (its recorded migrations), its rows in foreign-key order, its sequences; then checks every
 * table against the backup's checksums, applies newer migrations, and only then swaps the folders.
 * The backup must verify with the installation's key (or the one given) and hold every table and at
 * least one user, unless the options say otherwise. Nothing is built before the whole file has
 * been read and verified. The caller holds DATA_DIR's lock: nothing else has the database open.
 */
export async function restoreBackup(
  dataDir: string,
  file: string,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  // The first lines alone: refusals that need no full read come first.
  const key = verificationKey(dataDir, file, await readManifest(file), options);
  const checked = await readBackup(file, ignoreRows(), key);
  if (key && checked.signature === undefined) throw changedWhileRestoring(file);
  const manifest = checked.manifest;
  const migrations = migrationsOf(manifest);
  refuseEmpty(file, manifest, options);
  removeUnfinishedRestores(dataDir);
  const stamp = fileStamp();
  const building = path.join(dataDir, `pglite.restoring-${stamp}`);
  const pglite = await PGlite.create({ dataDir: building });
  let newerMigrations: string[];
  let leftEmpty: string[];
  let rows = 0;
  try {
    const db = await openDatabase({ pglite });
    await applyMigrations(db, migrations);
    const schema = await matchingTables(pglite, file, manifest, options);
    leftEmpty = schema.leftOut;
    const loaded = await load(pglite, file, schema.tables, key);
    // The file read twice must be the same file: it could have been replaced in between.
    if (
      JSON.stringify(loaded.manifest) !== JSON.stringify(manifest) ||
      loaded.signature !== checked.signature
    ) {
      throw changedWhileRestoring(file);
    }
    await checkAndSetSequences(pglite, manifest, new Set(leftEmpty));
    for (const table of manifest.tables) {
      rows += await verifyTable(
        pglite,
        schema.tables.get(table.name)!,
        loaded.checksums.get(table.name),
        table.rows,
      );
    }
    newerMigrations = await applyMigrations(db);
    await db.close();
    await pglite.close();
    // PGlite never fsyncs: put the restored files on the disk before they replace the old ones.
    fsyncTree(building);
  } catch (error) {
    if (!pglite.closed) await pglite.close();
    fs.rmSync(building, { recursive: true, force: true });
    throw error;
  }
  return {
    manifest,
    rows,
    key,
    leftEmpty,
    newerMigrations,
    previous: swapIn(dataDir, building, stamp),
  };
}

/**
 * The key a signed backup is verified with, or undefined for an unsigned one the operator chose to
 * trust. Every refusal says what is wrong and how to restore a backup made elsewhere.
 */
function verificationKey(
  dataDir: string,
  file: string,
  manifest: BackupManifest,
  options: RestoreOptions,
): BackupKey | undefined {
  if (manifest.version < SIGNED_FROM_VERSION) {
    if (options.trustUnsigned) return undefined;
    throw new UnverifiedBackupError(
      `The backup ${file} is of format version ${manifest.version}, from before backups were signed: nothing ` +
        "shows it was not edited after it was made (a user made admin, say). It is not restored and nothing " +
        "was changed. If you know where this file has been, restore it anyway: " +
        `npm run backup:restore -- --file ${path.basename(file)} ${UNSIGNED_FLAG}`,
    );
  }
  const keyFile = options.keyFile ? path.resolve(options.keyFile) : backupKeyFile(dataDir);
  const key = readBackupKey(keyFile);
  if (!key && options.keyFile) {
    throw new UnverifiedBackupError(`There is no key file ${keyFile} (--key-file). Nothing was changed.`);
  }
  if (!key) {
    throw new UnverifiedBackupError(
      `This installation has no backup key (${keyFile}), so the backup ${file}, signed with key ${manifest.key}, ` +
        "cannot be verified; nothing was changed. If it was made by another installation, copy that " +
        `installation's key file (backup.key in its DATA_DIR, or its BACKUP_KEY_FILE) to ${keyFile}, or name it: ` +
        `npm run backup:restore -- --file ${path.basename(file)} --key-file <its key file>.`,
    );
  }
  if (manifest.key !== key.id) throw new UnverifiedBackupError(otherKeyMessage(file, manifest, key));
  return key;
}

function changedWhileRestoring(file: string): BackupError {
  return new BackupError(`The backup ${file} changed while it was being restored. Nothing was changed.`);
}

function ignoreRows(): BackupVisitor {
  return { manifest: async () => undefined, rows: async () => undefined, tableEnd: async () => undefined };
}

/** A backup of nothing, or of no account, would reopen /setup to whoever reaches the server first. */
function refuseEmpty(file: string, manifest: BackupManifest, options: RestoreOptions): void {
  if (options.allowPartial) return;
  if (manifest.tables.length === 0) {
    throw new BackupError(
      `The backup ${file} holds no tables: restored, it would leave an empty database, with /setup open to ` +
        `the first visitor. Nothing was changed. To restore it all the same, add ${PARTIAL_FLAG}.`,
    );
  }
  const users = manifest.tables.find((table) => table.name === "users");
  if (users && users.rows === 0) {
    throw new BackupError(
      `The backup ${file} holds no user accounts: restored, Claimant would open /setup to the first visitor. ` +
        `Nothing was changed. To restore it all the same, add ${PARTIAL_FLAG}.`,
    );
  }
}

function migrationsOf(manifest: BackupManifest): MigrationFile[] {
  const files = new Map(readMigrationFiles().map((file) => [file.name, file]));
  return manifest.migrations.map(({ name, checksum }) => {
    const file = files.get(name);
    if (!file) {
      throw new BackupError(
        `The backup was made by a newer version of Claimant (its migration ${name} is not in prisma/migrations). ` +
          "Restore it with that version.",
      );
    }
    if (file.checksum !== checksum) {
      throw new BackupError(
        `Migration ${name} was changed after the backup was made; restore with the original.`,
      );
    }
    return file;
  });
}

/**
 * The schema rebuilt from the backup's migrations must have the backup's tables and columns; a
 * table it leaves out would come back empty, and "verified", so that is refused unless allowed.
 */
async function matchingTables(
  pglite: PGlite,
  file: string,
  manifest: BackupManifest,
  options: RestoreOptions,
): Promise<{ tables: Map<string, TableInfo>; leftOut: string[] }> {
  const tables = new Map((await listTables(selectOn(pglite))).map((table) => [table.name, table]));
  const listed = new Set(manifest.tables.map((table) => table.name));
  const leftOut = [...tables.keys()].filter((name) => !listed.has(name));
  if (leftOut.length && !options.allowPartial) {
    throw new BackupError(
      `The backup ${file} leaves out table${leftOut.length > 1 ? "s" : ""} ${leftOut.join(", ")}, which its ` +
        "migrations build: restored, they would be empty. Nothing was changed. To restore it all the same " +
        `(those tables empty), add ${PARTIAL_FLAG}.`,
    );
  }
  for (const table of manifest.tables) {
    const rebuilt = tables.get(table.name);
    if (!rebuilt || rebuilt.columns.join() !== table.columns.join()) {
      throw new BackupError(
        `The backup's table ${table.name} does not match the schema its migrations build; it cannot be restored.`,
      );
    }
  }
  return { tables, leftOut };
}

async function load(
  pglite: PGlite,
  file: string,
  tables: Map<string, TableInfo>,
  key: BackupKey | undefined,
) {
  const checksums = new Map<string, TableChecksum>();
  const read = await pglite.transaction(async (tx) =>
    readBackup(
      file,
      {
        manifest: async () => undefined,
        rows: async (table, chunk) => {
          const columns = tables.get(table)!.columns.map(quoteName).join(", ");
          try {
            await tx.query(`COPY ${quoteName(table)} (${columns}) FROM '/dev/blob'`, [], {
              blob: new Blob([chunk]),
            });
          } catch (error) {
            throw new BackupError(
              `The rows of table ${table} in the backup ${file} cannot be loaded (${firstLine(error)}). ` +
                "Nothing was changed.",
            );
          }
        },
        tableEnd: async (table, checksum) => {
          checksums.set(table, checksum);
        },
      },
      key,
    ),
  );
  return { ...read, checksums };
}

/**
 * Every sequence of the backup must be one its schema has, and every sequence that numbers a
 * column must be in the manifest and at or past the highest id of its column: a sequence set back
 * would hand out ids that exist, and every later save would fail. A table left out (allowed
 * partial restore) keeps its sequence as the migrations left it.
 */
async function checkAndSetSequences(
  pglite: PGlite,
  manifest: BackupManifest,
  leftEmpty: Set<string>,
): Promise<void> {
  const select = selectOn(pglite);
  const known = new Set((await readSequences(select)).map((sequence) => sequence.name));
  for (const sequence of manifest.sequences) {
    if (!known.has(sequence.name)) {
      throw new BackupError(
        `The backup's sequence "${sequence.name.slice(0, 100)}" is not one the schema its migrations build ` +
          "has: its manifest does not match its data, so it cannot be restored. Nothing was changed.",
      );
    }
  }
  const values = new Map(manifest.sequences.map((sequence) => [sequence.name, sequence]));
  for (const owner of await sequenceOwners(select)) {
    const value = values.get(owner.name);
    if (!value && leftEmpty.has(owner.table)) continue;
    const [row] = await select<{ highest: string | null }>(
      `SELECT max(${quoteName(owner.column)})::text AS highest FROM ${quoteName(owner.table)}`,
    );
    const highest = BigInt(row?.highest ?? "0");
    const lastGiven = value ? BigInt(value.lastValue) - (value.isCalled ? 0n : 1n) : undefined;
    if (lastGiven === undefined || lastGiven < highest) {
      throw new BackupError(
        `The backup's sequence ${owner.name} is ${value ? `at ${lastGiven}` : "missing"}, behind the highest ` +
          `${owner.table}.${owner.column} (${highest}): its manifest does not match its data, so it cannot be ` +
          "restored. Nothing was changed.",
      );
    }
  }
  try {
    await restoreSequences(select, manifest.sequences);
  } catch (error) {
    throw new BackupError(
      `The backup's sequences cannot be set (${firstLine(error)}): its manifest does not match its data, so ` +
        "it cannot be restored. Nothing was changed.",
    );
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 300);
}

/** Reads the loaded table back exactly as the backup was taken and compares the checksums. */
async function verifyTable(
  pglite: PGlite,
  table: TableInfo,
  expected: TableChecksum | undefined,
  manifestRows: number,
): Promise<number> {
  const hash = createHash("sha256");
  for await (const chunk of copyTableOut(pglite, table)) hash.update(chunk);
  const { count } = (
    await pglite.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${quoteName(table.name)}`)
  ).rows[0]!;
  if (
    !expected ||
    hash.digest("hex") !== expected.sha256 ||
    count !== expected.rows ||
    count !== manifestRows
  ) {
    throw new BackupError(
      `Table ${table.name} did not come back as it was backed up (${count} rows, the backup lists ${manifestRows}). ` +
        "Nothing was changed.",
    );
  }
  return count;
}

/** A restore that was killed half-way leaves its unfinished build; never anyone's data. */
function removeUnfinishedRestores(dataDir: string): void {
  if (!fs.existsSync(dataDir)) return;
  for (const name of fs.readdirSync(dataDir)) {
    if (name.startsWith("pglite.restoring-"))
      fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
  }
}

function swapIn(dataDir: string, building: string, stamp: string): string | undefined {
  const live = embeddedFolder(dataDir);
  const previous = fs.existsSync(live) ? path.join(dataDir, `pglite.before-restore-${stamp}`) : undefined;
  if (previous) fs.renameSync(live, previous);
  fs.renameSync(building, live);
  fsyncFolder(dataDir);
  return previous;
}
