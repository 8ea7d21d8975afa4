import { Router } from "express";
import { requireLogin } from "../http/guards.js";

/**
 * GET /api/v1/session: who is logged in, and this session's CSRF token. A page whose token went
 * stale (its user logged in again in another tab, which starts a new session) fetches a fresh
 * one here instead of telling the user that the form "did not come from this site".
 */
export function sessionApiRoutes(): Router {
  const router = Router();

  router.get("/session", requireLogin, (req, res) => {
    const { id, name, role } = req.user!;
    // A bearer token writes without CSRF, and has no session to hold a token.
    const csrfToken = req.apiTokenScope === undefined ? (res.locals.csrfToken as string) : null;
    res.set("Cache-Control", "no-store").json({ user: { id, name, role }, csrfToken });
  });

  return router;
}
