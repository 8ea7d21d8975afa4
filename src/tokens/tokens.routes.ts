import { Router } from "express";
import { z } from "zod";
import type { PrismaClient } from "../db/types.js";
import { flash } from "../http/flash.js";
import { handleForm } from "../http/forms.js";
import { requireLogin } from "../http/guards.js";
import { parseId, pathId, visibleText } from "../http/fields.js";
import { parseInput } from "../http/validate.js";
import { createApiToken, listApiTokens, revokeApiToken } from "./tokens.service.js";

const createTokenInput = z.object({
  name: visibleText("A token name", 100, "Name the token after the script that will use it."),
  scope: z.enum(["read", "write"], { message: "Choose read-only or read-write." }),
});
const tokenIdParam = pathId("No such active token.");

/** Personal API tokens on the profile: create (shown once), list, revoke. */
export function tokensRoutes(prisma: PrismaClient): Router {
  const router = Router();
  router.use(requireLogin);

  router.get("/", async (req, res) => {
    const reveal = req.session.revealToken;
    delete req.session.revealToken;
    res.render("users/tokens", {
      title: "API tokens",
      tokens: await listApiTokens(prisma, req.user!.id),
      reveal,
      values: { scope: "read" },
      errors: {},
    });
  });

  router.post("/", async (req, res) => {
    const locals = {
      title: "API tokens",
      tokens: await listApiTokens(prisma, req.user!.id),
      reveal: undefined,
    };
    await handleForm(res, { view: "users/tokens", locals, values: req.body }, async () => {
      const { name, scope } = parseInput(createTokenInput, req.body);
      const { token } = await createApiToken(prisma, req.user!.id, name, scope);
      req.session.revealToken = token;
      res.redirect("/profile/tokens");
    });
  });

  router.post("/:id/revoke", async (req, res) => {
    await revokeApiToken(prisma, req.user!.id, parseId(tokenIdParam, req.params.id));
    flash(req, "success", "Token revoked: scripts using it now get 401.");
    res.redirect("/profile/tokens");
  });

  return router;
}
