import { Router } from "express";
import type { PrismaClient } from "../db/types.js";
import { parseId } from "../http/fields.js";
import { requireRole } from "../http/guards.js";
import { parseInput } from "../http/validate.js";
import { bulkEditIdParam, bulkEditInput } from "./bulk-edit.schema.js";
import { applyBulkEdit, previewBulkEdit, undoBulkEdit } from "./bulk-edit.service.js";

/**
 * Bulk edits of claims under /api/v1/claims/bulk-edits: preview (201, with what will change),
 * apply, undo. For those who may change claims: admins (any), annotators (their own).
 */
export function bulkEditApiRoutes(prisma: PrismaClient): Router {
  const router = Router();
  const writers = requireRole("admin", "annotator");

  router.post("/claims/bulk-edits", writers, async (req, res) => {
    const summary = await previewBulkEdit(prisma, req.user!, parseInput(bulkEditInput, req.body));
    res.status(201).location(`/api/v1/claims/bulk-edits/${summary.id}`).json(summary);
  });

  router.post("/claims/bulk-edits/:id/apply", writers, async (req, res) => {
    const id = parseId(bulkEditIdParam, req.params.id);
    res.json({ id, outcomes: await applyBulkEdit(prisma, req.user!, id) });
  });

  router.post("/claims/bulk-edits/:id/undo", writers, async (req, res) => {
    const id = parseId(bulkEditIdParam, req.params.id);
    res.json({ id, outcomes: await undoBulkEdit(prisma, req.user!, id) });
  });

  return router;
}
