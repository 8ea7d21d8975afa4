import { guidelinesDetour } from "../guidelines/guidelines.gate.js";
import { Router, type Request, type Response } from "express";
import type { PrismaClient } from "../db/types.js";
import { ConflictError, InvalidError } from "../errors.js";
import { flash } from "../http/flash.js";
import { handleForm } from "../http/forms.js";
import { requireLogin, requireRole } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput } from "../http/validate.js";
import { assertProjectAccess } from "./access.js";
import {
  createProjectForm,
  labelIdParam,
  labelInput,
  memberIdParam,
  memberInput,
  projectIdParam,
  studySettingsInput,
} from "./projects.schema.js";
import {
  addLabel,
  addMember,
  createProject,
  DEFAULT_STANCES,
  getProjectPage,
  listProjects,
  moveLabel,
  removeMember,
  updateLabel,
  updateStudySettings,
} from "./projects.service.js";

const listKinds = [
  { segment: "stances", kind: "stance", noun: "Stance label" },
  { segment: "targets", kind: "target", noun: "Target" },
] as const;

/** A refused action: the message, and the form field it belongs beside (if any). */
interface Failure {
  error: InvalidError | ConflictError;
  field?: string;
}

/** Project pages under /projects: everyone sees the projects they may see; admins manage them. */
export function projectsRoutes(prisma: PrismaClient): Router {
  const router = Router();
  const admin = requireRole("admin");

  router.get("/", requireLogin, async (req, res) => {
    res.render("projects/index", { title: "Projects", projects: await listProjects(prisma, req.user!) });
  });

  router.get("/new", admin, (_req, res) => {
    res.render("projects/new", {
      title: "New project",
      values: { stances: DEFAULT_STANCES.join("\n"), targets: "" },
      errors: {},
    });
  });

  router.post("/", admin, async (req, res) => {
    await handleForm(
      res,
      { view: "projects/new", locals: { title: "New project" }, values: req.body },
      async () => {
        const project = await createProject(prisma, req.user!.id, parseInput(createProjectForm, req.body));
        flash(req, "success", `Created the project “${project.name}”. Add members and import articles next.`);
        res.redirect(`/projects/${project.id}`);
      },
    );
  });

  router.get("/:projectId", requireLogin, async (req, res) => {
    const projectId = parseId(projectIdParam, req.params.projectId);
    await assertProjectAccess(prisma, req.user!, projectId);
    const detour = await guidelinesDetour(prisma, req.user!, projectId, req.originalUrl);
    if (detour) return res.redirect(detour);
    await renderProject(req, res, 200);
  });

  /**
   * One admin action on a project. Success: a message and back to the project page. Bad input (422)
   * or a conflict (409): the project page again, with the message beside the field it concerns.
   */
  function action(
    path: string,
    field: (req: Request) => string | undefined,
    run: (req: Request, projectId: number) => Promise<string>,
    anchor: string,
  ) {
    router.post(`/:projectId/${path}`, admin, async (req, res) => {
      const projectId = parseId(projectIdParam, req.params.projectId);
      await assertProjectAccess(prisma, req.user!, projectId);
      try {
        flash(req, "success", await run(req, projectId));
        res.redirect(`/projects/${projectId}#${anchor}`);
      } catch (error) {
        if (!(error instanceof InvalidError || error instanceof ConflictError)) throw error;
        await renderProject(req, res, error.status, { error, field: field(req) });
      }
    });
  }

  action(
    "members",
    (req) => (req.body?.member === "existing" ? undefined : "member"),
    async (req, projectId) => {
      const { userId, ...rights } = parseInput(memberInput, req.body);
      await addMember(prisma, req.user!.id, projectId, userId, rights);
      const may = ["annotate", rights.canImport && "import articles", rights.isCurator && "curate"].filter(
        Boolean,
      );
      return `Saved: the member may ${may.join(", ")}.`;
    },
    "members",
  );

  action(
    "settings",
    () => undefined,
    async (req, projectId) => {
      const settings = parseInput(studySettingsInput, req.body);
      await updateStudySettings(prisma, req.user!.id, projectId, settings);
      const suggestions = [
        settings.suggestBuiltin && "built-in",
        settings.suggestExternal && "external",
      ].filter(Boolean);
      return `Saved: ${settings.blind ? "blind" : "not blind"}, ${settings.useAssignments ? "annotators work on their assigned articles" : "every member may work on every article"}, suggestions ${suggestions.length ? suggestions.join(" and ") : "off"}.`;
    },
    "study",
  );

  action(
    "members/:userId/remove",
    () => undefined,
    async (req, projectId) => {
      await removeMember(prisma, req.user!.id, projectId, parseId(memberIdParam, req.params.userId));
      return "Removed the member. Their claims stay.";
    },
    "members",
  );

  for (const { segment, kind, noun } of listKinds) {
    action(
      segment,
      () => `${kind}-new`,
      async (req, projectId) => {
        const { name } = parseInput(labelInput, req.body);
        await addLabel(prisma, req.user!.id, projectId, kind, name);
        return `${noun} “${name}” added.`;
      },
      segment,
    );
    action(
      `${segment}/:labelId/rename`,
      (req) => `${kind}-${String(req.params.labelId)}`,
      async (req, projectId) => {
        const { name } = parseInput(labelInput, req.body);
        const id = parseId(labelIdParam, req.params.labelId);
        await updateLabel(prisma, req.user!.id, projectId, kind, id, { name });
        return `${noun} renamed to “${name}”.`;
      },
      segment,
    );
    for (const [verb, retired] of [
      ["retire", true],
      ["restore", false],
    ] as const) {
      action(
        `${segment}/:labelId/${verb}`,
        () => undefined,
        async (req, projectId) => {
          const id = parseId(labelIdParam, req.params.labelId);
          await updateLabel(prisma, req.user!.id, projectId, kind, id, { retired });
          return retired
            ? `${noun} retired: it stays on existing claims but is no longer offered.`
            : `${noun} restored.`;
        },
        segment,
      );
    }
    for (const [verb, direction] of [
      ["up", -1],
      ["down", 1],
    ] as const) {
      action(
        `${segment}/:labelId/${verb}`,
        () => undefined,
        async (req, projectId) => {
          await moveLabel(prisma, projectId, kind, parseId(labelIdParam, req.params.labelId), direction);
          return `${noun} moved ${verb}.`;
        },
        segment,
      );
    }
  }

  async function renderProject(req: Request, res: Response, status: number, failure?: Failure) {
    const projectId = parseId(projectIdParam, req.params.projectId);
    const page = await getProjectPage(prisma, req.user!, projectId);
    const errors: Record<string, string> = {};
    if (failure?.field) errors[failure.field] = failure.error.message;
    res.status(status).render("projects/show", {
      title: page.project.name,
      ...page,
      isAdmin: req.user!.role === "admin",
      actionError: failure && !failure.field ? failure.error.message : undefined,
      errors,
      values: failure?.field ? { [failure.field]: req.body?.name ?? "" } : {},
    });
  }

  return router;
}
