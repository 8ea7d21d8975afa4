import { Router } from "express";
import type { PrismaClient } from "../db/types.js";
import { requireLogin } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput } from "../http/validate.js";
import { projectIdParam } from "../projects/projects.schema.js";
import { agreementScopeInput } from "./agreement.schema.js";
import { projectAgreement } from "./agreement.service.js";

/** GET /api/v1/projects/:id/agreement (docs/api.md, Agreement). */
export function agreementApiRoutes(prisma: PrismaClient): Router {
  const router = Router();
  router.get("/projects/:id/agreement", requireLogin, async (req, res) => {
    const projectId = parseId(projectIdParam, req.params.id);
    const { annotators, articles } = parseInput(agreementScopeInput, req.query);
    const { choices: _choices, ...report } = await projectAgreement(prisma, req.user!, projectId, {
      annotatorIds: annotators,
      articleIds: articles,
    });
    res.json(report);
  });
  return router;
}
