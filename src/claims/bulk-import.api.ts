import { Router, type Response } from "express";
import type { PrismaClient } from "../db/types.js";
import { UnsupportedMediaTypeError } from "../errors.js";
import { requireRole } from "../http/guards.js";
import { parseInput } from "../http/validate.js";
import { readLines } from "../text/lines.js";
import { bulkImportQuery, MAX_LINE_BYTES } from "./bulk-import.schema.js";
import { importClaims, type BulkSummary, type LineReport } from "./bulk-import.service.js";

const JSON_LINES = [
  "application/x-ndjson",
  "application/jsonl",
  "application/json-lines",
  "application/jsonlines",
];

/**
 * POST /api/v1/claims/bulk?mode=all|valid: JSON Lines in, a JSON Lines report out, streamed both
 * ways (docs/api.md, "Bulk claims"). The answer starts before the upload ends, so its status is
 * 200 once the upload is accepted; the last line, {"summary": …}, says what was stored.
 */
export function bulkImportApiRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.post("/claims/bulk", requireRole("admin", "annotator"), async (req, res) => {
    const { mode } = parseInput(bulkImportQuery, req.query);
    if (!req.is(JSON_LINES)) {
      throw new UnsupportedMediaTypeError(
        "Send the claims as JSON Lines, one claim per line, with Content-Type: application/x-ndjson.",
      );
    }
    res.status(200).type("application/x-ndjson; charset=utf-8");
    const summary = await importClaims(prisma, req.user!, readLines(req, MAX_LINE_BYTES), {
      mode,
      report: (entries) => writeLines(res, entries),
      onFailure: (error) => req.log.error({ err: error }, "bulk claims upload stopped"),
    });
    res.end(`${JSON.stringify({ summary } satisfies { summary: BulkSummary })}\n`);
  });

  return router;
}

/** Writes a batch's report lines, waiting while the client's buffer is full (memory stays flat). */
async function writeLines(res: Response, entries: LineReport[]): Promise<void> {
  let text = "";
  for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
  if (res.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", gone);
      resolve();
    };
    const gone = () => {
      res.off("drain", done);
      reject(new ClientGone());
    };
    res.on("drain", done);
    res.on("close", gone);
  });
}

/** The client stopped reading the report: the upload stops (an all-or-nothing upload stores nothing). */
class ClientGone extends Error {}
