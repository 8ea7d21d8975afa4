import { Router, type Request, type Response } from "express";
import type { PrismaClient } from "../db/types.js";
import { ConflictError, InvalidError } from "../errors.js";
import { flash } from "../http/flash.js";
import { requireLogin, requireRole } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { safeLocalPath } from "../http/safe-redirect.js";
import { parseInput, problemsByField } from "../http/validate.js";
import { assertProjectAccess } from "../projects/access.js";
import { projectIdParam } from "../projects/projects.schema.js";
import { guidelinesVersionQuery, markReadInput, saveGuidelinesInput } from "./guidelines.schema.js";
import { guidelinesPage, markGuidelinesRead, saveGuidelines } from "./guidelines.service.js";
import { DIFF_CHANGED_LINES_MAX } from "./line-diff.js";

const projectOf = (req: Request) => parseId(projectIdParam, (req.params as { projectId?: string }).projectId);

/** A project's guidelines, mounted at /projects/:projectId/guidelines: read by members, written by admins. */
export function guidelinesRoutes(prisma: PrismaClient): Router {
  const router = Router({ mergeParams: true });
  const admin = requireRole("admin");

  router.get("/", requireLogin, async (req, res) => {
    const { version } = parseInput(guidelinesVersionQuery, req.query);
    const page = await guidelinesPage(prisma, req.user!, projectOf(req), version);
    // Set when the user was sent here on their first visit after a change (guidelines.gate.ts).
    const next = typeof req.query.next === "string" ? safeLocalPath(req.query.next, "") : "";
    res.render("guidelines/show", {
      title: `Guidelines · ${page.project.name}`,
      ...page,
      next,
      diffLimits: { changedLines: DIFF_CHANGED_LINES_MAX },
    });
  });

  router.get("/edit", admin, async (req, res) => {
    await renderEditor(req, res, 200);
  });

  router.post("/", admin, async (req, res) => {
    const projectId = projectOf(req);
    try {
      const { version, saved } = await saveGuidelines(
        prisma,
        req.user!,
        projectId,
        parseInput(saveGuidelinesInput, req.body),
      );
      flash(
        req,
        "success",
        saved
          ? `Saved version ${version}. Annotators see it on their next visit.`
          : "No changes: nothing saved.",
      );
      res.redirect(`/projects/${projectId}/guidelines`);
    } catch (error) {
      if (!(error instanceof InvalidError || error instanceof ConflictError)) throw error;
      await renderEditor(req, res, error.status, error);
    }
  });

  router.post("/read", requireLogin, async (req, res) => {
    const projectId = projectOf(req);
    // An unknown project is a 404 whatever the body says.
    await assertProjectAccess(prisma, req.user!, projectId);
    const { version } = parseInput(markReadInput, req.body);
    await markGuidelinesRead(prisma, req.user!, projectId, version);
    res.redirect(safeLocalPath(req.body?.next, `/projects/${projectId}`));
  });

  /** The editor; after a failed save, the user's own text stays in it. */
  async function renderEditor(
    req: Request,
    res: Response,
    status: number,
    error?: InvalidError | ConflictError,
  ) {
    const page = await guidelinesPage(prisma, req.user!, projectOf(req));
    const typed = typeof req.body?.body === "string" ? (req.body.body as string) : undefined;
    res.status(status).render("guidelines/edit", {
      title: `Edit guidelines · ${page.project.name}`,
      ...page,
      body: typed ?? page.shown?.body ?? "",
      // After a conflict the form is based on the version now in force, so the next save goes through.
      baseVersion: page.latest,
      errors: error instanceof InvalidError ? problemsByField(error) : {},
      conflict: error instanceof ConflictError ? error.message : undefined,
    });
  }

  return router;
}
