import { z } from "zod";
import type { DbClient } from "../db/types.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";
import { speakerMatches } from "../speakers/speaker-match.js";
import { dayFilter, idField, INT4_MAX } from "../http/fields.js";
import { claimTypes } from "./claims.schema.js";

/**
 * The filters of the researchers' desk, shared by /claims, GET /api/v1/claims, the exports and
 * the export command, so that an exported file holds exactly the rows the page showed.
 * Query parameter names are the public contract: project, article, speaker, stance, target,
 * type, annotator, from, to (article date), claimFrom, claimTo (claim date), q (full text), and
 * layer: the annotators' claims (the default) or the curated gold layer (layer=gold).
 */

const blankToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);
const id = (what: string) => z.preprocess(blankToUndefined, idField(what).optional());
/** The longest value each text filter takes, in characters. */
export const textLimits = { speaker: 200, stance: 80, target: 80, q: 500 } as const;
const text = (what: keyof typeof textLimits) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ message: `${what} must be text.` })
      .trim()
      .min(1, { message: `${what} has only spaces: leave it out, or give a value.` })
      .max(textLimits[what], { message: `${what} must be at most ${textLimits[what]} characters.` })
      .optional(),
  );
const day = dayFilter;

/** The layers of the researchers' desk, as its `layer` parameter names them. */
export const claimLayers = ["annotators", "gold"] as const;

/** The date filters that make a range: the start's name, then the end's. */
export const dateRanges = [
  ["from", "to"],
  ["claimFrom", "claimTo"],
] as const;

function backwardsRange(from: string, to: string, start: string, end: string): string {
  return (
    `${to} (${end}) is before ${from} (${start}), so no claim could match. ` +
    `Send a ${to} on or after ${from}, or leave one of them out.`
  );
}

export const claimFiltersInput = z
  .object({
    project: id("project"),
    article: id("article"),
    /**
     * A speaker id, or words matched against names and aliases by the speaker search's rule (each
     * word starts a word of a name or alias, ignoring case and accents): "muller" is every Müller.
     */
    speaker: text("speaker"),
    stance: text("stance"),
    target: text("target"),
    type: z.preprocess(
      blankToUndefined,
      z.enum(claimTypes, { message: "type must be one of direct, indirect, mixed, outlet." }).optional(),
    ),
    annotator: id("annotator"),
    from: day("from"),
    to: day("to"),
    claimFrom: day("claimFrom"),
    claimTo: day("claimTo"),
    q: text("q"),
    layer: z.preprocess(
      blankToUndefined,
      z
        .enum(claimLayers, { message: "layer must be annotators (the default) or gold (the curated layer)." })
        .optional(),
    ),
  })
  .superRefine((filters, context) => {
    // A range that ends before it starts would match nothing, silently: it is refused instead.
    for (const [from, to] of dateRanges) {
      const start = filters[from];
      const end = filters[to];
      if (start && end && end < start) {
        context.addIssue({ code: "custom", path: [to], message: backwardsRange(from, to, start, end) });
      }
    }
  });
export type ClaimFilters = z.output<typeof claimFiltersInput>;

export const filterNames = Object.keys(claimFiltersInput.shape) as (keyof ClaimFilters)[];

/** Midnight UTC of a day, as a naive timestamp: Prisma keeps DateTime columns as UTC without zone. */
function startOf(day: string): Prisma.Sql {
  return Prisma.sql`${day}::timestamp`;
}

/** Midnight after `day`, so that "to" includes the whole day. */
function endOf(day: string): Prisma.Sql {
  return Prisma.sql`(${day}::timestamp + interval '1 day')`;
}

/** What a filter stands for, looked up before the main query (resolveSpeakerFilter). */
export interface ResolvedFilters {
  /** The quoted speakers a speaker-name filter matches; undefined: match in SQL instead. */
  speakerIds?: number[];
}

/** Beyond this many matching speakers, the name is matched inside the main query. */
const SPEAKER_IDS_MAX = 1000;

/**
 * The speakers a speaker-name filter matches that have any live claim, looked up first (through
 * speakers_search_idx, then one index probe per speaker), so that the main query filters on known
 * ids: Postgres then plans a filter on one speaker as it plans `speaker=<id>`, walking that
 * speaker's claims newest first, instead of guessing how many claims the matching speakers have.
 * The result is the same as matching in SQL; it is only faster for the paged list and its count.
 */
export async function resolveSpeakerFilter(db: DbClient, filters: ClaimFilters): Promise<ResolvedFilters> {
  if (!filters.speaker || isSpeakerId(filters.speaker)) return {};
  const rows = await db.$queryRaw<{ id: number }[]>`
    SELECT s.id FROM speakers s
    WHERE ${speakerMatches(filters.speaker)}
      AND EXISTS (SELECT 1 FROM claims c WHERE c.speaker_id = s.id AND c.deleted_at IS NULL)
    ORDER BY s.id
    LIMIT ${SPEAKER_IDS_MAX + 1}`;
  return rows.length > SPEAKER_IDS_MAX ? {} : { speakerIds: rows.map((row) => row.id) };
}

