import { createHmac, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { csrfSync } from "csrf-sync";
import { UnauthorizedError } from "../errors.js";
import "./bearer-auth.js";

/**
 * CSRF protection with csrf-sync, in two modes, so that no session exists before login:
 *
 * - a logged-in user's token lives in their server-side session (synchroniser token);
 * - a logged-out visitor (the /login and /setup forms) gets a signed double-submit token: a random
 *   token in an HttpOnly cookie of its own, signed with an HMAC of the session secret, and the
 *   same token in the form. A forged or swapped cookie fails the signature, a form from another
 *   site has no token, and nothing is written to the database.
 *
 * Forms send the token as `_csrf`; page scripts read <meta name="csrf-token"> and send `X-CSRF-Token`.
 */
export const CSRF_COOKIE = "claimant.csrf";

/** Forms a logged-out visitor may send: their CSRF failures are about the form, not the login. */
const LOGGED_OUT_FORMS = new Set(["/login", "/setup"]);

export const loggedOutMessage =
  "You are logged out, so this was not saved. Log in again (in another tab, to keep what you typed here), then send it again.";

export interface CsrfOptions {
  /** The session secret: it signs the logged-out visitor's cookie. */
  secret: string;
  /** As the session cookie: "auto" marks it Secure when the request came over TLS. */
  secure: boolean | "auto";
}

export interface Csrf {
  /** Refuses writes without the right token (403; 401 when the session has ended). */
  csrfProtection(req: Request, res: Response, next: NextFunction): void;
  /** Makes the token available to views as `csrfToken`. */
  exposeCsrfToken(req: Request, res: Response, next: NextFunction): void;
}

export function createCsrf(options: CsrfOptions): Csrf {
  const sign = (token: string) =>
    createHmac("sha256", options.secret).update(`${CSRF_COOKIE}:${token}`).digest("base64url");

  /** The logged-out visitor's token, if their cookie carries a valid signature. */
  function tokenFromCookie(req: Request): string | undefined {
    const value = readCookie(req, CSRF_COOKIE);
    const dot = value?.lastIndexOf(".") ?? -1;
    if (!value || dot <= 0) return undefined;
    const token = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1));
    const expected = Buffer.from(sign(token));
    return given.length === expected.length && timingSafeEqual(given, expected) ? token : undefined;
  }

  // A logged-in browser session holds its token; everyone else (logged out) holds it in the cookie.
  const hasSession = (req: Request) => req.user !== undefined && req.apiTokenScope === undefined;

  const csrf = csrfSync({
    size: 32,
    getTokenFromRequest: (req) => {
      const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
      if (typeof fromBody === "string") return fromBody;
      const header = req.headers["x-csrf-token"];
      return typeof header === "string" ? header : undefined;
    },
    getTokenFromState: (req) => (hasSession(req) ? req.session.csrfToken : tokenFromCookie(req)),
    storeTokenInState: (req, token) => {
      if (hasSession(req)) {
        req.session.csrfToken = token;
        return;
      }
      const cookie = {
        httpOnly: true,
        sameSite: "lax" as const,
        secure: options.secure === "auto" ? req.secure : options.secure,
        path: "/",
      };
      if (typeof token === "string") req.res!.cookie(CSRF_COOKIE, `${token}.${sign(token)}`, cookie);
      else req.res!.clearCookie(CSRF_COOKIE, cookie);
    },
    // Token-authenticated requests (bearer-auth.ts) carry no ambient cookies, so nothing to forge.
    skipCsrfProtection: (req) => req.apiTokenScope !== undefined,
    errorConfig: {
      statusCode: 403,
      code: "EBADCSRFTOKEN",
      message: "This form has expired or did not come from this site. Reload the page and try again.",
    },
  });

  return {
    /**
     * Refuses writes without the token. A visitor whose session has ended (logged out,
     * deactivated, expired) is told that, not that the form "did not come from this site".
     */
    csrfProtection(req, res, next) {
      csrf.csrfSynchronisedProtection(req, res, (error?: unknown) => {
        if (error && !req.user && !LOGGED_OUT_FORMS.has(req.path)) {
          return next(new UnauthorizedError(loggedOutMessage));
        }
        next(error);
      });
    },

    /**
     * The token is made only when a view reads it, so redirects and JSON answers set nothing. A
     * logged-out visitor gets one only on the pages that hold a logged-out form (/login, /setup):
     * other public pages (errors) set no cookie at all.
     */
    exposeCsrfToken(req, res, next) {
      if (!hasSession(req) && !LOGGED_OUT_FORMS.has(req.path)) {
        // A page fetched with an API token (a script) has no form to protect, but its views
        // still write the field: empty, it is refused like any missing token.
        res.locals.csrfToken = "";
        return next();
      }
      let token: string | undefined;
      Object.defineProperty(res.locals, "csrfToken", {
        enumerable: true,
        get: () => (token ??= csrf.generateToken(req)),
      });
      next();
    },
  };
}

/** One cookie's value from the request (no cookie parser: this is the only cookie read by hand). */
function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
