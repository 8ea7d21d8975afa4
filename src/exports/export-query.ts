import pg from "pg";
import { claimsWhere, needsArticles, type ClaimFilters } from "../claims/claims.filters.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";
import { field, jsonArrayOf, jsonObject, type JsonField } from "./json-sql.js";

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
const claimFields: JsonField[] = [
  field("claim_id", raw("c.id"), "number"),
  field("project", raw("p.name"), "text"),
  field("article_id", raw("a.id"), "number"),
  field("article_title", raw("a.title"), "text"),
  field("article_outlet", raw("a.outlet"), "text"),
  field("article_url", raw("a.url"), "text"),
  field("article_published_at", iso("a.published_at"), "text"),
  field("annotator", raw("u.email"), "text"),
  field("type", raw("c.type::text"), "text"),
  field("quote", raw("c.quote"), "text"),
  field("start", raw("c.start"), "number"),
  field("end", raw('c."end"'), "number"),
  field("prefix", raw("c.prefix"), "text"),
  field("suffix", raw("c.suffix"), "text"),
  field("speaker_id", raw("s.id"), "number"),
  field("speaker_name", raw("s.name"), "text"),
  field("speaker_role", raw("s.role"), "text"),
  field("speaker_affiliation", raw("s.affiliation"), "text"),
  field("speaker_mention", span("c.mention_start", "c.mention_end"), "text"),
  field("cue", span("c.cue_start", "c.cue_end"), "text"),
  field("stance", raw("st.key"), "text"),
  field("target", raw("tg.name"), "text"),
  field("note", raw("c.note"), "text"),
  field("created_at", iso("c.created_at"), "text"),
  field("updated_at", iso("c.updated_at"), "text"),
  field("version", raw("c.version"), "number"),
];

/** A constant as JSON text. */
const constant = (value: string) => raw(`'${JSON.stringify(value).replace(/'/g, "''")}'`);

/** One textual body of an annotation, with its purpose. */
function textualBody(purpose: string, value: Prisma.Sql, extra: JsonField[] = []): Prisma.Sql {
  return jsonObject([
    field("type", constant("TextualBody"), "json"),
    field("purpose", constant(purpose), "json"),
    field("value", value, "text"),
    ...extra,
  ]);
}

/**
 * A claim as a W3C Web Annotation (formats.ts, toWebAnnotation, says the same in JavaScript and
 * is the reference the tests compare with): the target holds a TextQuoteSelector and a
 * TextPositionSelector on the article; the body carries type, speaker, stance, target and note.
 */
function webAnnotationSql(baseUrl: string): Prisma.Sql {
  const base = Prisma.sql`${baseUrl}::text`;
  const speaker = Prisma.sql`CASE WHEN s.name IS NOT NULL THEN CASE WHEN s.role <> ''
      THEN ${textualBody("identifying", raw("s.name"), [field("role", raw("s.role"), "text")])}
      ELSE ${textualBody("identifying", raw("s.name"))} END END`;
  return jsonObject([
    field("id", Prisma.sql`${base} || '/api/v1/claims/' || c.id`, "text"),
    field("type", constant("Annotation"), "json"),
    field("motivation", constant("classifying"), "json"),
    field("created", iso("c.created_at"), "text"),
    field("modified", iso("c.updated_at"), "text"),
    field(
      "creator",
      jsonObject([field("type", constant("Person"), "json"), field("nickname", raw("u.email"), "text")]),
      "json",
    ),
    field(
      "body",
      jsonArrayOf([
        textualBody("classifying", raw("c.type::text"), [field("format", constant("text/plain"), "json")]),
        speaker,
        Prisma.sql`CASE WHEN st.key IS NOT NULL THEN ${textualBody("assessing", raw("st.key"))} END`,
        Prisma.sql`CASE WHEN tg.name IS NOT NULL THEN ${textualBody("tagging", raw("tg.name"))} END`,
        Prisma.sql`CASE WHEN c.note <> '' THEN ${textualBody("commenting", raw("c.note"))} END`,
      ]),
      "json",
    ),
    field(
      "target",
      jsonObject([
        field("source", Prisma.sql`coalesce(a.url, ${base} || '/articles/' || a.id)`, "text"),
        field(
          "selector",
          jsonArrayOf([
            jsonObject([
              field("type", constant("TextQuoteSelector"), "json"),
              field("exact", raw("c.quote"), "text"),
              field("prefix", raw("c.prefix"), "text"),
              field("suffix", raw("c.suffix"), "text"),
            ]),
            jsonObject([
              field("type", constant("TextPositionSelector"), "json"),
              field("start", raw("c.start"), "number"),
              field("end", raw('c."end"'), "number"),
            ]),
          ]),
          "json",
        ),
      ]),
      "json",
    ),
  ]);
}

/**
 * What an export row holds: the columns (CSV), or one line of JSON made by Postgres (JSON
 * Lines: the columns as an object; Web Annotation: an annotation). Read in batches (PGlite), a
 * JSON row also carries its claim's id for the next batch.
 */
export type ClaimsShape = { as: "columns" } | { as: "jsonl" } | { as: "annotation"; baseUrl: string };

function selection(shape: ClaimsShape, page: KeysetPage | undefined): Prisma.Sql {
  if (shape.as === "columns") {
    return Prisma.join(
      claimFields.map((entry) => Prisma.sql`${entry.value} AS ${raw(`"${entry.key}"`)}`),
      ", ",
    );
  }
  const line = shape.as === "jsonl" ? jsonObject(claimFields) : webAnnotationSql(shape.baseUrl);
  return page ? Prisma.sql`c.id AS claim_id, ${line} AS line` : Prisma.sql`${line} AS line`;
}

/**
 * One SELECT for every export format, so CSV, JSON Lines and Web Annotation hold the same rows.
 * Ordered by claim id: stable, and cheap on the primary key.
 */
export function claimsExportQuery(
  filters: ClaimFilters,
  viewer: CurrentUser,
  page?: KeysetPage,
  shape: ClaimsShape = { as: "columns" },
): Prisma.Sql {
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
    SELECT ${selection(shape, page)}
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
