import { plural } from "../text/plural.js";
import { Router, type Request, type Response } from "express";
import type { PrismaClient } from "../db/types.js";
import { InvalidError } from "../errors.js";
import { flash } from "../http/flash.js";
import { requireRole } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput, problemsByField } from "../http/validate.js";
import { assertProjectAccess } from "../projects/access.js";
import { projectIdParam } from "../projects/projects.schema.js";
import { assignInput, balanceInput } from "./assignments.schema.js";
import {
  assignArticles,
  assignmentsPage,
  assignUnassigned,
  unassignArticles,
} from "./assignments.service.js";

/** Admins assign a project's articles, at /projects/:projectId/assignments. */
export function assignmentsRoutes(prisma: PrismaClient): Router {
  const router = Router({ mergeParams: true });
  const admin = requireRole("admin");

  async function projectOf(req: Request) {
    const projectId = parseId(projectIdParam, (req.params as { projectId?: string }).projectId);
    await assertProjectAccess(prisma, req.user!, projectId);
    return projectId;
  }

  async function render(req: Request, res: Response, status: number, errors: Record<string, string> = {}) {
    const page = await assignmentsPage(prisma, await projectOf(req));
    res
      .status(status)
      .render("assignments/index", { title: `Assignments · ${page.project.name}`, ...page, errors });
  }

  /** A form action: success flashes and comes back; bad input re-renders with the messages. */
  function action(path: string, run: (req: Request, projectId: number) => Promise<string>) {
    router.post(path, admin, async (req, res) => {
      const projectId = await projectOf(req);
      try {
        flash(req, "success", await run(req, projectId));
        res.redirect(`/projects/${projectId}/assignments`);
      } catch (error) {
        if (!(error instanceof InvalidError)) throw error;
        await render(req, res, 422, problemsByField(error));
      }
    });
  }

  router.get("/", admin, async (req, res) => {
    await render(req, res, 200);
  });

  action("/", async (req, projectId) => {
    const input = parseInput(assignInput, req.body);
    const added = await assignArticles(prisma, req.user!.id, projectId, input);
    return `Assigned: ${plural(added, "new assignment")} (already assigned ones stay as they were).`;
  });

  action("/remove", async (req, projectId) => {
    const input = parseInput(assignInput, req.body);
    const removed = await unassignArticles(prisma, req.user!.id, projectId, input);
    return `Removed ${plural(removed, "assignment")}. Claims already made stay.`;
  });

  action("/balance", async (req, projectId) => {
    const input = parseInput(balanceInput, req.body);
    const result = await assignUnassigned(prisma, req.user!.id, projectId, input);
    return result.articles === 0
      ? "Every article is assigned already: nothing changed."
      : `Gave ${plural(result.articles, "unassigned article")} to ${input.perArticle} annotator${input.perArticle === 1 ? "" : "s"} each (${plural(result.assignments, "assignment")}), balancing the load.`;
  });

  return router;
}
