import { Router } from "express";
import { layerInput } from "../claims/claims.schema.js";
import { listArticleClaims } from "../claims/claims.service.js";
import type { PrismaClient } from "../db/types.js";
import { requireLogin } from "../http/guards.js";
import { idempotencyOf, idempotent } from "../idempotency/idempotency.http.js";
import { parseId } from "../http/fields.js";
import { parseInput, parseInputFor } from "../http/validate.js";
import { projectIdParam } from "../projects/projects.schema.js";
import { articleLocation, presentArticle } from "./articles.present.js";
import { articleDetailsInput, articleIdParam, articleInput, articleVersionInput } from "./articles.schema.js";
import {
  assertArticleVisible,
  assertCanImport,
  getArticle,
  importArticle,
  updateArticleDetails,
} from "./articles.service.js";
import { assertArticleKnown, deleteArticle, restoreArticle } from "./trash.service.js";

/** GET, PATCH and DELETE /articles/:id, POST /articles/:id/restore and POST /projects/:id/articles under /api/v1. */
export function articlesApiRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.get("/articles/:id", requireLogin, async (req, res) => {
    const article = await getArticle(prisma, req.user!, parseId(articleIdParam, req.params.id));
    const { layer } = parseInput(layerInput, req.query);
    res.json({
      ...presentArticle(article),
      claims: await listArticleClaims(prisma, req.user!, article, layer),
    });
  });

  // Admins and the project's curators, whatever their role: the service checks the project.
  router.patch("/articles/:id", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    const input = await parseInputFor(articleDetailsInput, req.body, () =>
      assertArticleVisible(prisma, req.user!, articleId),
    );
    const article = await updateArticleDetails(prisma, req.user!, articleId, input);
    res.json(presentArticle(article));
  });

  // Admins and the project's curators: the article and its claims go to the trash, or come back.
  router.delete("/articles/:id", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    const { version } = await parseInputFor(articleVersionInput, req.body ?? {}, () =>
      assertArticleKnown(prisma, req.user!, articleId),
    );
    res.json(await deleteArticle(prisma, req.user!, articleId, version));
  });

  router.post("/articles/:id/restore", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    const { version } = await parseInputFor(articleVersionInput, req.body ?? {}, () =>
      assertArticleKnown(prisma, req.user!, articleId),
    );
    res.json(await restoreArticle(prisma, req.user!, articleId, version));
  });

  // Who may import is one rule for this API and the page forms (import.routes.ts): assertCanImport
  // decides (admins, and members allowed to import, whatever their role), not a role guard here.
  router.post("/projects/:id/articles", requireLogin, idempotent(prisma), async (req, res) => {
    const projectId = parseId(projectIdParam, req.params.id);
    await assertCanImport(prisma, req.user!, projectId);
    const input = parseInput(articleInput, req.body);
    const outcome = await importArticle(prisma, req.user!, projectId, input, idempotencyOf(res));
    if (outcome.status === "duplicate") {
      res
        .status(409)
        .json({ error: { code: "duplicate", message: outcome.reason, articleId: outcome.articleId } });
      return;
    }
    const article = await getArticle(prisma, req.user!, outcome.articleId);
    res
      .status(201)
      .location(articleLocation(article.id))
      .json({ ...presentArticle(article), claims: [] });
  });

  return router;
}
