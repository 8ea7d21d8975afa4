import { Router, type Request, type Response } from "express";
import type { BulkLimits } from "../config.js";
import type { PrismaClient } from "../db/types.js";
import { NotFoundError, UnsupportedMediaTypeError } from "../errors.js";
import { ClientIdleLimit } from "../http/client-idle.js";
import { requireRole } from "../http/guards.js";
import { writeOrWait } from "../http/streaming.js";
import { parseInput } from "../http/validate.js";
import { IDEMPOTENCY_HEADER, idempotencyKey } from "../idempotency/idempotency.schema.js";
import { readLines } from "../text/lines.js";
import { readUploadRecord, recordMessages, storedLinesOf } from "./bulk-import.records.js";
import { bulkImportQuery, MAX_LINE_BYTES } from "./bulk-import.schema.js";
import { ClientGoneError, importClaims, type BulkSummary, type LineReport } from "./bulk-import.service.js";

const JSON_LINES = [
  "application/x-ndjson",
  "application/jsonl",
  "application/json-lines",
  "application/jsonlines",
];
const NDJSON = "application/x-ndjson; charset=utf-8";

/**
 * POST /api/v1/claims/bulk?mode=all|valid: JSON Lines in, a JSON Lines report out, streamed both
 * ways (docs/api.md, "Bulk claims"). The answer starts once the upload is under way, so its status
 * is 200 from then on; the last line, {"summary": …}, says what was stored. With an
 * Idempotency-Key the upload can be resumed by sending the same file again with the same key, and
 * GET /api/v1/claims/bulk/:key reads what it stored.
 */
export function bulkImportApiRoutes(
  prisma: PrismaClient,
  limits: BulkLimits = { perUser: 2, idleTimeoutMs: 60_000 },
): Router {
  const router = Router();

  router.post("/claims/bulk", requireRole("admin", "annotator"), async (req, res) => {
    const { mode } = parseInput(bulkImportQuery, req.query);
    const key = keyOf(req);
    if (!req.is(JSON_LINES)) {
      throw new UnsupportedMediaTypeError(
        "Send the claims as JSON Lines, one claim per line, with Content-Type: application/x-ndjson.",
      );
    }
    const clientGone = whenClientGone(res);
    // A client that stops sending lines or reading the report is ended, not waited for.
    const idle = new ClientIdleLimit(req.socket, limits.idleTimeoutMs, () => clientGone.abort());
    let summary: BulkSummary;
    try {
      summary = await importClaims(prisma, req.user!, readLines(idle.read(req), MAX_LINE_BYTES), {
        mode,
        key,
        perUser: limits.perUser,
        signal: clientGone.signal,
        accepted: () => res.status(200).type(NDJSON).flushHeaders(),
        report: (entries) => idle.wait(writeReport(res, entries, clientGone.signal)),
        onFailure: (error) => req.log.error({ err: error }, "bulk claims upload stopped"),
      });
    } finally {
      idle.close();
    }
    if (clientGone.signal.aborted) {
      req.log.info(
        { key: summary.key, lines: summary.lines, idleSeconds: idle.expired ? idle.ms / 1000 : undefined },
        idle.expired
          ? "bulk claims upload ended: the client kept it waiting too long"
          : "bulk claims upload ended: the client went away",
      );
      return;
    }
    if (!res.headersSent) res.status(200).type(NDJSON);
    res.end(`${JSON.stringify({ summary } satisfies { summary: BulkSummary })}\n`);
  });

  router.get("/claims/bulk/:key", requireRole("admin", "annotator"), async (req, res) => {
    res.json(await readUploadRecord(prisma, req.user!.id, keyParam(req.params.key)));
  });

  /** The stored lines with their claims' ids, as JSON Lines ({"line","id"}): for uploads of any size. */
  router.get("/claims/bulk/:key/lines", requireRole("admin", "annotator"), async (req, res) => {
    const pages = await storedLinesOf(prisma, req.user!.id, keyParam(req.params.key));
    const clientGone = whenClientGone(res);
    res.status(200).type(NDJSON);
    for await (const page of pages) {
      let text = "";
      for (const entry of page) text += `${JSON.stringify(entry)}\n`;
      try {
        await writeOrWait(res, text, clientGone.signal);
      } catch {
        return;
      }
    }
    res.end();
  });

  return router;
}

/** A key in a path: one that cannot be a key names no upload (404), as any unknown id does. */
function keyParam(raw: unknown): string {
  const parsed = idempotencyKey.safeParse(raw);
  if (!parsed.success) throw new NotFoundError(recordMessages.unknown);
  return parsed.data;
}

function keyOf(req: Request): string | undefined {
  const raw = req.get(IDEMPOTENCY_HEADER);
  return raw === undefined ? undefined : parseInput(idempotencyKey, raw.trim());
}

/** Aborted when the connection closes before the answer was complete: the client has gone. */
function whenClientGone(res: Response): AbortController {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller;
}

async function writeReport(res: Response, entries: LineReport[], signal: AbortSignal): Promise<void> {
  let text = "";
  for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
  try {
    await writeOrWait(res, text, signal);
  } catch {
    throw new ClientGoneError("the client stopped reading the report");
  }
}
