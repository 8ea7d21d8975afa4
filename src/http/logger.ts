import { randomUUID } from "node:crypto";
import pino, { type Logger } from "pino";
import { pinoHttp } from "pino-http";

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "claimant" },
    redact: ["req.headers.cookie", "req.headers.authorization"],
  });
}

/** Structured request logs; each request gets an id, echoed in the X-Request-Id header. */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers["x-request-id"];
      const id = typeof incoming === "string" && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
      res.setHeader("X-Request-Id", id);
      return id;
    },
    autoLogging: { ignore: (req) => req.url === "/healthz" || (req.url ?? "").startsWith("/static/") },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // Expected refusals (503, 507) are counted per outage by the error handler, not logged one by one.
    customLogLevel: (_req, res, error) =>
      (res as { locals?: { expectedRefusal?: boolean } }).locals?.expectedRefusal
        ? "silent"
        : error || res.statusCode >= 500
          ? "error"
          : "info",
  });
}
