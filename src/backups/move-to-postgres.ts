import { finished } from "node:stream/promises";
import { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { openDatabase, type Database } from "../db/database.js";
import { applyMigrations, readMigrationFiles, type MigrationFile } from "../db/migrations.js";
import { BackupError } from "./backup-error.js";
import { embeddedFolder, hasEmbeddedDatabase } from "./embedded-folder.js";
import {
  copyTableOut,
  listTables,
  quoteName,
  readSequences,
  restoreSequences,
  rowDigestsQuery,
  selectOn,
  type RowDigest,
  type SelectRows,
  type TableInfo,
} from "./tables.js";

export interface MoveResult {
  tables: { name: string; rows: number }[];
  rows: number;
  sequences: number;
  /** The app's migrations newer than the embedded database, applied to the server after the copy. */
  newerMigrations: string[];
}

/** Both sides print values the same way while rows are compared. */
const COMPARABLE_OUTPUT = [
  "SET LOCAL TimeZone = 'UTC'",
  "SET LOCAL DateStyle = 'ISO, MDY'",
  "SET LOCAL IntervalStyle = 'postgres'",
  "SET LOCAL extra_float_digits = 1",
  "SET LOCAL bytea_output = 'hex'",
];

const VERIFY_PAGE_ROWS = 5000;

/**
 * Copies the embedded database in DATA_DIR into an empty Postgres server database, then compares
 * every row of every table on both sides before committing. The server gets the embedded database's
 * schema first (its applied migrations), then the app's newer migrations after the copy. The
 * embedded data is only read. The caller holds DATA_DIR's lock.
 */
export async function moveToPostgres(
  dataDir: string,
  targetUrl: string,
  progress: (line: string) => void,
): Promise<MoveResult> {
  if (!hasEmbeddedDatabase(dataDir)) {
    throw new BackupError(`There is no embedded database in ${dataDir} (DATA_DIR) to move.`);
  }
  const source = await PGlite.create({ dataDir: embeddedFolder(dataDir) });
  let target: Database | undefined;
  try {
    target = await openDatabase({ url: targetUrl, poolSize: 2, applicationName: "claimant-move" });
    await refuseUnlessEmpty(target.pool!);
    await applyMigrations(target, await sourceMigrations(source, target.pool!));
    const tables = await sameTablesOnBoth(source, target.pool!);
    const result = await copyAndVerify(source, target.pool!, tables, progress);
    return { ...result, newerMigrations: await applyMigrations(target) };
  } finally {
    await target?.close();
    await source.close();
  }
}

async function refuseUnlessEmpty(pool: pg.Pool): Promise<void> {
  const { rows: tables } = await pool.query<{ name: string }>(
    `SELECT format('%I', c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_prisma_migrations' ORDER BY c.relname`,
  );
  const holding: string[] = [];
  for (const { name } of tables) {
    const { rows } = await pool.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${name}) AS any`);
    if (rows[0]!.any) holding.push(name);
  }
  if (holding.length > 0) {
    throw new BackupError(
      `The server database already holds data (in ${holding.join(", ")}). The move only copies into an empty ` +
        "database, so that nothing there is mixed or overwritten: create a new one (for example createdb claimant) " +
        "and point DATABASE_URL at it.",
    );
  }
}

/** The embedded database's applied migrations, which the server must also have, and no others. */
async function sourceMigrations(source: PGlite, pool: pg.Pool): Promise<MigrationFile[]> {
  const applied = await ledger(selectOn(source));
  const files = new Map(readMigrationFiles().map((file) => [file.name, file]));
  const wanted = applied.map(({ name, checksum }) => {
    const file = files.get(name);
    if (!file || file.checksum !== checksum) {
      throw new BackupError(
        `The embedded database has migration ${name}, which this version of Claimant does not have as applied. ` +
          "Move it with the version of Claimant that last ran on it.",
      );
    }
    return file;
  });
  const onServer = await ledger(async (sql) => (await pool.query(sql)).rows).catch(() => []);
  const extra = onServer.filter((row) => !wanted.some((file) => file.name === row.name));
  if (extra.length > 0) {
    throw new BackupError(
      `The server database has migrations the embedded one lacks (${extra.map((row) => row.name).join(", ")}). ` +
        "Bring the embedded database up to date first: npm run db:migrate without DATABASE_URL, then move again.",
    );
  }
  return wanted;
}

async function ledger(select: SelectRows): Promise<{ name: string; checksum: string }[]> {
  return select(
    `SELECT migration_name AS name, checksum FROM "_prisma_migrations"
     WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
}

async function sameTablesOnBoth(source: PGlite, pool: pg.Pool): Promise<TableInfo[]> {
  const tables = await listTables(selectOn(source));
  const onServer = new Map(
    (await listTables(async (sql) => (await pool.query(sql)).rows)).map((table) => [table.name, table]),
  );
  for (const table of tables) {
    if (onServer.get(table.name)?.columns.join() !== table.columns.join()) {
      throw new BackupError(
        `Table ${table.name} differs between the embedded database and the server after migrating.`,
      );
    }
  }
  return tables;
}

/** One transaction on each side: the server ends up with everything, verified, or with nothing. */
async function copyAndVerify(
  source: PGlite,
  pool: pg.Pool,
  tables: TableInfo[],
  progress: (line: string) => void,
): Promise<Omit<MoveResult, "newerMigrations">> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const copied = await source.transaction(async (tx) => {
      await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      const counts: { name: string; rows: number }[] = [];
      for (const table of tables) {
        counts.push({ name: table.name, rows: await copyTable(tx, client, table) });
        progress(`  ${table.name}: ${rowCount(counts.at(-1)!.rows)}`);
      }
      const sequences = await readSequences(selectOn(tx));
      await restoreSequences(async (sql, params) => (await client.query(sql, params)).rows, sequences);
      return { counts, sequences: sequences.length };
    });
    await source.transaction((tx) => verifyRowForRow(tx, client, tables));
    await client.query("COMMIT");
    const rows = copied.counts.reduce((sum, table) => sum + table.rows, 0);
    return { tables: copied.counts, rows, sequences: copied.sequences };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function copyTable(
  tx: Parameters<typeof copyTableOut>[0],
  client: pg.PoolClient,
  table: TableInfo,
): Promise<number> {
  const columns = table.columns.map(quoteName).join(", ");
  const stream = client.query(copyFrom(`COPY ${quoteName(table.name)} (${columns}) FROM STDIN`));
  const done = finished(stream);
  let rows = 0;
  try {
    for await (const chunk of copyTableOut(tx, table)) {
      for (const byte of chunk) if (byte === 0x0a) rows += 1;
      if (!stream.write(chunk)) await new Promise((resolve) => stream.once("drain", resolve));
    }
    stream.end();
    await done;
  } catch (error) {
    stream.destroy();
    await done.catch(() => undefined);
    throw error;
  }
  return rows;
}

/**
 * Compares every row of every table on both sides (md5 of the row's text, in key order, a page at
 * a time) and throws at the first difference. Runs inside a transaction on each side.
 */
export async function verifyRowForRow(
  tx: Parameters<typeof copyTableOut>[0],
  client: pg.ClientBase,
  tables: TableInfo[],
): Promise<void> {
  for (const setting of COMPARABLE_OUTPUT) {
    await tx.query(setting);
    await client.query(setting);
  }
  for (const table of tables) await compareRows(tx, client, table);
}

async function compareRows(
  tx: Parameters<typeof copyTableOut>[0],
  client: pg.ClientBase,
  table: TableInfo,
): Promise<void> {
  let after: string | null = null;
  for (;;) {
    const query = rowDigestsQuery(table, after, VERIFY_PAGE_ROWS);
    const embedded = (await tx.query<RowDigest>(query)).rows;
    const server = (await client.query<RowDigest>(query)).rows;
    const length = Math.max(embedded.length, server.length);
    for (let i = 0; i < length; i++) {
      const mine = embedded[i];
      const theirs = server[i];
      if (mine?.key === theirs?.key && mine?.digest === theirs?.digest) continue;
      const where =
        mine && theirs && mine.key === theirs.key ? `row ${mine.key} differs` : describeGap(mine, theirs);
      throw new BackupError(
        `Verification failed in table ${table.name}: ${where}. Nothing was committed on the server; ` +
          "please report this with the table and row.",
      );
    }
    if (embedded.length < VERIFY_PAGE_ROWS) return;
    after = embedded.at(-1)!.key;
  }
}

export function rowCount(rows: number): string {
  return `${rows} ${rows === 1 ? "row" : "rows"}`;
}

function describeGap(embedded: RowDigest | undefined, server: RowDigest | undefined): string {
  if (!server) return `row ${embedded!.key} is missing on the server`;
  if (!embedded) return `row ${server.key} is on the server but not in the embedded database`;
  return `the embedded database has row ${embedded.key} where the server has row ${server.key}`;
}
