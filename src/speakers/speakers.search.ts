import type { DbClient } from "../db/types.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";
import { assertProjectAccess, seesEveryProject } from "../projects/access.js";
import { speakerMatches } from "./speaker-match.js";
import { claimCountSql, narrowedSql, registryView, scopeOf, speakerScope } from "./speaker-visibility.js";
import type { SpeakerWithCount } from "./speakers.service.js";

/** A speaker found in one of the projects a user may see, with the project it belongs to. */
export interface FoundSpeaker extends SpeakerWithCount {
  projectId: number;
  projectName: string;
}

/**
 * Speakers matching `q` (every typed word starts a word of the name or an alias, ignoring case and
 * accents), best first: the whole name typed, then an alias typed whole, then a name and then an
 * alias that start with what was typed, then the rest; within each, the most quoted first. Names
 * are folded once per matching speaker (the OFFSET 0 keeps Postgres from copying the expressions
 * into every place that uses them), what was typed once per query. `claimCount` is the count shown
 * (speaker-visibility.ts): every annotator's live claims, counted per matching speaker only.
 */
export function speakerSearchSql(
  where: Prisma.Sql,
  q: string,
  limit: number,
  claimCount: Prisma.Sql = claimCountSql(),
): Prisma.Sql {
  return Prisma.sql`
    SELECT m.id, m."projectId", m."projectName", m.name, m.role, m.affiliation, m.aliases, m."claimCount"
    FROM (
      SELECT s.id, s.project_id AS "projectId", p.name AS "projectName", s.name, s.role, s.affiliation,
             coalesce(s.aliases, ARRAY[]::text[]) AS aliases, ${claimCount} AS "claimCount",
             search_fold(s.name) AS folded_name,
             ARRAY(SELECT search_fold(a) FROM unnest(coalesce(s.aliases, ARRAY[]::text[])) AS a) AS folded_aliases
      FROM speakers s
      JOIN projects p ON p.id = s.project_id
      WHERE ${where} AND ${speakerMatches(q)}
      OFFSET 0
    ) m
    CROSS JOIN (SELECT search_fold(${q}) AS folded OFFSET 0) typed
    ORDER BY CASE
        WHEN m.folded_name = typed.folded THEN 0
        WHEN typed.folded = ANY (m.folded_aliases) THEN 1
        WHEN starts_with(m.folded_name, typed.folded) THEN 2
        WHEN EXISTS (SELECT 1 FROM unnest(m.folded_aliases) AS a WHERE starts_with(a, typed.folded)) THEN 3
        ELSE 4
      END,
      m."claimCount" DESC, m.folded_name, m.id
    LIMIT ${limit}`;
}

async function findSpeakers(
  db: DbClient,
  where: Prisma.Sql,
  q: string,
  limit: number,
  claimCount: Prisma.Sql,
): Promise<FoundSpeaker[]> {
  return db.$queryRaw<FoundSpeaker[]>(speakerSearchSql(where, q, limit, claimCount));
}

function withoutProject({ projectId: _p, projectName: _n, ...speaker }: FoundSpeaker): SpeakerWithCount {
  return speaker;
}

/**
 * The speaker picker and the speakers page: matches among the project's speakers the user sees
 * (speaker-visibility.ts: in a blind project, an annotator's own and the shared registry).
 */
export async function searchSpeakers(
  db: DbClient,
  user: CurrentUser,
  projectId: number,
  q: string,
  limit = 20,
): Promise<SpeakerWithCount[]> {
  await assertProjectAccess(db, user, projectId);
  const scope = scopeOf(await registryView(db, user, projectId));
  const where = Prisma.sql`s.project_id = ${projectId} AND ${scope.where}`;
  const rows = await findSpeakers(db, where, q, limit, scope.claimCount);
  return rows.map(withoutProject);
}

/**
 * Matches in every project the user may see (annotators: the projects they belong to), or in one
 * of them: for the Claims page's speaker filter, which searches across projects. Each project's
 * speakers as the user sees them there (speaker-visibility.ts).
 */
export async function searchVisibleSpeakers(
  db: DbClient,
  user: CurrentUser,
  q: string,
  options: { projectId?: number; limit?: number } = {},
): Promise<FoundSpeaker[]> {
  // Like the Claims page's project filter: a project one may not see simply has no matches.
  const conditions: Prisma.Sql[] = [];
  if (options.projectId !== undefined) conditions.push(Prisma.sql`s.project_id = ${options.projectId}`);
  if (!seesEveryProject(user)) {
    conditions.push(
      Prisma.sql`s.project_id IN (SELECT project_id FROM project_members WHERE user_id = ${user.id})`,
    );
  }
  const scope = speakerScope(user.id, narrowedSql(user));
  conditions.push(scope.where);
  return findSpeakers(db, Prisma.join(conditions, " AND "), q, options.limit ?? 20, scope.claimCount);
}
