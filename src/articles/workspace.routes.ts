import { guidelinesDetour } from "../guidelines/guidelines.gate.js";
import { seesOthersClaims } from "../projects/access.js";
import { Router } from "express";
import { claimTypes, layerInput } from "../claims/claims.schema.js";
import { NO_STANCE_COLOUR } from "../claims/stance-palette.js";
import { defaultLayer, listArticleClaims, type Layer } from "../claims/claims.service.js";
import { workspaceProgress } from "../dashboard/progress.service.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import type { CurrentUser } from "../http/current-user.js";
import { isHttpUrl, parseId } from "../http/fields.js";
import { requireLogin } from "../http/guards.js";
import { articleIdParam } from "./articles.schema.js";
import { getArticle } from "./articles.service.js";
import {
  layerOptions,
  layoutParagraphs,
  pageClaim,
  scriptJson,
  stanceChoices,
  type WorkspaceData,
} from "./workspace.present.js";

/** Annotators who have claims on the article, with how many, for the layer switcher. */
async function annotatorsWithClaims(db: DbClient, articleId: number) {
  const groups = await db.claim.groupBy({
    by: ["annotatorId"],
    where: { articleId, deletedAt: null },
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

/** The layer asked for in ?layer=, when it is one the user may pick; else the default one. */
function chosenLayer(user: CurrentUser, query: unknown, allowed: string[]): Layer {
  const parsed = layerInput.safeParse(query);
  const layer = parsed.success ? parsed.data.layer : undefined;
  if (layer === undefined || !allowed.includes(String(layer))) return defaultLayer(user);
  return layer;
}

/** The annotation workspace: GET /articles/:id, for anyone who may see the article's project. */
export function workspaceRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.get("/:id", requireLogin, async (req, res) => {
    const user = req.user!;
    const article = await getArticle(prisma, user, parseId(articleIdParam, req.params.id));
    const detour = await guidelinesDetour(prisma, user, article.projectId, req.originalUrl);
    if (detour) return res.redirect(detour);
    const annotators = user.role === "annotator" ? [] : await annotatorsWithClaims(prisma, article.id);
    const blind = !(await seesOthersClaims(prisma, user, article.projectId));
    const layers = layerOptions(user, annotators, !blind);
    const layer = chosenLayer(
      user,
      req.query,
      layers.map((option) => option.value),
    );
    const claims = await listArticleClaims(prisma, user, article, layer);
    const stances = await prisma.stanceLabel.findMany({
      where: { projectId: article.projectId },
      orderBy: [{ position: "asc" }, { id: "asc" }],
      select: { key: true, label: true, retired: true },
    });
    const targets = await prisma.target.findMany({
      where: { projectId: article.projectId },
      orderBy: [{ position: "asc" }, { id: "asc" }],
      select: { id: true, name: true, retired: true },
    });
    const project = await prisma.project.findUniqueOrThrow({
      where: { id: article.projectId },
      select: { id: true, name: true, blind: true },
    });
    const canWrite = user.role === "admin" || user.role === "annotator";
    const progress = await workspaceProgress(prisma, user, article.id);
    const data: WorkspaceData = {
      article: { id: article.id, projectId: article.projectId, body: article.body },
      sentences: article.sentences.map(({ start, end }) => ({ start, end })),
      claims: claims.map(pageClaim),
      stances: stanceChoices(stances),
      targets,
      user: { id: user.id, role: user.role, name: user.name },
      canWrite,
      layer: String(layer),
      layers,
    };

    res.render("articles/show", {
      title: article.title,
      article,
      // Shown as a link only when it is a web address, whatever an older version let in.
      sourceUrl: article.url && isHttpUrl(article.url) ? article.url : undefined,
      project,
      paragraphs: layoutParagraphs(article.body, article.sentences),
      layers,
      layer: String(layer),
      canWrite,
      progress,
      // Mark done and Reopen come back here, with the layer chosen.
      returnTo: req.originalUrl,
      claimTypes,
      workspaceJson: scriptJson(data),
      legendStances: data.stances.filter((stance) => !stance.retired),
      noStanceColour: NO_STANCE_COLOUR,
    });
  });

  return router;
}
