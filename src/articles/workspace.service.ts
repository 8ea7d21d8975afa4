// Everything the annotation workspace (GET /articles/:id) shows, loaded in one place: the article,
// the layers the user may pick and the claims of the chosen one, the label sets, the annotator's
// place in their list and the project's study settings.
import { claimTypes, layerInput } from "../claims/claims.schema.js";
import { defaultLayer, type Layer } from "../claims/claims.service.js";
import { NO_STANCE_COLOUR } from "../claims/stance-palette.js";
import { workspaceProgress } from "../dashboard/progress.service.js";
import type { DbClient } from "../db/types.js";
import { guidelinesDetour } from "../guidelines/guidelines.gate.js";
import { currentGuidelines } from "../guidelines/guidelines.service.js";
import type { CurrentUser } from "../http/current-user.js";
import { isHttpUrl } from "../http/fields.js";
import { isCurator, seesGold, seesOthersClaims } from "../projects/access.js";
import { getArticle } from "./articles.service.js";
import { workspaceClaims } from "./workspace-claims.js";
import {
  layerOptions,
  layoutParagraphs,
  scriptJson,
  stanceChoices,
  type WorkspaceData,
} from "./workspace.present.js";

/** Annotators who have claims on the article, with how many, for the layer switcher. */
async function annotatorsWithClaims(db: DbClient, articleId: number) {
  const groups = await db.claim.groupBy({
    by: ["annotatorId"],
    where: { articleId, deletedAt: null, layer: "annotator" },
    _count: { _all: true },
  });
  const users = await db.user.findMany({
    where: { id: { in: groups.map((group) => group.annotatorId) } },
    select: { id: true, name: true },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  const counts = new Map(groups.map((group) => [group.annotatorId, group._count._all]));
  return users.map((user) => ({ ...user, claims: counts.get(user.id) ?? 0 }));
}

/** How many gold claims the article has, or null when the user may not see its gold layer yet. */
async function goldCount(
  db: DbClient,
  user: CurrentUser,
  article: { id: number; projectId: number },
  curator: boolean,
) {
  if (!(await seesGold(db, user, article.projectId, article.id, curator))) return null;
  return db.claim.count({ where: { articleId: article.id, layer: "gold", deletedAt: null } });
}

/** The layer asked for in ?layer=, when it is one the user may pick; else the default one. */
function chosenLayer(user: CurrentUser, query: unknown, allowed: string[]): Layer {
  const parsed = layerInput.safeParse(query);
  const layer = parsed.success ? parsed.data.layer : undefined;
  if (layer === undefined || !allowed.includes(String(layer))) return defaultLayer(user);
  return layer;
}

/**
 * The workspace's view model, or where to go first (changed guidelines the annotator has not read).
 * `here` is the page's own URL, to come back to.
 */
export async function loadWorkspace(
  db: DbClient,
  user: CurrentUser,
  articleId: number,
  query: unknown,
  here: string,
) {
  const article = await getArticle(db, user, articleId);
  const detour = await guidelinesDetour(db, user, article.projectId, here);
  if (detour) return { detour };
  const annotators = user.role === "annotator" ? [] : await annotatorsWithClaims(db, article.id);
  const blind = !(await seesOthersClaims(db, user, article.projectId, article.id));
  const curator = await isCurator(db, user, article.projectId);
  const goldClaims = await goldCount(db, user, article, curator);
  const layers = layerOptions(user, annotators, !blind, goldClaims);
  const layer = chosenLayer(
    user,
    query,
    layers.map((option) => option.value),
  );
  const [claims, stances, targets, project, progress, guidelines] = await Promise.all([
    workspaceClaims(db, user, article, layer, { seesOthers: !blind, seesGold: goldClaims !== null }),
    db.stanceLabel.findMany({
      where: { projectId: article.projectId },
      orderBy: [{ position: "asc" }, { id: "asc" }],
      select: { key: true, label: true, retired: true },
    }),
    db.target.findMany({
      where: { projectId: article.projectId },
      orderBy: [{ position: "asc" }, { id: "asc" }],
      select: { id: true, name: true, retired: true },
    }),
    db.project.findUniqueOrThrow({
      where: { id: article.projectId },
      select: { id: true, name: true, blind: true },
    }),
    workspaceProgress(db, user, article.id),
    currentGuidelines(db, article.projectId),
  ]);
  // The gold layer is read here and written on the curation page.
  const canWrite = (user.role === "admin" || user.role === "annotator") && layer !== "gold";
  const data: WorkspaceData = {
    article: { id: article.id, projectId: article.projectId, body: article.body },
    sentences: article.sentences.map(({ start, end }) => ({ start, end })),
    claims,
    stances: stanceChoices(stances),
    targets,
    user: { id: user.id, role: user.role, name: user.name },
    canWrite,
    layer: String(layer),
    layers,
  };
  return {
    view: {
      title: article.title,
      article,
      // Shown as a link only when it is a web address, whatever an older version let in.
      sourceUrl: article.url && isHttpUrl(article.url) ? article.url : undefined,
      project,
      guidelines,
      curateUrl: curator ? `/articles/${article.id}/curate` : undefined,
      editUrl: curator ? `/articles/${article.id}/edit` : undefined,
      paragraphs: layoutParagraphs(article.body, article.sentences),
      layers,
      layer: String(layer),
      canWrite,
      progress,
      // Mark done and Reopen come back here, with the layer chosen.
      returnTo: here,
      claimTypes,
      workspaceJson: scriptJson(data),
      legendStances: data.stances.filter((stance) => !stance.retired),
      noStanceColour: NO_STANCE_COLOUR,
    },
  };
}
