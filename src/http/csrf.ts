import type { NextFunction, Request, Response } from "express";
import { csrfSync } from "csrf-sync";
import { UnauthorizedError } from "../errors.js";
import "./bearer-auth.js";

/**
 * Synchroniser-token CSRF protection (csrf-sync): the token lives in the server-side session.
 * Forms send it as `_csrf`; page scripts read <meta name="csrf-token"> and send `X-CSRF-Token`.
 */
const csrf = csrfSync({
  getTokenFromRequest: (req) => {
    const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof fromBody === "string") return fromBody;
    const header = req.headers["x-csrf-token"];
    return typeof header === "string" ? header : undefined;
  },
  // Token-authenticated requests (bearer-auth.ts) carry no ambient cookies, so nothing to forge.
  skipCsrfProtection: (req) => req.apiTokenScope !== undefined,
  errorConfig: {
    statusCode: 403,
    code: "EBADCSRFTOKEN",
    message: "This form has expired or did not come from this site. Reload the page and try again.",
  },
});

/** Forms a logged-out visitor may send: their CSRF failures are about the form, not the login. */
const LOGGED_OUT_FORMS = new Set(["/login", "/setup"]);

export const loggedOutMessage =
  "You are logged out, so this was not saved. Log in again (in another tab, to keep what you typed here), then send it again.";

/**
 * Refuses writes without this session's token. A visitor whose session has ended (logged out,
 * deactivated, expired) is told that, not that the form "did not come from this site".
 */
export function csrfProtection(req: Request, res: Response, next: NextFunction) {
  csrf.csrfSynchronisedProtection(req, res, (error?: unknown) => {
    if (error && !req.user && !LOGGED_OUT_FORMS.has(req.path)) {
      return next(new UnauthorizedError(loggedOutMessage));
    }
    next(error);
  });
}

/**
 * Makes the token available to every view as `csrfToken`. It is made only when a view reads it,
 * so redirects and JSON answers do not create a session for anonymous visitors.
 */
export function exposeCsrfToken(req: Request, res: Response, next: NextFunction) {
  let token: string | undefined;
  Object.defineProperty(res.locals, "csrfToken", {
    enumerable: true,
    get: () => (token ??= csrf.generateToken(req)),
  });
  next();
}
