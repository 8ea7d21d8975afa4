import { Router, type NextFunction, type Request, type Response } from "express";
import type passport from "passport";
import type { PrismaClient } from "../db/types.js";
import { NotFoundError, TooManyRequestsError } from "../errors.js";
import { handleForm } from "../http/forms.js";
import { publicRoute, requireLogin } from "../http/guards.js";
import { safeLocalPath } from "../http/safe-redirect.js";
import { parseInput } from "../http/validate.js";
import { firstAdminInput, loginInput } from "./auth.schema.js";
import { createFirstAdmin, needsFirstAdmin, recordLogin } from "./auth.service.js";
import type { CurrentUser } from "../http/current-user.js";

function logIn(req: Request, user: Express.User): Promise<void> {
  // Passport regenerates the session here, so the session id changes at login (no fixation). It is
  // the first time a logged-out visitor's session is stored (session-store.ts).
  return new Promise((resolve, reject) => req.login(user, (error) => (error ? reject(error) : resolve())));
}

function afterLogin(user: CurrentUser, next: string | undefined): string {
  return user.mustChangePassword ? "/profile/password" : safeLocalPath(next);
}

export function authRoutes(prisma: PrismaClient, auth: passport.PassportStatic): Router {
  const router = Router();

  router.get("/login", publicRoute, async (req, res) => {
    if (req.user) return res.redirect(safeLocalPath(req.query.next));
    if (await needsFirstAdmin(prisma)) return res.redirect("/setup");
    res.render("auth/login", {
      title: "Log in",
      values: { next: safeLocalPath(req.query.next) },
      errors: {},
    });
  });

  router.post("/login", publicRoute, (req: Request, res: Response, next: NextFunction) => {
    const input = parseInput(loginInput, req.body);
    auth.authenticate("local", (error: unknown, user: Express.User | false, info?: { message?: string }) => {
      const again = (status: number, message: string) =>
        res.status(status).render("auth/login", {
          title: "Log in",
          values: { email: input.email, next: input.next },
          errors: { _form: message },
        });
      if (error instanceof TooManyRequestsError) {
        // The form again, saying when to try: the wait is seconds to minutes, not a dead end.
        res.setHeader("Retry-After", String(error.retryAfterSeconds));
        return again(429, error.message);
      }
      if (error) return next(error);
      if (!user) return again(401, info?.message ?? "Enter your email and password.");
      logIn(req, user)
        .then(() => recordLogin(prisma, user.id))
        .then(() => res.redirect(afterLogin(user, input.next)))
        .catch(next);
    })(req, res, next);
  });

  router.post("/logout", requireLogin, (req, res, next) => {
    req.logout((logoutError) => {
      if (logoutError) return next(logoutError);
      // Passport keeps a fresh anonymous session; end it server-side as well.
      req.session.destroy((destroyError) => {
        if (destroyError) return next(destroyError);
        res.clearCookie("claimant.sid");
        res.redirect("/login");
      });
    });
  });

  router.get("/setup", publicRoute, async (_req, res) => {
    if (!(await needsFirstAdmin(prisma))) throw new NotFoundError();
    res.render("auth/setup", { title: "Create the first admin", values: {}, errors: {} });
  });

  router.post("/setup", publicRoute, async (req, res) => {
    if (!(await needsFirstAdmin(prisma))) throw new NotFoundError();
    await handleForm(
      res,
      { view: "auth/setup", locals: { title: "Create the first admin" }, values: req.body },
      async () => {
        const input = parseInput(firstAdminInput, req.body);
        const admin = await createFirstAdmin(prisma, input);
        await logIn(req, admin);
        await recordLogin(prisma, admin.id);
        res.redirect("/");
      },
    );
  });

  return router;
}
