import type { DbClient } from "../db/types.js";
import type { CurrentUser } from "../http/current-user.js";
import { claimsWhere, type ClaimFilters } from "./claims.filters.js";

export interface SpeakerStanceCount {
  speaker: string;
  stance: string;
  count: number;
}

export interface MonthStanceCount {
  month: string;
  stance: string;
  count: number;
}

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
           count(*)::int AS count
    FROM matching m
    JOIN top ON top.speaker_id IS NOT DISTINCT FROM m.speaker_id
    LEFT JOIN speakers s ON s.id = m.speaker_id
    LEFT JOIN stance_labels st ON st.id = m.stance_id
    GROUP BY 1, 2 ORDER BY 1, 2`;
}

/** Claims per month of the article date, split by stance. */
export async function stanceOverTime(db: DbClient, viewer: CurrentUser, filters: ClaimFilters) {
  return db.$queryRaw<MonthStanceCount[]>`
    SELECT to_char(date_trunc('month', a.published_at), 'YYYY-MM') AS month,
           COALESCE(st.label, '(no stance)') AS stance, count(*)::int AS count
    FROM claims c JOIN articles a ON a.id = c.article_id
    LEFT JOIN stance_labels st ON st.id = c.stance_id
    WHERE ${claimsWhere(filters, viewer)} AND a.published_at IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2`;
}
