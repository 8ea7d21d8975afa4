import type { NextFunction, Request, Response } from "express";
import { ForbiddenError, UnauthorizedError } from "../errors.js";
import type { RoleName } from "../users/users.schema.js";
import { loggedOutMessage } from "./csrf.js";
import { wantsJson } from "./negotiation.js";

/**
 * States which roles a route admits. Logged-out page visits go to /login and come back afterwards;
 * API calls get 401. A logged-in user of another role gets 403.
 */
export function requireRole(...allowed: RoleName[]) {
  const guard = (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) {
      // A browser's write whose session ended (e.g. its user was deactivated) says so plainly.
      const sessionWrite = req.method !== "GET" && !req.headers.authorization;
      if (sessionWrite) return next(new UnauthorizedError(loggedOutMessage));
      if (wantsJson(req)) return next(new UnauthorizedError());
      return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    if (!allowed.includes(req.user.role)) return next(new ForbiddenError());
    next();
  };
  // Stated on the guard itself, so tests can list every route with the roles it admits.
  return Object.assign(guard, { roles: allowed });
}

/** Routes anyone may call, logged in or not: stated here so that every other route needs a guard. */
export const publicRoute = Object.assign((_req: Request, _res: Response, next: NextFunction) => next(), {
  roles: "public" as const,
});

export const anyRole = ["admin", "researcher", "annotator"] as const satisfies RoleName[];
export const requireLogin = requireRole(...anyRole);
