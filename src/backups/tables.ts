import type { PGlite, Transaction } from "@electric-sql/pglite";

/**
 * The application's tables as the database itself describes them (so a new table or column needs
 * no change here), read in primary-key order and in chunks. Shared by backups, restore and the move.
 */

export interface TableInfo {
  name: string;
  columns: string[];
  /** Primary-key columns, in key order. */
  key: string[];
  /** Per key column: text sorts byte-wise ("C") so both sides of a comparison agree on the order. */
  textKey: boolean[];
}

export interface SequenceValue {
  name: string;
  lastValue: string;
  isCalled: boolean;
}

/** Runs one SELECT: the same catalog queries serve PGlite and a pg client. */
export type SelectRows = <Row>(sql: string, params?: unknown[]) => Promise<Row[]>;

export type PgliteQueryable = Pick<PGlite | Transaction, "query">;

export function selectOn(q: PgliteQueryable): SelectRows {
  return async <Row>(sql: string, params?: unknown[]) => (await q.query<Row>(sql, params)).rows;
}

/** Prisma's ledger is rebuilt by applying migrations; it is not data. */
const LEDGER = "_prisma_migrations";

export function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Every table of the public schema, parents before children (the order to load them in). */
export async function listTables(select: SelectRows): Promise<TableInfo[]> {
  const columns = await select<{ table: string; column: string }>(`
    SELECT c.relname AS table, a.attname AS column
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '${LEDGER}'
      AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
    ORDER BY c.relname, a.attnum`);
  const keys = await select<{ table: string; column: string; category: string }>(`
    SELECT c.relname AS table, a.attname AS column, t.typcategory::text AS category
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position) ON true
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    JOIN pg_type t ON t.oid = a.atttypid
    WHERE n.nspname = 'public' AND i.indisprimary
    ORDER BY c.relname, k.position`);
  const references = await select<{ child: string; parent: string }>(`
    SELECT c.relname AS child, p.relname AS parent
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_class p ON p.oid = k.confrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE k.contype = 'f' AND n.nspname = 'public'`);

  const tables = new Map<string, TableInfo>();
  for (const { table, column } of columns) {
    const info = tables.get(table) ?? { name: table, columns: [], key: [], textKey: [] };
    info.columns.push(column);
    tables.set(table, info);
  }
  for (const { table, column, category } of keys) {
    tables.get(table)?.key.push(column);
    tables.get(table)?.textKey.push(category === "S");
  }
  for (const table of tables.values()) {
    if (table.key.length === 0)
      throw new Error(`Table ${table.name} has no primary key; it cannot be copied in order.`);
  }
  return parentsFirst([...tables.values()], references);
}

function parentsFirst(tables: TableInfo[], references: { child: string; parent: string }[]): TableInfo[] {
  const parents = new Map(tables.map((table) => [table.name, new Set<string>()]));
  for (const { child, parent } of references) {
    if (child !== parent && parents.has(parent)) parents.get(child)?.add(parent);
  }
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter(
      (t) => !placed.has(t.name) && [...parents.get(t.name)!].every((p) => placed.has(p)),
    );
    if (ready.length === 0)
      throw new Error("The tables' foreign keys form a cycle; they cannot be loaded in order.");
    for (const table of ready) {
      ordered.push(table);
      placed.add(table.name);
    }
  }
  return ordered;
}

export async function countRows(select: SelectRows, table: TableInfo): Promise<number> {
  const [row] = await select<{ count: string }>(
    `SELECT count(*)::text AS count FROM ${quoteName(table.name)}`,
  );
  return Number(row!.count);
}

export async function readSequences(select: SelectRows): Promise<SequenceValue[]> {
  const names = await select<{ name: string }>(`
    SELECT format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'S' AND n.nspname = 'public'
    ORDER BY c.relname`);
  const values: SequenceValue[] = [];
  for (const { name } of names) {
    const [row] = await select<{ lastValue: string; isCalled: boolean }>(
      `SELECT last_value::text AS "lastValue", is_called AS "isCalled" FROM ${name}`,
    );
    values.push({ name, ...row! });
  }
  return values;
}

