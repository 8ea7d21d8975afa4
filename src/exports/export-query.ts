import pg from "pg";
import { claimsWhere, needsArticles, type ClaimFilters } from "../claims/claims.filters.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";

/** The export columns, in their documented order (docs/export.md). */
export const claimColumns = [
  "claim_id",
  "project",
  "article_id",
  "article_title",
  "article_outlet",
  "article_url",
  "article_published_at",
  "annotator",
  "type",
  "quote",
  "start",
  "end",
  "prefix",
  "suffix",
  "speaker_id",
  "speaker_name",
  "speaker_role",
  "speaker_affiliation",
  "speaker_mention",
  "cue",
  "stance",
  "target",
  "note",
  "created_at",
  "updated_at",
  "version",
] as const;
export type ClaimColumn = (typeof claimColumns)[number];
export type ExportRow = Record<ClaimColumn, string | number | null>;

const iso = (column: string) => Prisma.raw(`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** A span of the body as text; substr counts characters, which in UTF-8 Postgres are code points. */
function span(startColumn: string, endColumn: string): Prisma.Sql {
  return Prisma.raw(
    `CASE WHEN ${startColumn} IS NOT NULL THEN substr(a.body, ${startColumn} + 1, ${endColumn} - ${startColumn}) END`,
  );
}

const raw = Prisma.raw;

/** Every export column as SQL, in the documented order: one definition for CSV and JSON alike. */
const claimFields: { key: string; value: Prisma.Sql }[] = [
  { key: "claim_id", value: raw("c.id") },
  { key: "project", value: raw("p.name") },
  { key: "article_id", value: raw("a.id") },
  { key: "article_title", value: raw("a.title") },
  { key: "article_outlet", value: raw("a.outlet") },
  { key: "article_url", value: raw("a.url") },
  { key: "article_published_at", value: iso("a.published_at") },
  { key: "annotator", value: raw("u.email") },
  { key: "type", value: raw("c.type::text") },
  { key: "quote", value: raw("c.quote") },
  { key: "start", value: raw("c.start") },
  { key: "end", value: raw('c."end"') },
  { key: "prefix", value: raw("c.prefix") },
  { key: "suffix", value: raw("c.suffix") },
  { key: "speaker_id", value: raw("s.id") },
  { key: "speaker_name", value: raw("s.name") },
  { key: "speaker_role", value: raw("s.role") },
  { key: "speaker_affiliation", value: raw("s.affiliation") },
  { key: "speaker_mention", value: span("c.mention_start", "c.mention_end") },
  { key: "cue", value: span("c.cue_start", "c.cue_end") },
  { key: "stance", value: raw("st.key") },
  { key: "target", value: raw("tg.name") },
  { key: "note", value: raw("c.note") },
  { key: "created_at", value: iso("c.created_at") },
  { key: "updated_at", value: iso("c.updated_at") },
  { key: "version", value: raw("c.version") },
];

/**
 * What an export row holds: the columns (CSV), or one "values line" (JSON Lines and Web
 * Annotation, claim-lines.ts): the integer columns comma-separated, then a JSON array of the text
 * columns made by one to_json call. Read in batches (PGlite), a values row also carries its
 * claim's id for the next batch.
 */
export type ClaimsShape = "columns" | "values";

/** The integer columns at the head of a values line, in order. */
export const valueNumbers = ["claim_id", "article_id", "start", "end", "speaker_id", "version"] as const;
/** The text columns of a values line's JSON array, in order. */
export const valueTexts = [
  "project",
  "article_title",
  "article_outlet",
  "article_url",
  "article_published_at",
  "annotator",
  "type",
  "quote",
  "prefix",
  "suffix",
  "speaker_name",
  "speaker_role",
  "speaker_affiliation",
  "speaker_mention",
  "cue",
  "stance",
  "target",
  "note",
  "created_at",
  "updated_at",
] as const;

/** A column of the export's row `r` (the columns query). */
const column = (name: string) => `r."${name}"`;

const valuesLine = Prisma.raw(
  `concat_ws(',', ${valueNumbers
    .map((name) => (name === "speaker_id" ? `coalesce(${column(name)}::text, 'null')` : column(name)))
    .join(", ")}, to_json(ARRAY[${valueTexts.map(column).join(", ")}]))`,
);

/**
 * One SELECT for every export format, so CSV, JSON Lines and Web Annotation hold the same rows.
 * Ordered by claim id: stable, and cheap on the primary key. Values lines are made from the
 * columns' rows in an outer query, so that Postgres streams them in the inner query's order.
 */
export function claimsExportQuery(
  filters: ClaimFilters,
  viewer: CurrentUser,
  page?: KeysetPage,
  shape: ClaimsShape = "columns",
): Prisma.Sql {
  const columns = claimsColumnsQuery(filters, viewer, page);
  if (shape === "columns") return columns;
  return Prisma.sql`SELECT ${page ? Prisma.sql`r.claim_id, ` : Prisma.empty}${valuesLine} AS line FROM (${columns}) r`;
}

function claimsColumnsQuery(filters: ClaimFilters, viewer: CurrentUser, page?: KeysetPage): Prisma.Sql {
  const where = claimsWhere(filters, viewer);
  // A batch picks its claims by id first and joins the rest to those alone. Without statistics
  // (PGlite runs no autovacuum, so no ANALYZE) the planner otherwise joins every remaining claim
  // and sorts them for each batch, which makes an export quadratic.
  const claims = page
    ? Prisma.sql`(SELECT c.* FROM claims c
        ${needsArticles(filters) ? Prisma.sql`JOIN articles a ON a.id = c.article_id` : Prisma.empty}
        WHERE ${where} ${after(Prisma.raw("c.id"), page)} ORDER BY c.id ${limit(page)}) c`
    : Prisma.sql`claims c`;
  const selection = Prisma.join(
    claimFields.map((entry) => Prisma.sql`${entry.value} AS ${raw(`"${entry.key}"`)}`),
    ", ",
  );
  return Prisma.sql`
    SELECT ${selection}
    FROM ${claims}
    JOIN articles a ON a.id = c.article_id
    JOIN projects p ON p.id = a.project_id
    JOIN users u ON u.id = c.annotator_id
    LEFT JOIN speakers s ON s.id = c.speaker_id
    LEFT JOIN stance_labels st ON st.id = c.stance_id
    LEFT JOIN targets tg ON tg.id = c.target_id
    ${page ? Prisma.empty : Prisma.sql`WHERE ${where}`}
    ORDER BY c.id`;
}

/** A batch of an export read in keyset order: rows after `after` (by id), at most `limit`. */
export interface KeysetPage {
  after: number | null;
  limit: number;
}

function after(column: Prisma.Sql, page: KeysetPage | undefined): Prisma.Sql {
  return page?.after != null ? Prisma.sql`AND ${column} > ${page.after}` : Prisma.empty;
}

function limit(page: KeysetPage | undefined): Prisma.Sql {
  return page ? Prisma.sql`LIMIT ${page.limit}` : Prisma.empty;
}

/**
 * Articles with full bodies, selected by the article-level filters (project, article, from, to),
 * so that anyone can check body[start:end] == quote for the exported claims.
 */
export function articlesExportQuery(
  filters: ClaimFilters,
  viewer: CurrentUser,
  page?: KeysetPage,
): Prisma.Sql {
  // Articles in the trash are in no export.
  const conditions: Prisma.Sql[] = [Prisma.sql`a.deleted_at IS NULL`];
  if (viewer.role === "annotator") {
    conditions.push(
      Prisma.sql`a.project_id IN (SELECT project_id FROM project_members WHERE user_id = ${viewer.id})`,
    );
  }
  if (filters.project) conditions.push(Prisma.sql`a.project_id = ${filters.project}`);
  if (filters.article) conditions.push(Prisma.sql`a.id = ${filters.article}`);
  if (filters.from) conditions.push(Prisma.sql`a.published_at >= ${filters.from}::timestamp`);
  if (filters.to) conditions.push(Prisma.sql`a.published_at < ${filters.to}::timestamp + interval '1 day'`);
  return Prisma.sql`
    SELECT a.id AS article_id, p.name AS project, a.title, a.outlet, a.byline, a.url,
           ${iso("a.published_at")} AS published_at, a.language, a.body
    FROM articles a JOIN projects p ON p.id = a.project_id
    WHERE ${Prisma.join(conditions, " AND ")} ${after(Prisma.raw("a.id"), page)}
    ORDER BY a.id ${limit(page)}`;
}

/**
 * COPY takes no bind parameters, so the values are written in as escaped literals. They come
 * from validated filters only (numbers, dates, short strings); pg's escapeLiteral quotes them.
 */
export function inlineParameters(query: Prisma.Sql): string {
  const values = query.values;
  return query.text.replace(/\$(\d+)/g, (_match, index: string) => {
    const value = values[Number(index) - 1];
    if (value === null || value === undefined) return "NULL";
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return pg.Client.prototype.escapeLiteral(String(value));
  });
}
