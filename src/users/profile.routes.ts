import { Router } from "express";
import type { ThrottleLimits } from "../auth/login-throttle.js";
import type { PrismaClient } from "../db/types.js";
import { flash } from "../http/flash.js";
import { handleForm } from "../http/forms.js";
import { requireLogin } from "../http/guards.js";
import { parseInput } from "../http/validate.js";
import { changeOwnPasswordInput, profileInput } from "./users.schema.js";
import { changeOwnPassword, getUser, updateProfile } from "./users.service.js";

/** Every user's own page: name and password. */
export function profileRoutes(prisma: PrismaClient, limits: ThrottleLimits): Router {
  const router = Router();
  router.use(requireLogin);

  router.get("/", async (req, res) => {
    const user = await getUser(prisma, req.user!.id);
    res.render("users/profile", { title: "Your profile", values: user, errors: {} });
  });

  router.post("/", async (req, res) => {
    await handleForm(
      res,
      { view: "users/profile", locals: { title: "Your profile" }, values: req.body },
      async () => {
        const { name, version } = parseInput(profileInput, req.body);
        await updateProfile(prisma, req.user!.id, name, version);
        flash(req, "success", "Your name is saved.");
        res.redirect("/profile");
      },
    );
  });

  router.get("/password", (req, res) => {
    res.render("users/password", {
      title: "Change your password",
      forced: req.user!.mustChangePassword,
      errors: {},
    });
  });

  router.post("/password", async (req, res) => {
    const locals = { title: "Change your password", forced: req.user!.mustChangePassword };
    await handleForm(res, { view: "users/password", locals, values: {} }, async () => {
      const input = parseInput(changeOwnPasswordInput, req.body);
      const attempt = { ...input, userId: req.user!.id, ip: req.ip ?? "unknown" };
      await changeOwnPassword(prisma, attempt, limits, req.sessionID);
      flash(req, "success", "Your password is changed. Your other sessions were logged out.");
      res.redirect("/");
    });
  });

  return router;
}
