import { z } from "zod";
import type { DbClient } from "../db/types.js";
import { InvalidError } from "../errors.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";
import { claimsWhere, needsArticles, type ClaimFilters } from "./claims.filters.js";

export const sorts = ["newest", "oldest", "published_desc", "published_asc"] as const;
export type Sort = (typeof sorts)[number];

export const pageInput = z.object({
  sort: z.preprocess((v) => (v === "" ? undefined : v), z.enum(sorts).default("newest")),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export interface ClaimListRow {
  id: number;
  articleId: number;
  projectId: number;
  start: number;
  end: number;
  quote: string;
  type: string;
  createdAt: Date;
  articleTitle: string;
  publishedAt: Date | null;
  speakerId: number | null;
  speakerName: string | null;
  stance: string | null;
  stanceLabel: string | null;
  target: string | null;
  annotatorId: number;
  annotatorName: string;
  sortKey: Date | null;
}

/** Sort keys: each pairs a column with the claim id as tie-breaker, so keyset paging is exact. */
const orderings: Record<Sort, { key: Prisma.Sql; direction: "ASC" | "DESC" }> = {
  newest: { key: Prisma.sql`NULL::timestamp`, direction: "DESC" },
  oldest: { key: Prisma.sql`NULL::timestamp`, direction: "ASC" },
  published_desc: { key: Prisma.sql`COALESCE(a.published_at, '-infinity'::timestamp)`, direction: "DESC" },
  published_asc: { key: Prisma.sql`COALESCE(a.published_at, '-infinity'::timestamp)`, direction: "ASC" },
};

interface Cursor {
  key: string | null;
  id: number;
}

function encodeCursor(row: ClaimListRow): string {
  const cursor: Cursor = { key: row.sortKey ? row.sortKey.toISOString() : null, id: row.id };
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(text: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Cursor;
    if (typeof cursor.id !== "number") throw new Error("no id");
    return cursor;
  } catch {
    throw new InvalidError("The page link is broken (bad cursor). Go back to the first page.", "cursor");
  }
}

function keysetCondition(sort: Sort, cursor: Cursor | undefined): Prisma.Sql {
  if (!cursor) return Prisma.sql`TRUE`;
  const { direction } = orderings[sort];
  const comparison = direction === "DESC" ? Prisma.sql`<` : Prisma.sql`>`;
  if (sort === "newest" || sort === "oldest") return Prisma.sql`c.id ${comparison} ${cursor.id}`;
  const key = cursor.key
    ? Prisma.sql`${cursor.key.replace("Z", "")}::timestamp`
    : Prisma.sql`'-infinity'::timestamp`;
  return Prisma.sql`(${orderings[sort].key}, c.id) ${comparison} (${key}, ${cursor.id})`;
}

/** One page of matching claims, newest first by default, with the cursor of the next page. */
export async function searchClaims(
  db: DbClient,
  viewer: CurrentUser,
  filters: ClaimFilters,
  page: z.output<typeof pageInput>,
): Promise<{ rows: ClaimListRow[]; nextCursor?: string }> {
  const { key, direction } = orderings[page.sort];
  const order = direction === "DESC" ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const rows = await db.$queryRaw<ClaimListRow[]>`
    SELECT c.id, c.article_id AS "articleId", a.project_id AS "projectId", c.start, c."end", c.quote,
           c.type::text AS type, c.created_at AS "createdAt", a.title AS "articleTitle",
           a.published_at AS "publishedAt", c.speaker_id AS "speakerId", s.name AS "speakerName",
           st.key AS stance, st.label AS "stanceLabel", t.name AS target,
           c.annotator_id AS "annotatorId", u.name AS "annotatorName", ${key} AS "sortKey"
    FROM claims c
    JOIN articles a ON a.id = c.article_id
    JOIN users u ON u.id = c.annotator_id
    LEFT JOIN speakers s ON s.id = c.speaker_id
    LEFT JOIN stance_labels st ON st.id = c.stance_id
    LEFT JOIN targets t ON t.id = c.target_id
    WHERE ${claimsWhere(filters, viewer)} AND ${keysetCondition(page.sort, page.cursor ? decodeCursor(page.cursor) : undefined)}
    ORDER BY ${key} ${order}, c.id ${order}
    LIMIT ${page.limit + 1}`;
  const hasMore = rows.length > page.limit;
  const pageRows = hasMore ? rows.slice(0, page.limit) : rows;
  return { rows: pageRows, nextCursor: hasMore ? encodeCursor(pageRows[pageRows.length - 1]!) : undefined };
}

export async function countClaims(db: DbClient, viewer: CurrentUser, filters: ClaimFilters): Promise<number> {
  // Without the join the count is an index-only scan of the claims' filter index.
  const articles = needsArticles(filters) ? Prisma.sql`JOIN articles a ON a.id = c.article_id` : Prisma.empty;
  const [row] = await db.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM claims c ${articles}
    WHERE ${claimsWhere(filters, viewer)}`;
  return row?.count ?? 0;
}
