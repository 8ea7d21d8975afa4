import { Router, type Request, type Response } from "express";
import { articleIdParam } from "../articles/articles.schema.js";
import type { PrismaClient } from "../db/types.js";
import { seedDemo } from "../demo/seed-demo.js";
import { flash } from "../http/flash.js";
import { requireLogin, requireRole } from "../http/guards.js";
import { wantsJson } from "../http/negotiation.js";
import { safeLocalPath } from "../http/safe-redirect.js";
import { parseId } from "../http/fields.js";
import { getDashboard, markArticleDone, reopenArticle } from "./progress.service.js";

/** The home page ("My articles", and progress for admins), marking articles done, the demo project. */
export function dashboardRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.get("/", requireLogin, async (req, res) => {
    res.render("dashboard/index", { title: "Dashboard", ...(await getDashboard(prisma, req.user!)) });
  });

  router.post("/articles/:articleId/done", requireLogin, async (req, res) => {
    const article = await markArticleDone(prisma, req.user!, parseId(articleIdParam, req.params.articleId));
    answer(req, res, { articleId: article.id, done: true }, `Marked “${article.title}” done.`);
  });

  router.post("/articles/:articleId/reopen", requireLogin, async (req, res) => {
    const article = await reopenArticle(prisma, req.user!, parseId(articleIdParam, req.params.articleId));
    answer(req, res, { articleId: article.id, done: false }, `Reopened “${article.title}”.`);
  });

  router.post("/demo", requireRole("admin"), async (req, res) => {
    const demo = await seedDemo(prisma, req.user!.id);
    flash(req, "success", "The demo project is ready: one article with four claims by the demo annotator.");
    res.redirect(`/projects/${demo.projectId}`);
  });

  return router;
}

/** Scripts get JSON; forms go back where they came from (a local path in `returnTo`), else home. */
function answer(req: Request, res: Response, json: object, message: string) {
  if (wantsJson(req)) return void res.json(json);
  flash(req, "success", message);
  res.redirect(safeLocalPath((req.body as Record<string, unknown> | undefined)?.returnTo, "/"));
}
