import fs from "node:fs";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import type { SqlSession } from "../../src/db/database.js";

/**
 * Describes a database schema as comparable lines ("column users.email text NOT NULL", ...),
 * once from schema.prisma (through Prisma's own schema parser) and once from a live database.
 * Equal sets mean the migrations build exactly what schema.prisma declares.
 */

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum";
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  dbName?: string;
  fields: { name: string }[];
}

const scalarTypes: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Decimal: "numeric(65,30)",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

const nativeTypes: Record<string, (args: string[]) => string> = {
  Text: () => "text",
  VarChar: (args) => (args.length ? `character varying(${args[0]})` : "character varying"),
  Uuid: () => "uuid",
  SmallInt: () => "smallint",
  Timestamptz: (args) => `timestamp(${args[0] ?? 3}) with time zone`,
  Timestamp: (args) => `timestamp(${args[0] ?? 3}) without time zone`,
  Date: () => "date",
  JsonB: () => "jsonb",
  Integer: () => "integer",
  BigInt: () => "bigint",
  DoublePrecision: () => "double precision",
};

export function describePrismaSchema(schemaPath = "prisma/schema.prisma"): Set<string> {
  const schema = fs.readFileSync(schemaPath, "utf8");
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schema]] }))) as {
    datamodel: {
      models: DmmfModel[];
      enums: { name: string; values: { name: string }[] }[];
      indexes: DmmfIndex[];
    };
  };
  const { models, enums, indexes } = dmmf.datamodel;
  const tableOf = (name: string) => {
    const model = models.find((m) => m.name === name)!;
    return model.dbName ?? model.name;
  };
  const columnOf = (model: string, field: string) => {
    const f = models.find((m) => m.name === model)!.fields.find((x) => x.name === field)!;
    return f.dbName ?? f.name;
  };
  const lines = new Set<string>();
  for (const e of enums) lines.add(`enum ${e.name} (${e.values.map((v) => v.name).join(", ")})`);
  for (const model of models) {
    const table = model.dbName ?? model.name;
    lines.add(`table ${table}`);
    for (const field of model.fields) {
      if (field.kind === "object") {
        if (field.relationFromFields?.length) {
          const from = field.relationFromFields.map((f) => columnOf(model.name, f)).join(", ");
          const to = field.relationToFields!.map((f) => columnOf(field.type, f)).join(", ");
          const onDelete = (
            field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull")
          ).toUpperCase();
          lines.add(
            `fk ${table}(${from}) -> ${tableOf(field.type)}(${to}) on delete ${onDelete.replace("SETNULL", "SET NULL").replace("NOACTION", "NO ACTION")}`,
          );
        }
        continue;
      }
      const column = field.dbName ?? field.name;
      let type =
        field.kind === "enum"
          ? `enum ${field.type}`
          : field.nativeType
            ? nativeTypes[field.nativeType[0]]!(field.nativeType[1])
            : scalarTypes[field.type]!;
      if (field.isList) type += "[]";
      // Prisma's migrations create scalar-list columns without NOT NULL, whatever the schema says.
      const nullability = field.isRequired && !field.isList ? "NOT NULL" : "NULL";
      lines.add(`column ${table}.${column} ${type} ${nullability} default ${prismaDefault(field)}`);
    }
  }
  for (const index of indexes) {
    const table = tableOf(index.model);
    const columns = index.fields.map((f) => columnOf(index.model, f.name)).join(", ");
    const kind = index.type === "id" ? "primary key" : index.type === "unique" ? "unique index" : "index";
    lines.add(`${kind} ${table}(${columns})`);
  }
  return lines;
}

function prismaDefault(field: DmmfField): string {
  if (!field.hasDefaultValue || field.default === undefined) return "none";
  const value = field.default as { name?: string; args?: unknown[] } | string | number | boolean;
  if (typeof value === "object" && value !== null && "name" in value) {
    if (value.name === "autoincrement") return "sequence";
    if (value.name === "now") return "now";
    if (value.name === "dbgenerated") return `sql ${String(value.args?.[0])}`;
    // uuid() and cuid() are filled in by Prisma's client, not by the database.
    return "none";
  }
  if (Array.isArray(value)) return `array ${JSON.stringify(value)}`;
  return `value ${String(value)}`;
}

