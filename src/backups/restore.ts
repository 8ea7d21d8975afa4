import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { BackupError } from "./backup-error.js";
import { openDatabase } from "../db/database.js";
import { applyMigrations, readMigrationFiles, type MigrationFile } from "../db/migrations.js";
import { readBackup, readManifest, type BackupManifest, type TableChecksum } from "./backup-file.js";
import { fsyncFolder, fsyncTree } from "./durable.js";
import { embeddedFolder, fileStamp } from "./embedded-folder.js";
import {
  copyTableOut,
  listTables,
  quoteName,
  restoreSequences,
  selectOn,
  sequenceOwners,
  type TableInfo,
} from "./tables.js";

export interface RestoreResult {
  manifest: BackupManifest;
  rows: number;
  /** Migrations newer than the backup, applied after loading it. */
  newerMigrations: string[];
  /** Where the data from before the restore now is; it is never deleted. */
  previous?: string;
}

/**
 * Builds a new embedded database from a backup in a folder beside the live one: the backup's own
 * schema (its recorded migrations), its rows in foreign-key order, its sequences; then checks every
 * table against the backup's checksums, applies newer migrations, and only then swaps the folders.
 * The caller holds DATA_DIR's lock: nothing else has the database open.
 */
export async function restoreBackup(dataDir: string, file: string): Promise<RestoreResult> {
  const manifest = await readManifest(file);
  const migrations = migrationsOf(manifest);
  // A damaged file is refused before anything is built (a read is cheap next to a load).
  await readBackup(file, {
    manifest: async () => undefined,
    rows: async () => undefined,
    tableEnd: async () => undefined,
  });
  removeUnfinishedRestores(dataDir);
  const stamp = fileStamp();
  const building = path.join(dataDir, `pglite.restoring-${stamp}`);
  const pglite = await PGlite.create({ dataDir: building });
  let newerMigrations: string[];
  let rows = 0;
  try {
    const db = await openDatabase({ pglite });
    await applyMigrations(db, migrations);
    const tables = await matchingTables(pglite, manifest);
    const checksums = await load(pglite, file, tables);
    await checkSequences(pglite, manifest);
    await restoreSequences(selectOn(pglite), manifest.sequences);
    for (const table of manifest.tables) {
      rows += await verifyTable(pglite, tables.get(table.name)!, checksums.get(table.name), table.rows);
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
  return { manifest, rows, newerMigrations, previous: swapIn(dataDir, building, stamp) };
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
 * The schema rebuilt from the backup's migrations must have exactly the backup's tables and
 * columns: a table left out of the manifest would come back empty, and "verified".
 */
async function matchingTables(pglite: PGlite, manifest: BackupManifest): Promise<Map<string, TableInfo>> {
  const tables = new Map((await listTables(selectOn(pglite))).map((table) => [table.name, table]));
  const listed = new Set(manifest.tables.map((table) => table.name));
  const left = [...tables.keys()].filter((name) => !listed.has(name));
  if (left.length) {
    throw new BackupError(
      `The backup's manifest leaves out table${left.length > 1 ? "s" : ""} ${left.join(", ")}, which its migrations build: ` +
        "it does not match the data it was taken from and cannot be restored. Nothing was changed.",
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
  return tables;
}

async function load(pglite: PGlite, file: string, tables: Map<string, TableInfo>) {
  const checksums = new Map<string, TableChecksum>();
  await pglite.transaction(async (tx) => {
    await readBackup(file, {
      manifest: async () => undefined,
      rows: async (table, chunk) => {
        const columns = tables.get(table)!.columns.map(quoteName).join(", ");
        await tx.query(`COPY ${quoteName(table)} (${columns}) FROM '/dev/blob'`, [], {
          blob: new Blob([chunk]),
        });
      },
      tableEnd: async (table, checksum) => {
        checksums.set(table, checksum);
      },
    });
  });
  return checksums;
}

/**
 * Every sequence must be in the manifest and at or past the highest id of its column: a sequence
 * set back would hand out ids that exist, and every later save would fail.
 */
async function checkSequences(pglite: PGlite, manifest: BackupManifest): Promise<void> {
  const select = selectOn(pglite);
  const values = new Map(manifest.sequences.map((sequence) => [sequence.name, sequence]));
  for (const owner of await sequenceOwners(select)) {
    const value = values.get(owner.name);
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
