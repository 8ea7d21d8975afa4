import type { NextFunction, Request, Response } from "express";
import type { DbClient } from "../db/types.js";
import { ForbiddenError, UnauthorizedError } from "../errors.js";
import { authenticateToken, type TokenScope } from "../tokens/tokens.service.js";

declare module "express-serve-static-core" {
  interface Request {
    /** Set when the request authenticated with a personal API token instead of the session. */
    apiTokenScope?: TokenScope;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * `Authorization: Bearer <token>` for scripts. Such requests carry no cookies to forge, so CSRF
 * checks do not apply to them; a read-only token is refused on anything that writes.
 */
export function bearerAuth(db: DbClient) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    if (!header?.startsWith("Bearer ")) return next();
    const found = await authenticateToken(db, header.slice("Bearer ".length).trim());
    if (!found)
      return next(
        new UnauthorizedError("The API token is unknown or revoked. Create a new one on your profile page."),
      );
    if (found.scope === "read" && !SAFE_METHODS.has(req.method)) {
      return next(
        new ForbiddenError("This API token is read-only. Create a read-write token to make changes."),
      );
    }
    req.user = found.user;
    req.apiTokenScope = found.scope;
    next();
  };
}
