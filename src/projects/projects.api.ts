import { Router } from "express";
import type { PrismaClient } from "../db/types.js";
import { requireLogin, requireRole } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput } from "../http/validate.js";
import { createProjectInput, projectIdParam } from "./projects.schema.js";
import { createProject, getProject } from "./projects.service.js";

type ProjectWithLabels = Awaited<ReturnType<typeof getProject>>;

function presentProject(project: ProjectWithLabels) {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    version: project.version,
    stances: project.stances.map(({ key, label, retired }) => ({ key, label, retired })),
    targets: project.targets.map(({ id, name, retired }) => ({ id, name, retired })),
    members: project.members.map(({ user, canImport }) => ({ ...user, canImport })),
    createdAt: project.createdAt.toISOString(),
    updatedAt: project.updatedAt.toISOString(),
  };
}

/** POST /projects and GET /projects/:id under /api/v1. */
export function projectsApiRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.post("/projects", requireRole("admin"), async (req, res) => {
    const project = await createProject(prisma, req.user!.id, parseInput(createProjectInput, req.body));
    res
      .status(201)
      .location(`/api/v1/projects/${project.id}`)
      .json(presentProject(await getProject(prisma, req.user!, project.id)));
  });

  router.get("/projects/:id", requireLogin, async (req, res) => {
    res.json(presentProject(await getProject(prisma, req.user!, parseId(projectIdParam, req.params.id))));
  });

  return router;
}
