import { Router, type Request, type Response } from "express";
import { listAuditEvents } from "../audit/audit.service.js";
import type { PrismaClient } from "../db/types.js";
import { AppError, ConflictError, ForbiddenError, InvalidError } from "../errors.js";
import { flash } from "../http/flash.js";
import { handleForm } from "../http/forms.js";
import { requireRole } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput } from "../http/validate.js";
import {
  changeRoleInput,
  createUserInput,
  resetPasswordInput,
  roles,
  userIdParam,
  versionOnlyInput,
} from "./users.schema.js";
import {
  changeRole,
  createUser,
  deactivateUser,
  getUser,
  listUsers,
  loginThrottleOf,
  reactivateUser,
  resetPassword,
  unlockLogin,
} from "./users.service.js";

/** Admin pages for managing accounts, under /admin/users. */
export function usersRoutes(prisma: PrismaClient): Router {
  const router = Router();
  router.use(requireRole("admin"));

  router.get("/", async (_req, res) => {
    res.render("users/index", { title: "Users", users: await listUsers(prisma) });
  });

  router.get("/new", (_req, res) => {
    res.render("users/new", { title: "New user", roles, values: { role: "annotator" }, errors: {} });
  });

  router.post("/", async (req, res) => {
    await handleForm(
      res,
      { view: "users/new", locals: { title: "New user", roles }, values: req.body },
      async () => {
        const input = parseInput(createUserInput, req.body);
        const { user, generatedPassword } = await createUser(prisma, req.user!.id, input);
        if (generatedPassword)
          req.session.revealPassword = { userId: user.id, email: user.email, password: generatedPassword };
        flash(req, "success", `Created ${user.name}. They must choose a new password at first login.`);
        res.redirect(`/admin/users/${user.id}`);
      },
    );
  });

  router.get("/:id", async (req, res) => {
    await renderUser(req, res, 200);
  });

  /** Runs one admin action; refusals (409, 403, 422) re-render the user page with the reason. */
  function action(path: string, run: (req: Request) => Promise<string>) {
    router.post(`/:id/${path}`, async (req, res) => {
      try {
        flash(req, "success", await run(req));
        res.redirect(`/admin/users/${parseId(userIdParam, req.params.id)}`);
      } catch (error) {
        if (!(
          error instanceof ConflictError ||
          error instanceof ForbiddenError ||
          error instanceof InvalidError
        )) {
          throw error;
        }
        await renderUser(req, res, error.status, error);
      }
    });
  }

  action("role", async (req) => {
    const { role, version } = parseInput(changeRoleInput, req.body);
    const user = await changeRole(prisma, req.user!.id, parseId(userIdParam, req.params.id), role, version);
    return `${user.name} is now ${role === "admin" ? "an" : "a"} ${role}.`;
  });

  action("deactivate", async (req) => {
    const { version } = parseInput(versionOnlyInput, req.body);
    const user = await deactivateUser(prisma, req.user!.id, parseId(userIdParam, req.params.id), version);
    return `${user.name} is deactivated and logged out everywhere.`;
  });

  action("reactivate", async (req) => {
    const { version } = parseInput(versionOnlyInput, req.body);
    const user = await reactivateUser(prisma, req.user!.id, parseId(userIdParam, req.params.id), version);
    return `${user.name} can log in again.`;
  });

  action("password", async (req) => {
    const { password, version } = parseInput(resetPasswordInput, req.body);
    const id = parseId(userIdParam, req.params.id);
    const { user, generatedPassword } = await resetPassword(prisma, req.user!.id, id, password, version);
    if (generatedPassword)
      req.session.revealPassword = { userId: id, email: user.email, password: generatedPassword };
    return `Password of ${user.name} reset. They must choose a new one at their next login.`;
  });

  action("unlock", async (req) => {
    const user = await unlockLogin(prisma, req.user!.id, parseId(userIdParam, req.params.id));
    return `${user.name} can log in again from anywhere: their failed attempts are forgotten.`;
  });

  async function renderUser(req: Request, res: Response, status: number, error?: AppError) {
    const id = parseId(userIdParam, req.params.id);
    const user = await getUser(prisma, id);
    const reveal = req.session.revealPassword?.userId === id ? req.session.revealPassword : undefined;
    delete req.session.revealPassword;
    res.status(status).render("users/show", {
      title: user.name,
      user,
      roles,
      reveal,
      actionError: error?.message,
      throttle: await loginThrottleOf(prisma, user),
      audit: await listAuditEvents(prisma, "user", id),
      isSelf: req.user!.id === id,
    });
  }

  return router;
}
