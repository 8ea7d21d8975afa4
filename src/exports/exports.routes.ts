import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { claimFiltersInput } from "../claims/claims.filters.js";
import type { Database } from "../db/database.js";
import { requireRole } from "../http/guards.js";
import { parseInput } from "../http/validate.js";
import { exportArticles, exportClaims, type ClaimFormat } from "./export.service.js";

const contentTypes: Record<ClaimFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
  jsonld: 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"; charset=utf-8',
};

const excelFlag = z.object({ excel: z.enum(["1", "true", "0", "false"]).optional() });

function attachment(res: Response, fileName: string, type: string) {
  const stamp = new Date().toISOString().slice(0, 10);
  res.setHeader("Content-Type", type);
  res.setHeader("Content-Disposition", `attachment; filename="${fileName.replace("{date}", stamp)}"`);
  res.setHeader("Cache-Control", "no-store");
}

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get("host")}`;
}

/** A client that disconnects mid-export is normal: the stream stops and nothing else is owed. */
function stoppedEarly(res: Response, error: unknown): boolean {
  return res.destroyed || (error as { code?: string }).code === "ERR_STREAM_PREMATURE_CLOSE";
}

/** GET /export/claims.csv|jsonl|jsonld and /export/articles.jsonl: researchers and admins. */
export function exportsRoutes(db: Database): Router {
  const router = Router();
  router.use(requireRole("admin", "researcher"));

  for (const format of ["csv", "jsonl", "jsonld"] as const) {
    router.get(`/claims.${format}`, async (req, res) => {
      const filters = parseInput(claimFiltersInput, req.query);
      const { excel } = parseInput(excelFlag, req.query);
      attachment(res, `claims-{date}.${format}`, contentTypes[format]);
      try {
        await exportClaims(db, req.user!, filters, format, res, {
          excel: excel === "1" || excel === "true",
          baseUrl: baseUrl(req),
        });
      } catch (error) {
        if (!stoppedEarly(res, error)) throw error;
      }
    });
  }

  router.get("/articles.jsonl", async (req, res) => {
    const filters = parseInput(claimFiltersInput, req.query);
    attachment(res, "articles-{date}.jsonl", contentTypes.jsonl);
    try {
      await exportArticles(db, req.user!, filters, res);
    } catch (error) {
      if (!stoppedEarly(res, error)) throw error;
    }
  });

  return router;
}
