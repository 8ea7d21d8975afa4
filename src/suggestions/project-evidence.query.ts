// Reads a project's confirmed claims for the suggester to learn from (project-evidence.ts): the
// most recent CONFIRMED_CLAIMS_READ of them, each with its cue's and mention's words. The words
// are cut from the claim's own quote and 32-character context (prefix, suffix), which hold them
// nearly always, so no article body is read: one indexed query of a few milliseconds per request.
import type { DbClient } from "../db/types.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";
import { narrowedSql } from "../speakers/speaker-visibility.js";
import { learnFrom, type ProjectEvidence } from "./project-evidence.js";

/** The newest confirmations are the outlet's current habits; older ones add little. */
export const CONFIRMED_CLAIMS_READ = 5_000;

/** SQL: the words of the span [start, end) of claim `c`, where its quote or context holds them. */
function spanWords(start: Prisma.Sql, end: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`CASE
    WHEN ${start} >= c."end" AND ${end} - c."end" <= char_length(c.suffix)
      THEN substr(c.suffix, ${start} - c."end" + 1, ${end} - ${start})
    WHEN ${start} >= c.start AND ${end} <= c."end"
      THEN substr(c.quote, ${start} - c.start + 1, ${end} - ${start})
    WHEN ${end} <= c.start AND c.start - ${start} <= char_length(c.prefix)
      THEN substr(c.prefix, char_length(c.prefix) - (c.start - ${start}) + 1, ${end} - ${start})
  END`;
}

/**
 * What `user` may learn from: every live claim of the project, or, for an annotator of a blind
 * project, their own and the gold claims of curated articles (as the registry shows them).
 */
export async function projectEvidence(
  db: DbClient,
  user: Pick<CurrentUser, "id" | "role">,
  projectId: number,
): Promise<ProjectEvidence> {
  const narrowed = narrowedSql(user);
  const whose =
    narrowed === false
      ? Prisma.empty
      : Prisma.sql`AND (NOT (SELECT ${narrowed} FROM projects p WHERE p.id = ${projectId})
          OR (c.layer = 'annotator' AND c.annotator_id = ${user.id})
          OR (c.layer = 'gold' AND EXISTS (SELECT 1 FROM article_curations ac WHERE ac.article_id = c.article_id)))`;
  const rows = await db.$queryRaw<{ cue: string | null; mention: string | null; speakerId: number | null }[]>`
    SELECT ${spanWords(Prisma.sql`c.cue_start`, Prisma.sql`c.cue_end`)} AS cue,
           ${spanWords(Prisma.sql`c.mention_start`, Prisma.sql`c.mention_end`)} AS mention,
           c.speaker_id AS "speakerId"
    FROM claims c
    WHERE c.project_id = ${projectId} AND c.deleted_at IS NULL
      AND (c.cue_start IS NOT NULL OR c.mention_start IS NOT NULL)
      ${whose}
    ORDER BY c.id DESC
    LIMIT ${CONFIRMED_CLAIMS_READ}`;
  return learnFrom(rows);
}
