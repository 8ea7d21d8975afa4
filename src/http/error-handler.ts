import type { NextFunction, Request, Response } from "express";
import { isDatabaseUnavailable, isDiskFull } from "../db/availability.js";
import {
  AppError,
  ConflictError,
  InsufficientStorageError,
  InvalidError,
  NotFoundError,
  ServiceUnavailableError,
} from "../errors.js";
import type { OutageLog } from "./outage-log.js";
import { wantsJson } from "./negotiation.js";

/** Long enough for a restarting or failing-over database; short enough that nobody gives up. */
const DATABASE_RETRY_SECONDS = 5;

const databaseUnavailable = () =>
  new ServiceUnavailableError(
    "database_unavailable",
    "The database is unavailable at the moment, so nothing could be read or saved. Please try again in a few seconds.",
    DATABASE_RETRY_SECONDS,
  );

const titles: Record<number, string> = {
  400: "Bad request",
  401: "Please log in",
  403: "Not allowed",
  404: "Not found",
  409: "Changed by someone else",
  413: "Too large",
  422: "Please check your input",
  429: "Too many requests",
  500: "Something went wrong",
  503: "Temporarily unavailable",
  507: "The disk is full",
};

interface HttpishError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

/** Body-parser, CSRF and other libraries throw http-errors with a status; keep theirs when safe. */
function libraryStatus(error: unknown): { status: number; message: string; code: string } | undefined {
  const e = error as HttpishError;
  const status = e?.status ?? e?.statusCode;
  if (typeof status !== "number" || status < 400 || status >= 500) return undefined;
  if (e.type === "entity.too.large") {
    return { status, code: "too_large", message: "The request is too large. Send less at once." };
  }
  if (
    e.message === "invalid csrf token" ||
    e.type === "EBADCSRFTOKEN" ||
    (e as { code?: string }).code === "EBADCSRFTOKEN"
  ) {
    return {
      status: 403,
      code: "csrf",
      message: "This form has expired or did not come from this site. Reload the page and try again.",
    };
  }
  return {
    status,
    code: "bad_request",
    message: e.expose && e.message ? e.message : (titles[status] ?? "Bad request"),
  };
}

/** Failures of the database's that are conditions to wait out, not bugs: 503, 507. */
function knownCondition(thrown: unknown): unknown {
  if (isDatabaseUnavailable(thrown)) return databaseUnavailable();
  if (isDiskFull(thrown)) return new InsufficientStorageError();
  return thrown;
}

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction) {
  next(new NotFoundError());
}

/**
 * The one place errors become answers: typed errors map to their status, a database that cannot
 * be reached to 503, anything else is a 500.
 */
export function errorHandler(isDevelopment: boolean, outages?: OutageLog) {
  return (thrown: unknown, req: Request, res: Response, _next: NextFunction) => {
    const error = thrown instanceof AppError ? thrown : knownCondition(thrown);
    let status = 500;
    let code = "internal";
    let message = "The server hit an unexpected problem. It has been logged; please try again.";
    let field: string | undefined;
    if (error instanceof AppError) {
      ({ status, code, message } = error);
      if (error instanceof InvalidError) field = error.field;
    } else {
      const known = libraryStatus(error);
      if (known) ({ status, code, message } = known);
    }
    if (res.headersSent) {
      // Part of the body is out. Ending it normally would hand the client a short file that
      // looks complete; destroying the connection makes it a failed download instead.
      req.log?.error({ err: thrown }, "response cut short: failed after the first byte");
      res.destroy();
      return;
    }
    // A 503 or 507 is a known condition (database down, exports busy, disk full) with its own
    // message, not a bug: logged once per outage with a count (outage-log.ts), not per request.
    if (error instanceof ServiceUnavailableError || error instanceof InsufficientStorageError) {
      res.locals.expectedRefusal = true;
      if (outages) outages.note(error.code, thrown);
      else req.log?.warn({ err: thrown }, "request refused for now");
    } else if (status >= 500) req.log?.error({ err: thrown }, "request failed");
    if (error instanceof AppError && error.retryAfterSeconds !== undefined) {
      res.setHeader("Retry-After", String(error.retryAfterSeconds));
    }
    res.status(status);
    if (wantsJson(req)) {
      const body: Record<string, unknown> = {
        code,
        message,
        ...(field ? { field } : {}),
        ...(error instanceof AppError ? error.details : undefined),
      };
      if (error instanceof ConflictError && error.current !== undefined) {
        body.current = error.current;
        // The version to send next time, so a client can retry knowingly without reading `current`.
        const version = (error.current as { version?: unknown }).version;
        if (typeof version === "number") body.currentVersion = version;
      }
      return res.json({ error: body });
    }
    res.render("errors/error", {
      // Decides the way on: the dashboard for someone logged in, the login for everyone else. Read
      // from the request, so that an error thrown before the page locals are set (an expired
      // form's CSRF failure) still knows who is logged in.
      loggedIn: Boolean(req.user),
      title: titles[status] ?? "Error",
      status,
      message,
      detail: isDevelopment && status >= 500 && error instanceof Error ? error.stack : undefined,
    });
  };
}
