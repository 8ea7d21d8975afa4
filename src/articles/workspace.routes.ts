import { Router } from "express";
import type { PrismaClient } from "../db/types.js";
import { parseId } from "../http/fields.js";
import { requireLogin } from "../http/guards.js";
import { articleIdParam } from "./articles.schema.js";
import { loadWorkspace } from "./workspace.service.js";

/** The annotation workspace: GET /articles/:id, for anyone who may see the article's project. */
export function workspaceRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.get("/:id", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    const workspace = await loadWorkspace(prisma, req.user!, articleId, req.query, req.originalUrl);
    if (workspace.detour) return res.redirect(workspace.detour);
    res.render("articles/show", workspace.view);
  });

  return router;
}
