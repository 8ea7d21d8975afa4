import { Prisma } from "../generated/prisma/client.js";

/**
 * JSON written by Postgres, in the exact bytes JSON.stringify writes (compact, keys in the order
 * given; strings escaped by to_json, which escapes as JavaScript does), so that an export's JSON
 * is made where its rows are read and streamed as Postgres writes it, in constant memory.
 */
export type JsonKind = "number" | "text" | "json";

export interface JsonField {
  key: string;
  value: Prisma.Sql;
  /** number: an integer column; text: any text; json: JSON text made by jsonObject or jsonArray. */
  kind: JsonKind;
}

export const field = (key: string, value: Prisma.Sql, kind: JsonKind): JsonField => ({ key, value, kind });

function jsonValue({ value, kind }: Pick<JsonField, "value" | "kind">): Prisma.Sql {
  if (kind === "number") return Prisma.sql`coalesce((${value})::text, 'null')`;
  if (kind === "text") return Prisma.sql`coalesce(to_json((${value})::text)::text, 'null')`;
  return Prisma.sql`coalesce(${value}, 'null')`;
}

/** A JSON object as SQL text: {"key":value,...}; a NULL value is written as null. */
export function jsonObject(fields: JsonField[]): Prisma.Sql {
  const parts = fields.map((entry, i) => {
    const opening = `${i === 0 ? "{" : ","}${JSON.stringify(entry.key)}:`;
    return Prisma.sql`${Prisma.raw(sqlLiteral(opening))} || ${jsonValue(entry)}`;
  });
  return Prisma.sql`(${Prisma.join(parts, " || ")} || '}')`;
}

/** A JSON array of the JSON texts given; NULL items (absent ones) are left out. */
export function jsonArrayOf(items: Prisma.Sql[]): Prisma.Sql {
  return Prisma.sql`('[' || concat_ws(',', ${Prisma.join(items, ", ")}) || ']')`;
}

function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
