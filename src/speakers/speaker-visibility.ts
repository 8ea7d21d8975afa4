import type { DbClient } from "../db/types.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";

/**
 * Who sees which speakers of a project: the one rule for the speakers page, the API's list and
 * search (the workspace's speaker picker), the Claims page's speaker suggestions, the "similar
 * speakers" a new name is checked against, and every claim count shown beside a speaker.
 *
 * Everyone who may see a project sees its whole registry, with counts of every annotator's claims,
 * except an annotator of a blind project who does not curate it. In a blind study nobody codes by
 * looking at a colleague's work, and a speaker that exists only because a colleague quoted it is
 * a colleague's work. Such an annotator sees a speaker when
 *  - it is in the project's shared registry: added, edited or merged on purpose by an admin or a
 *    curator (Speaker.shared);
 *  - they added it themselves (Speaker.createdById), or one of their own live claims quotes it;
 *  - a live claim of a curated article quotes it (a curated article's layers are no secret any
 *    more, as in the workspace);
 * and every count they are shown is of their own claims. Counts never include the gold layer.
 */
export type SpeakerViewer = Pick<CurrentUser, "id" | "role">;

/** How one viewer sees one project's registry. */
export interface RegistryView {
  viewerId: number;
  projectId: number;
  /** Narrowed to what a blind project's annotator may see, with their own counts. */
  narrowed: boolean;
}

/**
 * SQL: whether `viewer` sees the registry of the project `p` (a table alias) narrowed. False (not
 * SQL) for admins and researchers, whom it never narrows.
 */
export function narrowedSql(viewer: SpeakerViewer, p: Prisma.Sql = Prisma.raw("p")): Prisma.Sql | false {
  if (viewer.role !== "annotator") return false;
  return Prisma.sql`(${p}.blind AND NOT EXISTS (
    SELECT 1 FROM project_members m WHERE m.project_id = ${p}.id AND m.user_id = ${viewer.id} AND m.is_curator))`;
}

/** How `viewer` sees the registry of one project (narrowedSql, asked once). */
export async function registryView(
  db: DbClient,
  viewer: SpeakerViewer,
  projectId: number,
): Promise<RegistryView> {
  const narrowed = narrowedSql(viewer);
  if (narrowed === false) return { viewerId: viewer.id, projectId, narrowed: false };
  const rows = await db.$queryRaw<{ narrowed: boolean }[]>`
    SELECT ${narrowed} AS narrowed FROM projects p WHERE p.id = ${projectId}`;
  return { viewerId: viewer.id, projectId, narrowed: rows[0]?.narrowed ?? false };
}

/**
 * SQL: the speaker `s` is one a narrowed viewer sees (see the rule above), among the speakers of
 * `projectId` when given, else of any project the viewer is a member of. Postgres works each
 * EXISTS out once as a set (hashed) when many speakers are tested, per speaker when few are.
 */
export function seenWhenNarrowed(
  viewerId: number,
  s: Prisma.Sql = Prisma.raw("s"),
  projectId?: number,
): Prisma.Sql {
  const projects =
    projectId === undefined
      ? Prisma.sql`IN (SELECT m.project_id FROM project_members m WHERE m.user_id = ${viewerId})`
      : Prisma.sql`= ${projectId}`;
  return Prisma.sql`(${s}.shared OR ${s}.created_by_id = ${viewerId}
    OR EXISTS (SELECT 1 FROM claims own WHERE own.speaker_id = ${s}.id AND own.annotator_id = ${viewerId}
               AND own.deleted_at IS NULL AND own.layer = 'annotator')
    OR EXISTS (SELECT 1 FROM claims cc JOIN article_curations ac ON ac.article_id = cc.article_id
               WHERE cc.speaker_id = ${s}.id AND cc.deleted_at IS NULL AND cc.project_id ${projects}))`;
}

/**
 * SQL: `viewer` sees the speaker `s`, of the project whose id is the SQL `project`: for statements
 * that pick a speaker by id or name for a claim (the one-statement save, bulk edits, filters).
 * The viewer's role and id are parameters, so the statement's text is the same for everyone.
 */
