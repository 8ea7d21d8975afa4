import type { NextFunction, Request, Response } from "express";
import { AppError, InvalidError, NotFoundError, TooManyRequestsError, ConflictError } from "../errors.js";
import { wantsJson } from "./negotiation.js";

const titles: Record<number, string> = {
  400: "Bad request",
  401: "Please log in",
  403: "Not allowed",
  404: "Not found",
  409: "Changed by someone else",
  413: "Too large",
  422: "Please check your input",
  429: "Too many attempts",
  500: "Something went wrong",
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

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction) {
  next(new NotFoundError());
}

/** The one place errors become answers: typed errors map to their status, anything else is a 500. */
export function errorHandler(isDevelopment: boolean) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let code = "internal";
    let message = "The server hit an unexpected problem. It has been logged; please try again.";
    let field: string | undefined;
    if (error instanceof AppError) {
      ({ status, code, message } = error);
      if (error instanceof InvalidError) field = error.field;
      if (error instanceof TooManyRequestsError)
        res.setHeader("Retry-After", String(error.retryAfterSeconds));
    } else {
      const known = libraryStatus(error);
      if (known) ({ status, code, message } = known);
    }
    if (status >= 500) req.log?.error({ err: error }, "request failed");
    if (res.headersSent) return res.end();
    res.status(status);
    if (wantsJson(req)) {
      const body: Record<string, unknown> = { code, message, ...(field ? { field } : {}) };
      if (error instanceof ConflictError && error.current !== undefined) {
        body.current = error.current;
        // The version to send next time, so a client can retry knowingly without reading `current`.
        const version = (error.current as { version?: unknown }).version;
        if (typeof version === "number") body.currentVersion = version;
      }
      return res.json({ error: body });
    }
    res.render("errors/error", {
      title: titles[status] ?? "Error",
      status,
      message,
      detail: isDevelopment && status >= 500 && error instanceof Error ? error.stack : undefined,
    });
  };
}
