import { Router, type Request, type Response } from "express";
import type { PrismaClient } from "../db/types.js";
import { ConflictError, InvalidError, SimilarExistsError } from "../errors.js";
import { flash } from "../http/flash.js";
import { handleForm } from "../http/forms.js";
import { requireLogin, requireRole } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput, problemsByField } from "../http/validate.js";
import { projectIdParam } from "../projects/projects.schema.js";
import {
  createSpeakerInput,
  mergeSpeakersInput,
  speakerIdParam,
  speakersPageQuery,
  updateSpeakerInput,
} from "./speakers.schema.js";
import {
  createSpeaker,
  getSpeaker,
  mergeSpeakers,
  speakersOverview,
  updateSpeaker,
  type SpeakerState,
} from "./speakers.service.js";

function projectIdOf(req: Request): number {
  return parseId(projectIdParam, req.params.projectId);
}

function basePath(projectId: number): string {
  return `/projects/${projectId}/speakers`;
}

interface FormState {
  values?: unknown;
  errors?: Record<string, string>;
  /** Speakers whose names resemble the one being added (409 similar_speakers). */
  similar?: unknown[];
}

/** Speaker pages of one project, mounted at /projects/:projectId/speakers. Admins edit and merge. */
export function speakersRoutes(prisma: PrismaClient): Router {
  const router = Router({ mergeParams: true });
  const requireAdmin = requireRole("admin");

  async function renderIndex(
    req: Request,
    res: Response,
    status = 200,
    forms: { merge?: FormState; create?: FormState } = {},
  ) {
    const projectId = projectIdOf(req);
    const { q } = parseInput(speakersPageQuery, req.query);
    const { project, total, speakers, matches, narrowed } = await speakersOverview(
      prisma,
      req.user!,
      projectId,
      q,
    );
    res.status(status).render("speakers/index", {
      title: `Speakers · ${project.name}`,
      project,
      total,
      speakers,
      matches,
      narrowed,
      q,
      base: basePath(projectId),
      isAdmin: req.user!.role === "admin",
      canAdd: req.user!.role !== "researcher",
      mergeForm: { values: {}, errors: {}, ...forms.merge },
      createForm: { values: {}, errors: {}, similar: [], ...forms.create },
    });
  }

  router.get("/", requireLogin, async (req, res) => {
    await renderIndex(req, res);
  });

  // Adding a speaker by hand; a name like an existing one's asks first (the same rule as the API).
  router.post("/", requireRole("admin", "annotator"), async (req, res) => {
    const projectId = projectIdOf(req);
    try {
      const input = parseInput(createSpeakerInput, req.body);
      const speaker = await createSpeaker(prisma, req.user!, projectId, input);
      flash(req, "success", `Added ${speaker.name}.`);
      res.redirect(basePath(projectId));
    } catch (error) {
      const values = req.body as unknown;
      if (error instanceof InvalidError) {
        return renderIndex(req, res, 422, { create: { values, errors: problemsByField(error) } });
      }
      if (error instanceof SimilarExistsError) {
        return renderIndex(req, res, 409, { create: { values, similar: [...error.candidates] } });
      }
      if (error instanceof ConflictError) {
        return renderIndex(req, res, 409, { create: { values, errors: { _form: error.message } } });
      }
      throw error;
    }
  });

  router.post("/merge", requireAdmin, async (req, res) => {
    const projectId = projectIdOf(req);
    try {
      const { keepId, mergeId } = parseInput(mergeSpeakersInput, req.body);
      const { kept, claimsMoved } = await mergeSpeakers(prisma, req.user!, projectId, keepId, mergeId);
      flash(
        req,
        "success",
        `Merged into ${kept.name}: ${claimsMoved} ${claimsMoved === 1 ? "claim" : "claims"} moved, ` +
          "the other speaker's names kept as aliases.",
      );
      res.redirect(basePath(projectId));
    } catch (error) {
      if (error instanceof InvalidError) {
        return renderIndex(req, res, 422, { merge: { values: req.body, errors: problemsByField(error) } });
      }
      if (error instanceof ConflictError) {
        return renderIndex(req, res, 409, { merge: { values: req.body, errors: { _form: error.message } } });
      }
      throw error;
    }
  });

  router.get("/:speakerId/edit", requireAdmin, async (req, res) => {
    const { project, speaker } = await getSpeaker(
      prisma,
      req.user!,
      projectIdOf(req),
      parseId(speakerIdParam, req.params.speakerId),
    );
    res.render("speakers/edit", editLocals(project, speaker, { values: speaker }));
  });

  router.post("/:speakerId", requireAdmin, async (req, res) => {
    const projectId = projectIdOf(req);
    const speakerId = parseId(speakerIdParam, req.params.speakerId);
    const { project, speaker } = await getSpeaker(prisma, req.user!, projectId, speakerId);
    try {
      await handleForm(
        res,
        { view: "speakers/edit", locals: editLocals(project, speaker), values: req.body },
        async () => {
          const input = parseInput(updateSpeakerInput, req.body);
          const saved = await updateSpeaker(prisma, req.user!, projectId, speakerId, input);
          flash(req, "success", `Saved ${saved.name}.`);
          res.redirect(basePath(projectId));
        },
      );
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const saved = (error.current as SpeakerState | undefined) ?? speaker;
      // Keep what they typed, show what is saved now, and let a second save go through knowingly.
      res.status(409).render(
        "speakers/edit",
        editLocals(project, saved, {
          values: { ...(req.body as object), version: saved.version },
          errors: { _form: error.message },
          saved,
        }),
      );
    }
  });

  return router;
}

function editLocals(
  project: { id: number; name: string },
  speaker: { id: number; name: string; version: number },
  extra: { values?: unknown; errors?: Record<string, string>; saved?: unknown } = {},
) {
  return {
    title: `Edit ${speaker.name}`,
    project,
    speaker,
    base: basePath(project.id),
    saved: undefined,
    ...extra,
  };
}
