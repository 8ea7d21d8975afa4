import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { to as copyTo } from "pg-copy-streams";
import type { ClaimFilters } from "../claims/claims.filters.js";
import type { Database } from "../db/database.js";
import type { CurrentUser } from "../http/current-user.js";
import {
  articlesExportQuery,
  claimColumns,
  claimsExportQuery,
  inlineParameters,
  type ExportRow,
  type KeysetPage,
} from "./export-query.js";
import {
  CrlfRecords,
  csvStringifier,
  toWebAnnotation,
  webAnnotationCollectionHead,
  webAnnotationCollectionTail,
} from "./formats.js";
import { streamRows } from "./row-stream.js";

export const claimFormats = ["csv", "jsonl", "jsonld"] as const;
export type ClaimFormat = (typeof claimFormats)[number];

export interface ExportOptions {
  /** Adds a UTF-8 byte order mark so Excel reads the CSV as UTF-8. */
  excel?: boolean;
  /** Absolute base URL of the app, for annotation ids and sources. */
  baseUrl: string;
}

const BOM = "\uFEFF";

/**
 * Streams the claims the filters select to `out`. The first bytes leave at once and memory stays
 * flat: rows are never all in memory. If `out` closes early the query is stopped.
 */
export async function exportClaims(
  db: Database,
  viewer: CurrentUser,
  filters: ClaimFilters,
  format: ClaimFormat,
  out: Writable,
  options: ExportOptions,
): Promise<void> {
  if (format === "csv") return exportCsv(db, viewer, filters, out, options);
  const query = (page?: KeysetPage) => claimsExportQuery(filters, viewer, { neutralise: false }, page);
  const rows = streamRows<ExportRow>(db, query, "claim_id");
  if (format === "jsonl") return pipeline(Readable.from(jsonLines(rows)), out);
  return pipeline(Readable.from(webAnnotations(rows, options.baseUrl)), out);
}

async function exportCsv(
  db: Database,
  viewer: CurrentUser,
  filters: ClaimFilters,
  out: Writable,
  options: ExportOptions,
) {
  if (options.excel) out.write(BOM);
  const query = (page?: KeysetPage) => claimsExportQuery(filters, viewer, { neutralise: true }, page);
  if (!db.pool) {
    const rows = streamRows<ExportRow>(db, query, "claim_id");
    return pipeline(Readable.from(rows), csvStringifier(claimColumns), out);
  }
  // On a Postgres server, COPY writes the CSV itself: one statement, one snapshot, full speed.
  const client = await db.pool.connect();
  let completed = false;
  try {
    const copy = client.query(
      copyTo(`COPY (${inlineParameters(query())}) TO STDOUT WITH (FORMAT csv, HEADER true)`),
    );
    await pipeline(copy, new CrlfRecords(), out);
    completed = true;
  } finally {
    // A COPY cut short leaves the connection mid-protocol: discard it instead of reusing it.
    client.release(completed ? undefined : new Error("export stopped"));
  }
}

async function* jsonLines(rows: AsyncIterable<ExportRow>): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(row)}\n`;
}

async function* webAnnotations(rows: AsyncIterable<ExportRow>, baseUrl: string): AsyncGenerator<string> {
  yield webAnnotationCollectionHead(baseUrl, new Date());
  let first = true;
  for await (const row of rows) {
    yield `${first ? "" : ",\n"}${JSON.stringify(toWebAnnotation(row, baseUrl))}`;
    first = false;
  }
  yield webAnnotationCollectionTail;
}

/** Articles with full bodies and metadata, one JSON object a line. */
export async function exportArticles(
  db: Database,
  viewer: CurrentUser,
  filters: ClaimFilters,
  out: Writable,
) {
  const query = (page?: KeysetPage) => articlesExportQuery(filters, viewer, page);
  const rows = streamRows<Record<string, unknown>>(db, query, "article_id");
  return pipeline(Readable.from(jsonLines(rows as AsyncIterable<ExportRow>)), out);
}