export function seesSpeakerSql(viewer: SpeakerViewer, s: Prisma.Sql, project: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${seesEverySpeakerSql(viewer, project)} OR ${seenWhenNarrowed(viewer.id, s)})`;
}

/**
 * SQL: whether `viewer` sees every speaker of `project` (all but a blind project's annotators who
 * do not curate). Cheaper than seesSpeakerSql: it reads no claims.
 */
export function seesEverySpeakerSql(viewer: SpeakerViewer, project: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${viewer.role}::text <> 'annotator'
      OR NOT EXISTS (SELECT 1 FROM projects bp WHERE bp.id = ${project} AND bp.blind AND NOT EXISTS (
        SELECT 1 FROM project_members bm WHERE bm.project_id = bp.id AND bm.user_id = ${viewer.id}::int AND bm.is_curator)))`;
}

/** SQL: live annotator claims of the speaker `s`, by `annotatorId` only when given. */
export function claimCountSql(s: Prisma.Sql = Prisma.raw("s"), annotatorId?: number): Prisma.Sql {
  const whose = annotatorId === undefined ? Prisma.empty : Prisma.sql`AND c.annotator_id = ${annotatorId}`;
  return Prisma.sql`(SELECT count(*)::int FROM claims c
    WHERE c.speaker_id = ${s}.id AND c.deleted_at IS NULL AND c.layer = 'annotator' ${whose})`;
}

/** What a query over speakers `s` adds for one viewer: which rows, and which count. */
export interface SpeakerScope {
  /** SQL condition on `s`. */
  where: Prisma.Sql;
  /** SQL: the claim count to show beside `s`. */
  claimCount: Prisma.Sql;
}

/**
 * The scope of a viewer whose view is `narrowed`: known (one project) or SQL (a query over several
 * projects, from narrowedSql).
 */
export function speakerScope(
  viewerId: number,
  narrowed: boolean | Prisma.Sql,
  s: Prisma.Sql = Prisma.raw("s"),
  projectId?: number,
): SpeakerScope {
  if (narrowed === false) return { where: Prisma.sql`TRUE`, claimCount: claimCountSql(s) };
  if (narrowed === true) {
    return { where: seenWhenNarrowed(viewerId, s, projectId), claimCount: claimCountSql(s, viewerId) };
  }
  return {
    where: Prisma.sql`(NOT ${narrowed} OR ${seenWhenNarrowed(viewerId, s, projectId)})`,
    claimCount: Prisma.sql`CASE WHEN ${narrowed} THEN ${claimCountSql(s, viewerId)} ELSE ${claimCountSql(s)} END`,
  };
}

/** The scope of a one-project view. */
export function scopeOf(view: RegistryView, s: Prisma.Sql = Prisma.raw("s")): SpeakerScope {
  return speakerScope(view.viewerId, view.narrowed, s, view.projectId);
}

/** Whether the viewer sees the speaker (of the project the view is of). */
export async function seesSpeaker(db: DbClient, view: RegistryView, speakerId: number): Promise<boolean> {
  if (!view.narrowed) return true;
  const rows = await db.$queryRaw<{ seen: boolean }[]>`
    SELECT ${seenWhenNarrowed(view.viewerId, Prisma.raw("s"), view.projectId)} AS seen
    FROM speakers s WHERE s.id = ${speakerId}`;
  return rows[0]?.seen ?? false;
}

/**
 * The project's speakers `viewer` sees, with their names and aliases: for code outside this folder
 * that offers speakers by name (the built-in suggester), so it offers none the registry hides.
 */
export async function visibleSpeakers(
  db: DbClient,
  viewer: SpeakerViewer,
  projectId: number,
): Promise<{ id: number; name: string; aliases: string[] }[]> {
  const scope = scopeOf(await registryView(db, viewer, projectId));
  return db.$queryRaw`
    SELECT s.id, s.name, coalesce(s.aliases, ARRAY[]::text[]) AS aliases
    FROM speakers s WHERE s.project_id = ${projectId} AND ${scope.where}
    ORDER BY s.id`;
}
