import { Router } from "express";
import { articleIdParam } from "../articles/articles.schema.js";
import type { PrismaClient } from "../db/types.js";
import { requireRole } from "../http/guards.js";
import { parseInput } from "../http/validate.js";
import { claimIdParam, createClaimInput, deleteClaimInput, updateClaimInput } from "./claims.schema.js";
import { createClaim, deleteClaim, updateClaim } from "./claims.service.js";

/** POST /articles/:id/claims, PATCH and DELETE /claims/:id under /api/v1. Researchers only read. */
export function claimsApiRoutes(prisma: PrismaClient): Router {
  const router = Router();
  const writers = requireRole("admin", "annotator");

  router.post("/articles/:id/claims", writers, async (req, res) => {
    const articleId = parseInput(articleIdParam, req.params.id);
    const claim = await createClaim(prisma, req.user!, articleId, parseInput(createClaimInput, req.body));
    res.status(201).location(`/api/v1/claims/${claim.id}`).json(claim);
  });

  router.patch("/claims/:id", writers, async (req, res) => {
    const claimId = parseInput(claimIdParam, req.params.id);
    res.json(await updateClaim(prisma, req.user!, claimId, parseInput(updateClaimInput, req.body)));
  });

  router.delete("/claims/:id", writers, async (req, res) => {
    const claimId = parseInput(claimIdParam, req.params.id);
    const { version } = parseInput(deleteClaimInput, { ...req.query, ...(req.body as object) });
    await deleteClaim(prisma, req.user!, claimId, version);
    res.status(204).end();
  });

  return router;
}