/** Each sequence of the public schema with the column it numbers (serial ids), where it has one. */
export async function sequenceOwners(
  select: SelectRows,
): Promise<{ name: string; table: string; column: string }[]> {
  return select<{ name: string; table: string; column: string }>(`
    SELECT format('%I.%I', sn.nspname, s.relname) AS name, t.relname AS table, a.attname AS column
    FROM pg_class s
    JOIN pg_namespace sn ON sn.oid = s.relnamespace
    JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
      AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
    WHERE s.relkind = 'S' AND sn.nspname = 'public'
    ORDER BY s.relname`);
}

/** Sets every sequence exactly as it was, so ids of deleted rows are never handed out again. */
export async function restoreSequences(select: SelectRows, values: SequenceValue[]): Promise<void> {
  for (const value of values) {
    await select("SELECT setval($1::regclass, $2::bigint, $3::boolean)", [
      value.name,
      value.lastValue,
      value.isCalled,
    ]);
  }
}

function keyList(table: TableInfo): string {
  return table.key
    .map((column, i) => `${quoteName(column)}${table.textKey[i] ? ' COLLATE "C"' : ""}`)
    .join(", ");
}

/** The key of a row as a SQL literal, quoted by the database: "('42')", "('7', '3')". */
function keyLiteral(table: TableInfo): string {
  return `format('(${table.key.map(() => "%L").join(", ")})', ${table.key.map(quoteName).join(", ")})`;
}

function after(table: TableInfo, literal: string | null): string {
  return literal === null ? "true" : `(${keyList(table)}) > ${literal}`;
}

const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * The table as COPY text, in key order, in chunks of about CHUNK_BYTES: keyset pages, so memory
 * stays bounded however large the table. Run it inside one transaction for a consistent snapshot.
 */
export async function* copyTableOut(q: PgliteQueryable, table: TableInfo): AsyncGenerator<Uint8Array> {
  const columns = table.columns.map(quoteName).join(", ");
  let lower: string | null = null;
  let rows = 1000;
  for (;;) {
    const [bound]: { bound: string }[] = (
      await q.query<{ bound: string }>(
        `SELECT ${keyLiteral(table)} AS bound FROM ${quoteName(table.name)} WHERE ${after(table, lower)}
         ORDER BY ${keyList(table)} OFFSET ${rows - 1} LIMIT 1`,
      )
    ).rows;
    const upper = bound ? ` AND (${keyList(table)}) <= ${bound.bound}` : "";
    const result = await q.query(
      `COPY (SELECT ${columns} FROM ${quoteName(table.name)} WHERE ${after(table, lower)}${upper}
             ORDER BY ${keyList(table)}) TO '/dev/blob'`,
    );
    const bytes = result.blob ? new Uint8Array(await result.blob.arrayBuffer()) : new Uint8Array();
    if (bytes.length > 0) yield bytes;
    if (!bound) return;
    lower = bound.bound;
    // Rows vary from a few bytes (sentences) to megabytes (article bodies): aim at the byte size.
    rows = Math.max(10, Math.min(100_000, Math.round((rows * CHUNK_BYTES) / Math.max(bytes.length, 1))));
  }
}

export interface RowDigest {
  key: string;
  digest: string;
}

/**
 * One page of (key, md5 of the row's text) in key order: the row-for-row comparison of two copies
 * of a table, in pages, never the whole table in memory.
 */
export function rowDigestsQuery(table: TableInfo, afterKey: string | null, limit: number): string {
  const row = table.columns.map(quoteName).join(", ");
  return `SELECT ${keyLiteral(table)} AS key, md5(ROW(${row})::text) AS digest FROM ${quoteName(table.name)}
          WHERE ${after(table, afterKey)} ORDER BY ${keyList(table)} LIMIT ${limit}`;
}
