import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { PrismaClient } from "../db/types.js";
import { InvalidError } from "../errors.js";
import { parseInput } from "../http/validate.js";
import { IDEMPOTENCY_HEADER, idempotencyKey } from "./idempotency.schema.js";
import {
  findAnswer,
  isKeyTaken,
  requestFingerprint,
  type FoundAnswer,
  type IdempotentWrite,
} from "./idempotency.service.js";

const messages = {
  otherRequest: (key: string) =>
    `The ${IDEMPOTENCY_HEADER} "${key}" was already used for a different request (another path or body). ` +
    "Send a new key with each new request; reuse a key only to retry the very same request.",
};

/**
 * For API writes: a request whose Idempotency-Key was answered before gets that answer again
 * (header Idempotent-Replayed: true) and nothing is written; the same key with another request
 * is a 422. Otherwise the key travels to the service (idempotencyOf), which stores the answer in
 * the write's own transaction. Requests without the header pass unchanged.
 */
export function idempotent(prisma: PrismaClient): RequestHandler {
  return async (req, res, next) => {
    const raw = req.get(IDEMPOTENCY_HEADER);
    if (raw === undefined) return next();
    const key = parseInput(idempotencyKey, raw.trim());
    const write: IdempotentWrite = { userId: req.user!.id, key, fingerprint: fingerprintOf(req) };
    const found = await findAnswer(prisma, write.userId, key);
    if (found) return replay(res, write, found);
    res.locals.idempotentWrite = write;
    next();
  };
}

/** The key the request came with, for the service to store its answer under. */
export function idempotencyOf(res: Response): IdempotentWrite | undefined {
  return res.locals.idempotentWrite as IdempotentWrite | undefined;
}

/**
 * An error handler placed before the app's own: a write that lost the race for its key to a
 * concurrent request with the same key (which committed first) answers as that request did.
 */
export function replayWhenKeyTaken(prisma: PrismaClient) {
  return async (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const write = idempotencyOf(res);
    if (!write || !isKeyTaken(error) || res.headersSent) return next(error);
    try {
      const found = await findAnswer(prisma, write.userId, write.key);
      if (!found) return next(error);
      replay(res, write, found);
    } catch (lookupFailed) {
      next(lookupFailed);
    }
  };
}

function replay(res: Response, write: IdempotentWrite, found: FoundAnswer): void {
  if (found.fingerprint !== write.fingerprint) throw new InvalidError(messages.otherRequest(write.key));
  res.status(found.status).setHeader("Idempotent-Replayed", "true");
  if (found.location) res.location(found.location);
  if (found.body === null || found.body === undefined) res.end();
  else res.json(found.body);
}

function fingerprintOf(req: Request): string {
  const query = new URLSearchParams(
    Object.entries(req.query as Record<string, unknown>)
      .map(([name, value]) => [name, String(value)] as [string, string])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ).toString();
  return requestFingerprint(req.method, `${req.baseUrl}${req.path}`, query, req.body);
}
