import { Router } from "express";
import type { PrismaClient } from "../db/types.js";
import { requireLogin } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput } from "../http/validate.js";
import { assertProjectAccess } from "../projects/access.js";
import { projectIdParam } from "../projects/projects.schema.js";
import { markReadInput } from "./guidelines.schema.js";
import { currentGuidelines, markGuidelinesRead } from "./guidelines.service.js";

/** GET /api/v1/projects/:id/guidelines and POST …/guidelines/read (docs/api.md, Guidelines). */
export function guidelinesApiRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.get("/projects/:id/guidelines", requireLogin, async (req, res) => {
    const projectId = parseId(projectIdParam, req.params.id);
    await assertProjectAccess(prisma, req.user!, projectId);
    const current = await currentGuidelines(prisma, projectId);
    res.json(current && { ...current, createdAt: current.createdAt.toISOString() });
  });

  router.post("/projects/:id/guidelines/read", requireLogin, async (req, res) => {
    const projectId = parseId(projectIdParam, req.params.id);
    // An unknown project is a 404 whatever the body says.
    await assertProjectAccess(prisma, req.user!, projectId);
    const { version } = parseInput(markReadInput, req.body);
    await markGuidelinesRead(prisma, req.user!, projectId, version);
    res.status(204).end();
  });

  return router;
}
