import { Router } from "express";
import { articleIdParam } from "../articles/articles.schema.js";
import type { PrismaClient } from "../db/types.js";
import { requireLogin, requireRole } from "../http/guards.js";
import { idempotencyOf, idempotent } from "../idempotency/idempotency.http.js";
import { parseId } from "../http/fields.js";
import { parseInput, parseInputFor } from "../http/validate.js";
import { claimFiltersInput, filtersToQuery } from "./claims.filters.js";
import { countClaims, pageInput, searchClaims, type ClaimListRow } from "./claims.search.js";
import {
  claimIdParam,
  createClaimInput,
  deleteClaimInput,
  restoreClaimInput,
  updateClaimInput,
} from "./claims.schema.js";
import { assertArticleVisible } from "../articles/articles.service.js";
import {
  assertClaimWritable,
  assertDeletedClaimWritable,
  createClaim,
  deleteClaim,
  restoreClaim,
  updateClaim,
} from "./claims.service.js";
import { claimLocation } from "./claims.present.js";

/**
 * GET /claims (filters, cursor pages), POST /articles/:id/claims, PATCH and DELETE /claims/:id,
 * POST /claims/:id/restore (undoing a delete) under /api/v1. Researchers only read, unless a
 * project made them a curator: changing a claim is then checked on the claim itself (an
 * annotator's own, any for admins, gold claims for the project's curators).
 */
export function claimsApiRoutes(prisma: PrismaClient): Router {
  const router = Router();
  const writers = requireRole("admin", "annotator");
  const once = idempotent(prisma);

  router.get("/claims", requireLogin, async (req, res) => {
    const filters = parseInput(claimFiltersInput, req.query);
    const page = parseInput(pageInput, req.query);
    const [result, total] = await Promise.all([
      searchClaims(prisma, req.user!, filters, page),
      countClaims(prisma, req.user!, filters),
    ]);
    res.json({
      total,
      claims: result.rows.map(presentListRow),
      nextCursor: result.nextCursor ?? null,
      next: result.nextCursor
        ? `/api/v1/claims?${filtersToQuery(filters, { sort: page.sort, limit: String(page.limit), cursor: result.nextCursor })}`
        : null,
    });
  });

  router.post("/articles/:id/claims", writers, once, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    const input = await parseInputFor(createClaimInput, req.body, () =>
      assertArticleVisible(prisma, req.user!, articleId),
    );
    const claim = await createClaim(prisma, req.user!, articleId, input, idempotencyOf(res));
    res.status(201).location(claimLocation(claim.id)).json(claim);
  });

  router.patch("/claims/:id", requireLogin, once, async (req, res) => {
    const claimId = parseId(claimIdParam, req.params.id);
    const patch = await parseInputFor(updateClaimInput, req.body, () =>
      assertClaimWritable(prisma, req.user!, claimId),
    );
    res.json(await updateClaim(prisma, req.user!, claimId, patch, idempotencyOf(res)));
  });

  router.delete("/claims/:id", requireLogin, once, async (req, res) => {
    const claimId = parseId(claimIdParam, req.params.id);
    await assertClaimWritable(prisma, req.user!, claimId);
    const { version } = parseInput(deleteClaimInput, { ...req.query, ...(req.body as object) });
    await deleteClaim(prisma, req.user!, claimId, version, idempotencyOf(res));
    res.status(204).end();
  });

  router.post("/claims/:id/restore", requireLogin, once, async (req, res) => {
    const claimId = parseId(claimIdParam, req.params.id);
    await assertDeletedClaimWritable(prisma, req.user!, claimId);
    const { version } = parseInput(restoreClaimInput, req.body ?? {});
    res.json(await restoreClaim(prisma, req.user!, claimId, version, idempotencyOf(res)));
  });

  return router;
}

function presentListRow(row: ClaimListRow) {
  return {
    id: row.id,
    projectId: row.projectId,
    articleId: row.articleId,
    articleTitle: row.articleTitle,
    articlePublishedAt: row.publishedAt?.toISOString() ?? null,
    start: row.start,
    end: row.end,
    quote: row.quote,
    type: row.type,
    speaker: row.speakerId === null ? null : { id: row.speakerId, name: row.speakerName },
    stance: row.stance,
    target: row.target,
    annotator: { id: row.annotatorId, name: row.annotatorName },
    version: row.version,
    createdAt: row.createdAt.toISOString(),
  };
}