function speakerCondition(speaker: string, ids: number[] | undefined): Prisma.Sql {
  if (isSpeakerId(speaker)) return Prisma.sql`c.speaker_id = ${Number(speaker)}`;
  if (ids === undefined) {
    return Prisma.sql`c.speaker_id IN (SELECT s.id FROM speakers s WHERE ${speakerMatches(speaker)})`;
  }
  if (ids.length === 0) return Prisma.sql`FALSE`;
  // One id as an equality, not = ANY: only then does Postgres walk that speaker's claims in order.
  if (ids.length === 1) return Prisma.sql`c.speaker_id = ${ids[0]}`;
  return Prisma.sql`c.speaker_id = ANY(${ids}::int[])`;
}

/**
 * SQL conditions over `claims c`, joined with `articles a` when needsArticles says so.
 * Annotators only ever see their own claims here, and the gold layer of curated articles (or of
 * every article of a project they curate); researchers and admins every annotator's and all gold.
 * `resolved` carries what resolveSpeakerFilter found, if it was asked.
 */
export function claimsWhere(
  filters: ClaimFilters,
  viewer: Pick<CurrentUser, "id" | "role">,
  resolved: ResolvedFilters = {},
): Prisma.Sql {
  const gold = filters.layer === "gold";
  const conditions: Prisma.Sql[] = [
    Prisma.sql`c.deleted_at IS NULL`,
    gold ? Prisma.sql`c.layer = 'gold'` : Prisma.sql`c.layer = 'annotator'`,
  ];
  if (viewer.role === "annotator") {
    // Only in projects they still belong to: a removed member sees none.
    conditions.push(
      Prisma.sql`c.project_id IN (SELECT project_id FROM project_members WHERE user_id = ${viewer.id})`,
    );
    conditions.push(gold ? goldVisibleTo(viewer.id) : Prisma.sql`c.annotator_id = ${viewer.id}`);
  }
  if (filters.project) conditions.push(Prisma.sql`c.project_id = ${filters.project}`);
  if (filters.article) conditions.push(Prisma.sql`c.article_id = ${filters.article}`);
  if (filters.speaker) conditions.push(speakerCondition(filters.speaker, resolved.speakerIds));
  if (filters.stance)
    conditions.push(Prisma.sql`c.stance_id IN (SELECT id FROM stance_labels WHERE key = ${filters.stance})`);
  if (filters.target) {
    conditions.push(
      Prisma.sql`c.target_id IN (SELECT id FROM targets WHERE lower(name) = lower(${filters.target}))`,
    );
  }
  if (filters.type) conditions.push(Prisma.sql`c.type = ${filters.type}::"ClaimType"`);
  if (filters.annotator) conditions.push(Prisma.sql`c.annotator_id = ${filters.annotator}`);
  if (filters.from) conditions.push(Prisma.sql`a.published_at >= ${startOf(filters.from)}`);
  if (filters.to) conditions.push(Prisma.sql`a.published_at < ${endOf(filters.to)}`);
  if (filters.claimFrom) conditions.push(Prisma.sql`c.created_at >= ${startOf(filters.claimFrom)}`);
  if (filters.claimTo) conditions.push(Prisma.sql`c.created_at < ${endOf(filters.claimTo)}`);
  if (filters.q) {
    // Matches the GIN index on to_tsvector('english', quote): stemmed words, web-search syntax.
    conditions.push(
      Prisma.sql`to_tsvector('english', c.quote) @@ websearch_to_tsquery('english', ${filters.q})`,
    );
  }
  return Prisma.join(conditions, " AND ");
}

/** Gold claims an annotator may read: of curated articles, or of any article in a project they curate. */
function goldVisibleTo(userId: number): Prisma.Sql {
  return Prisma.sql`(c.article_id IN (SELECT article_id FROM article_curations)
    OR c.project_id IN (SELECT project_id FROM project_members WHERE user_id = ${userId} AND is_curator))`;
}

/** A speaker filter of digits is an id when it can be one; otherwise it is matched as a name. */
export function isSpeakerId(value: string): boolean {
  return /^[0-9]{1,10}$/.test(value) && Number(value) <= INT4_MAX;
}

/** Only the article date filters need the articles table; the rest are columns of claims. */
export function needsArticles(filters: ClaimFilters): boolean {
  return Boolean(filters.from || filters.to);
}

/** The filters as a query string, for links, bookmarks and export URLs. */
export function filtersToQuery(
  filters: ClaimFilters,
  extra: Record<string, string | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const name of filterNames) {
    const value = filters[name];
    if (value !== undefined) params.set(name, String(value));
  }
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) params.set(name, value);
  return params.toString();
}
