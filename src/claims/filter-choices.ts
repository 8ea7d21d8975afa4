import type { DbClient } from "../db/types.js";
import type { CurrentUser } from "../http/current-user.js";
import { visibleProjectsFilter } from "../projects/access.js";
import { isSpeakerId, type ClaimFilters } from "./claims.filters.js";

/**
 * What the speaker filter shows: a speaker chosen from the suggestions travels as its id, and the
 * page shows that speaker's name (typed words are shown as typed).
 */
async function speakerLabel(db: DbClient, viewer: CurrentUser, speaker: string | undefined) {
  if (!speaker || !isSpeakerId(speaker)) return { text: speaker ?? "", id: undefined };
  const found = await db.speaker.findFirst({
    where: { id: Number(speaker), project: visibleProjectsFilter(viewer) },
    select: { id: true, name: true },
  });
  return found ? { text: found.name, id: found.id } : { text: speaker, id: undefined };
}

/** Options for the filter form's selects: the projects, stances, targets and annotators one may see. */
export async function filterChoices(db: DbClient, viewer: CurrentUser, filters: ClaimFilters = {}) {
  const projects = await db.project.findMany({
    where: visibleProjectsFilter(viewer),
    orderBy: { name: "asc" },
    select: { id: true, name: true },
  });
  const projectIds = projects.map((project) => project.id);
  const [stances, targets, annotators] = await Promise.all([
    db.stanceLabel.findMany({
      where: { projectId: { in: projectIds } },
      distinct: ["key"],
      orderBy: { key: "asc" },
      select: { key: true, label: true },
    }),
    db.target.findMany({
      where: { projectId: { in: projectIds } },
      distinct: ["name"],
      orderBy: { name: "asc" },
      select: { name: true },
    }),
    viewer.role === "annotator"
      ? Promise.resolve([])
      : db.user.findMany({
          where: { claims: { some: {} } },
          orderBy: { name: "asc" },
          select: { id: true, name: true },
        }),
  ]);
  return { projects, stances, targets, annotators, speaker: await speakerLabel(db, viewer, filters.speaker) };
}
