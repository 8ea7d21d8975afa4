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
function span(startColumn: string, endColumn: string): string {
  return `CASE WHEN ${startColumn} IS NOT NULL THEN substr(a.body, ${startColumn} + 1, ${endColumn} - ${startColumn}) END`;
}

/**
 * One SELECT for every export format, so CSV, JSON Lines and Web Annotation hold the same rows.
 * Ordered by claim id: stable, and cheap on the primary key.
 */
export function claimsExportQuery(filters: ClaimFilters, viewer: CurrentUser, page?: KeysetPage): Prisma.Sql {
  const where = claimsWhere(filters, viewer);
  // A batch picks its claims by id first and joins the rest to those alone. Without statistics
  // (PGlite runs no autovacuum, so no ANALYZE) the planner otherwise joins every remaining claim
  // and sorts them for each batch, which makes an export quadratic.
  const claims = page
    ? Prisma.sql`(SELECT c.* FROM claims c
        ${needsArticles(filters) ? Prisma.sql`JOIN articles a ON a.id = c.article_id` : Prisma.empty}
        WHERE ${where} ${after(Prisma.raw("c.id"), page)} ORDER BY c.id ${limit(page)}) c`
    : Prisma.sql`claims c`;
  return Prisma.sql`
    SELECT c.id AS claim_id, p.name AS project, a.id AS article_id, a.title AS article_title,
           a.outlet AS article_outlet, a.url AS article_url,
           ${iso("a.published_at")} AS article_published_at, u.email AS annotator,
           c.type::text AS type, c.quote AS quote, c.start, c."end", c.prefix AS prefix,
           c.suffix AS suffix, s.id AS speaker_id, s.name AS speaker_name,
           s.role AS speaker_role, s.affiliation AS speaker_affiliation,
           ${Prisma.raw(span("c.mention_start", "c.mention_end"))} AS speaker_mention,
           ${Prisma.raw(span("c.cue_start", "c.cue_end"))} AS cue,
           st.key AS stance, tg.name AS target, c.note AS note,
           ${iso("c.created_at")} AS created_at, ${iso("c.updated_at")} AS updated_at, c.version
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
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
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
