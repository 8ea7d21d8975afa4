import type { DbClient } from "../db/types.js";
import type { CurrentUser } from "../http/current-user.js";
import { claimsWhere, type ClaimFilters } from "./claims.filters.js";

export interface SpeakerStanceCount {
  speaker: string;
  /** The stance's label (what the chart shows); its key (what picks its colour) beside it. */
  stance: string;
  stanceKey?: string | null;
  count: number;
}

/** Claims of one stance in one period (day, month or year) of the article date. */
export interface PeriodStanceCount {
  period: string;
  stance: string;
  stanceKey?: string | null;
  count: number;
}

export type Period = "day" | "month" | "year";

export interface StanceOverTime {
  period: Period;
  counts: PeriodStanceCount[];
}

/**
 * The period that fits the data's own range: days for a few weeks of articles, months for a few
 * years, years beyond that, so that the chart has tens of bars, not one or thousands.
 */
export function periodFor(first: Date, last: Date): Period {
  const days = (last.getTime() - first.getTime()) / 86_400_000;
  if (days <= 62) return "day";
  if (days <= 366 * 4) return "month";
  return "year";
}

const periodFormat: Record<Period, string> = { day: "YYYY-MM-DD", month: "YYYY-MM", year: "YYYY" };

const TOP_SPEAKERS = 15;

/** Claims per speaker split by stance, for the most quoted speakers of the filtered set. */
export async function claimsPerSpeaker(db: DbClient, viewer: CurrentUser, filters: ClaimFilters) {
  return db.$queryRaw<SpeakerStanceCount[]>`
    WITH matching AS (
      SELECT c.speaker_id, c.stance_id FROM claims c JOIN articles a ON a.id = c.article_id
      WHERE ${claimsWhere(filters, viewer)}
    ), top AS (
      SELECT speaker_id FROM matching GROUP BY speaker_id ORDER BY count(*) DESC, speaker_id LIMIT ${TOP_SPEAKERS}
    )
    SELECT COALESCE(s.name, '(no speaker)') AS speaker, COALESCE(st.label, '(no stance)') AS stance,
           st.key AS "stanceKey", count(*)::int AS count
    FROM matching m
    JOIN top ON top.speaker_id IS NOT DISTINCT FROM m.speaker_id
    LEFT JOIN speakers s ON s.id = m.speaker_id
    LEFT JOIN stance_labels st ON st.id = m.stance_id
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
}

/** Claims per period of the article date, split by stance, over the range the filtered claims span. */
export async function stanceOverTime(
  db: DbClient,
  viewer: CurrentUser,
  filters: ClaimFilters,
): Promise<StanceOverTime> {
  const [range] = await db.$queryRaw<{ first: Date | null; last: Date | null }[]>`
    SELECT min(a.published_at) AS first, max(a.published_at) AS last
    FROM claims c JOIN articles a ON a.id = c.article_id
    WHERE ${claimsWhere(filters, viewer)} AND a.published_at IS NOT NULL`;
  if (!range?.first || !range.last) return { period: "month", counts: [] };
  const period = periodFor(range.first, range.last);
  const counts = await db.$queryRaw<PeriodStanceCount[]>`
    SELECT to_char(date_trunc(${period}, a.published_at), ${periodFormat[period]}) AS period,
           COALESCE(st.label, '(no stance)') AS stance, st.key AS "stanceKey", count(*)::int AS count
    FROM claims c JOIN articles a ON a.id = c.article_id
    LEFT JOIN stance_labels st ON st.id = c.stance_id
    WHERE ${claimsWhere(filters, viewer)} AND a.published_at IS NOT NULL
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
  return { period, counts };
}
