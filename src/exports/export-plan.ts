import type { Prisma } from "../generated/prisma/client.js";
import type { ClaimLines } from "./claim-lines.js";
import type { KeysetPage } from "./export-query.js";

/** Rows per batch read: enough to amortise a round trip, small enough to keep memory flat. */
export const BATCH = 2000;

/**
 * What to export, apart from how the database mode reads it. The same plan goes to the Postgres
 * server (streamed on an export connection) and to PGlite (spooled to a file), so both modes
 * write the same bytes from the same SQL.
 */
export type ExportPlan = CsvPlan | LinesPlan | RowsPlan;

/** CSV written by Postgres's COPY. The query's first column is the integer keyset column. */
export interface CsvPlan {
  kind: "csv";
  query: (page?: KeysetPage) => Prisma.Sql;
  /** Written before the header: Excel's byte order mark, or nothing. */
  prefix: string;
}

/**
 * One JSON text per claim, made from the values lines Postgres writes (claim-lines.ts): streamed
 * as COPY writes them on a server, in keyset batches on PGlite. Without a page the query's only
 * column is `line`; with one, `claim_id` too.
 */
export interface LinesPlan {
  kind: "lines";
  query: (page?: KeysetPage) => Prisma.Sql;
  /** A converter for one export: JSON Lines, or the items of the array between head and tail. */
  lines: () => ClaimLines;
  head: string;
  tail: string;
}

/** Rows read in key order and encoded in JavaScript (articles, Citron). */
export interface RowsPlan {
  kind: "rows";
  query: (page?: KeysetPage) => Prisma.Sql;
  key: string;
  encode: (rows: AsyncIterable<Record<string, unknown>>) => AsyncIterable<string>;
}
