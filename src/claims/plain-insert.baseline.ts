import { Router } from "express";
import type { PrismaClient } from "../db/types.js";
import { requireRole } from "../http/guards.js";

/**
 * `npm run bench` only, mounted when BENCH_BASELINE_ROUTES=true (never otherwise): the floor a
 * claim save is measured against. The same authentication and role check as
 * POST /api/v1/articles/:id/claims, then one plain INSERT of the columns as sent, with no checks,
 * no audit and nothing answered but the id.
 */
export function plainInsertBaselineRoutes(prisma: PrismaClient): Router {
  const router = Router();
  router.post("/bench/plain-claims", requireRole("admin", "annotator"), async (req, res) => {
    const claim = req.body as Record<string, number | string | null>;
    const [row] = await prisma.$queryRaw<{ id: number }[]>`
      INSERT INTO claims (article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type,
                          speaker_id, mention_start, mention_end, cue_start, cue_end, stance_id, target_id,
                          note, created_at, updated_at)
      VALUES (${claim.articleId}::int, ${claim.projectId}::int, ${req.user!.id}, ${claim.start}::int,
              ${claim.end}::int, ${claim.quote}, ${claim.prefix}, ${claim.suffix}, ${claim.type}::"ClaimType",
              ${claim.speakerId}::int, ${claim.mentionStart}::int, ${claim.mentionEnd}::int, ${claim.cueStart}::int,
              ${claim.cueEnd}::int, ${claim.stanceId}::int, ${claim.targetId}::int, '', now(), now())
      RETURNING id`;
    res.status(201).json({ id: row!.id });
  });
  return router;
}
