import { Router } from "express";
import { articleIdParam } from "../articles/articles.schema.js";
import { claimIdParam } from "../claims/claims.schema.js";
import type { PrismaClient } from "../db/types.js";
import { requireLogin } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput, parseInputFor } from "../http/validate.js";
import { projectIdParam } from "../projects/projects.schema.js";
import { curatedInput, goldClaimInput, rejectInput } from "./curation.schema.js";
import {
  acceptExactAgreements,
  assertCuratesArticle,
  assertDecidesClaim,
  createGoldClaim,
  rejectClaim,
  setCurated,
  undoRejection,
} from "./curation.service.js";

/**
 * The curators' API under /api/v1 (docs/api.md, Curation). Any signed-in user may call it; the
 * service answers 403 unless they curate the project. Gold claims are then changed, deleted and
 * restored through the claim routes (PATCH, DELETE /claims/:id, POST /claims/:id/restore).
 */
export function curationApiRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.post("/articles/:id/gold", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    await assertCuratesArticle(prisma, req.user!, articleId);
    const claim = await createGoldClaim(prisma, req.user!, articleId, parseInput(goldClaimInput, req.body));
    res.status(201).location(`/api/v1/claims/${claim.id}`).json(claim);
  });

  router.post("/claims/:id/reject", requireLogin, async (req, res) => {
    const claimId = parseId(claimIdParam, req.params.id);
    const { version } = await parseInputFor(rejectInput, req.body ?? {}, () =>
      assertDecidesClaim(prisma, req.user!, claimId),
    );
    await rejectClaim(prisma, req.user!, claimId, version);
    res.status(204).end();
  });

  router.delete("/claims/:id/reject", requireLogin, async (req, res) => {
    await undoRejection(prisma, req.user!, parseId(claimIdParam, req.params.id));
    res.status(204).end();
  });

  router.post("/articles/:id/accept-exact", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    res.json(await acceptExactAgreements(prisma, req.user!, { articleId }));
  });

  router.post("/projects/:id/accept-exact", requireLogin, async (req, res) => {
    const projectId = parseId(projectIdParam, req.params.id);
    res.json(await acceptExactAgreements(prisma, req.user!, { projectId }));
  });

  router.post("/articles/:id/curated", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    await assertCuratesArticle(prisma, req.user!, articleId);
    const { curated, confirm } = parseInput(curatedInput, req.body ?? {});
    await setCurated(prisma, req.user!, articleId, curated, { confirm });
    res.json({ articleId, curated });
  });

  return router;
}
