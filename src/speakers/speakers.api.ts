import { Router } from "express";
import type { PrismaClient } from "../db/types.js";
import { requireLogin, requireRole } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput } from "../http/validate.js";
import { assertProjectAccess } from "../projects/access.js";
import { projectIdParam } from "../projects/projects.schema.js";
import { createSpeakerInput, searchSpeakersQuery, searchVisibleSpeakersQuery } from "./speakers.schema.js";
import { searchSpeakers, searchVisibleSpeakers } from "./speakers.search.js";
import { createSpeaker, listSpeakersWithCounts } from "./speakers.service.js";

/** JSON speakers API, mounted at /api/v1: the speaker picker searches here and adds new names. */
export function speakersApiRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.get("/projects/:id/speakers", requireLogin, async (req, res) => {
    const projectId = parseId(projectIdParam, req.params.id);
    const { q, limit } = parseInput(searchSpeakersQuery, req.query);
    const speakers =
      q === undefined
        ? await listSpeakersWithCounts(prisma, req.user!, projectId)
        : await searchSpeakers(prisma, req.user!, projectId, q, limit);
    res.json({ speakers });
  });

  // Suggestions for the Claims page's speaker filter: every project the user may see, or one.
  router.get("/speakers", requireLogin, async (req, res) => {
    const { q, project, limit } = parseInput(searchVisibleSpeakersQuery, req.query);
    const speakers = await searchVisibleSpeakers(prisma, req.user!, q!, { projectId: project, limit });
    res.json({ speakers });
  });

  // Researchers only read: the guard answers them 403 before anything is parsed.
  router.post("/projects/:id/speakers", requireRole("admin", "annotator"), async (req, res) => {
    const projectId = parseId(projectIdParam, req.params.id);
    await assertProjectAccess(prisma, req.user!, projectId);
    const input = parseInput(createSpeakerInput, req.body ?? {});
    const speaker = await createSpeaker(prisma, req.user!, projectId, input);
    res.status(201).location(`/api/v1/projects/${projectId}/speakers`).json(speaker);
  });

  return router;
}
