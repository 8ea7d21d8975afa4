import type { DbClient } from "../db/types.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";
import { seesEveryProject, visibleProjectsFilter } from "../projects/access.js";
import { seesSpeakerSql } from "../speakers/speaker-visibility.js";
import { isSpeakerId, type ClaimFilters } from "./claims.filters.js";

/**
 * What the speaker filter shows: a speaker chosen from the suggestions travels as its id, and the
 * page shows that speaker's name (typed words are shown as typed).
 */
async function speakerLabel(db: DbClient, viewer: CurrentUser, speaker: string | undefined) {
  if (!speaker || !isSpeakerId(speaker)) return { text: speaker ?? "", id: undefined };
  const candidate = await db.speaker.findFirst({
    where: { id: Number(speaker), project: visibleProjectsFilter(viewer) },
    select: { id: true, name: true, projectId: true },
  });
  // A speaker hidden from a blind project's annotator is not named to them by its id either.
  const seen =
    candidate &&
    (
      await db.$queryRaw<
        { seen: boolean }[]
      >`SELECT ${seesSpeakerSql(viewer, Prisma.raw("s"), Prisma.sql`${candidate.projectId}::int`)} AS seen
        FROM speakers s WHERE s.id = ${candidate.id}`
    )[0]?.seen;
  return candidate && seen ? { text: candidate.name, id: candidate.id } : { text: speaker, id: undefined };
}

interface Choices {
  projects: { id: number; name: string }[];
  stances: { key: string; label: string }[];
  targets: { name: string }[];
  annotators: { id: number; name: string }[];
}

/**
 * Options for the filter form's selects: the projects, stances, targets and annotators one may see.
 * One statement, one round trip: the Claims page runs it beside its page of rows, on every visit.
 */
export async function filterChoices(db: DbClient, viewer: CurrentUser, filters: ClaimFilters = {}) {
  const visible = seesEveryProject(viewer)
    ? Prisma.sql`TRUE`
    : Prisma.sql`p.id IN (SELECT project_id FROM project_members WHERE user_id = ${viewer.id})`;
  // Annotators filter nobody's claims but their own.
  const annotators =
    viewer.role === "annotator"
      ? Prisma.sql`'[]'::json`
      : Prisma.sql`(SELECT coalesce(json_agg(json_build_object('id', u.id, 'name', u.name) ORDER BY u.name, u.id), '[]')
          FROM users u WHERE EXISTS (SELECT 1 FROM claims c WHERE c.annotator_id = u.id))`;
  // Stances and targets of several projects are offered once per key and name.
  const [choicesRow, speaker] = await Promise.all([
    db.$queryRaw<Choices[]>`
      WITH visible AS (SELECT p.id, p.name FROM projects p WHERE ${visible})
      SELECT
        (SELECT coalesce(json_agg(json_build_object('id', id, 'name', name) ORDER BY name, id), '[]')
           FROM visible) AS projects,
        (SELECT coalesce(json_agg(json_build_object('key', key, 'label', label) ORDER BY key), '[]')
           FROM (SELECT DISTINCT ON (key) key, label FROM stance_labels
                 WHERE project_id IN (SELECT id FROM visible) ORDER BY key, id) s) AS stances,
        (SELECT coalesce(json_agg(json_build_object('name', name) ORDER BY name), '[]')
           FROM (SELECT DISTINCT name FROM targets WHERE project_id IN (SELECT id FROM visible)) t) AS targets,
        ${annotators} AS annotators`,
    speakerLabel(db, viewer, filters.speaker),
  ]);
  return { ...choicesRow[0]!, speaker };
}