/**
 * Indexes that schema.prisma cannot declare (expression and partial indexes), made by hand in
 * migrations. Any other index must be in schema.prisma.
 */
export const handMadeIndexes = new Set([
  "claims_quote_fts_idx",
  "claims_live_id_idx",
  "speakers_search_idx",
  "claims_live_speaker_idx",
  "speakers_name_keys_idx",
  "claims_confirmed_words_idx",
]);

export async function describeDatabase(session: SqlSession): Promise<Set<string>> {
  const lines = new Set<string>();
  const enums = await session.query<{ name: string; labels: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' GROUP BY t.typname`);
  for (const e of enums) lines.add(`enum ${e.name} (${e.labels.join(", ")})`);

  const tables = await session.query<{ table_name: string }>(`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`);
  for (const t of tables) lines.add(`table ${t.table_name}`);

  const columns = await session.query<{
    table_name: string;
    column_name: string;
    type: string;
    not_null: boolean;
    default_sql: string | null;
    is_enum: boolean;
    enum_name: string;
  }>(`
    SELECT c.relname AS table_name, a.attname AS column_name,
           format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
           pg_get_expr(d.adbin, d.adrelid) AS default_sql,
           (ty.typtype = 'e') AS is_enum, ty.typname AS enum_name
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type ty ON ty.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      AND c.relname <> '_prisma_migrations'`);
  for (const c of columns) {
    const type = c.is_enum ? `enum ${c.enum_name.replace(/^"|"$/g, "")}` : c.type;
    lines.add(
      `column ${c.table_name}.${c.column_name} ${type} ${c.not_null ? "NOT NULL" : "NULL"} default ${databaseDefault(c.default_sql)}`,
    );
  }

  const indexes = await session.query<{
    index_name: string;
    table_name: string;
    columns: string[];
    is_unique: boolean;
    is_primary: boolean;
  }>(`
    SELECT i.relname AS index_name, t.relname AS table_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
           array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
    FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`);
  for (const i of indexes) {
    if (handMadeIndexes.has(i.index_name)) continue;
    const kind = i.is_primary ? "primary key" : i.is_unique ? "unique index" : "index";
    lines.add(`${kind} ${i.table_name}(${i.columns.join(", ")})`);
  }

  const foreignKeys = await session.query<{ table_name: string; definition: string }>(`
    SELECT c.conrelid::regclass::text AS table_name, pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE c.contype = 'f' AND n.nspname = 'public'`);
  for (const fk of foreignKeys) {
    const match =
      /FOREIGN KEY \((.+?)\) REFERENCES (\w+)\((.+?)\)(?: ON UPDATE \w+)?(?: ON DELETE (SET NULL|CASCADE|RESTRICT|NO ACTION|SET DEFAULT))?/.exec(
        fk.definition.replaceAll('"', ""),
      );
    if (!match) throw new Error(`unreadable foreign key ${fk.definition}`);
    lines.add(
      `fk ${fk.table_name.replaceAll('"', "")}(${match[1]}) -> ${match[2]}(${match[3]}) on delete ${match[4] ?? "NO ACTION"}`,
    );
  }
  return lines;
}

function databaseDefault(sql: string | null): string {
  if (sql === null) return "none";
  if (sql.startsWith("nextval(")) return "sequence";
  if (sql === "CURRENT_TIMESTAMP" || sql === "now()") return "now";
  if (/^ARRAY\[\]::\w+\[\]$/i.test(sql)) return "array []";
  const literal = /^'(.*)'::[\w" ]+$/.exec(sql);
  if (literal) return `value ${literal[1]}`;
  if (/^-?\d+(\.\d+)?$/.test(sql) || sql === "true" || sql === "false") return `value ${sql}`;
  return `sql ${sql}`;
}
