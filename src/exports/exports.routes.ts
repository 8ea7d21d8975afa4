import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { claimFiltersInput } from "../claims/claims.filters.js";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { requireRole } from "../http/guards.js";
import { parseInput } from "../http/validate.js";
import { createExporter, type ClaimFormat, type Download } from "./export.service.js";

const contentTypes: Record<ClaimFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
  jsonld: 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"; charset=utf-8',
};

const excelFlag = z.object({ excel: z.enum(["1", "true", "0", "false"]).optional() });

function attachment(res: Response, fileName: string, type: string) {
  res.setHeader("Content-Type", type);
  res.setHeader("Content-Disposition", `attachment; filename="${fileName}"`);
  res.setHeader("Cache-Control", "no-store");
}

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get("host")}`;
}

/**
 * GET /export/claims.csv|jsonl|jsonld and /export/articles.jsonl: researchers and admins.
 * Headers go out only once the export has started; a failure after that reaches the error
 * handler, which cuts the response so that the client sees a failed download.
 */
export function exportsRoutes(db: Database, limits: Config["exports"]): Router {
  const router = Router();
  const exporter = createExporter(db, { perUser: limits.perUser, idleTimeoutMs: limits.idleTimeoutMs });
  router.use(requireRole("admin", "researcher"));

  const send = async (req: Request, res: Response, download: Download, type: string) => {
    attachment(res, download.fileName, type);
    const outcome = await download.sendTo(res);
    if (outcome === "client-stalled") {
      req.log.warn({ idleTimeoutMs: limits.idleTimeoutMs }, "export cut off: the client stopped reading");
    }
  };

  for (const format of ["csv", "jsonl", "jsonld"] as const) {
    router.get(`/claims.${format}`, async (req, res) => {
      const filters = parseInput(claimFiltersInput, req.query);
      const { excel } = parseInput(excelFlag, req.query);
      const download = await exporter.claims(req.user!, filters, format, {
        excel: excel === "1" || excel === "true",
        baseUrl: baseUrl(req),
      });
      await send(req, res, download, contentTypes[format]);
    });
  }

  router.get("/claims.citron.jsonl", async (req, res) => {
    const filters = parseInput(claimFiltersInput, req.query);
    const download = await exporter.citron(req.user!, filters);
    await send(req, res, download, contentTypes.jsonl);
  });

  router.get("/articles.jsonl", async (req, res) => {
    const filters = parseInput(claimFiltersInput, req.query);
    const download = await exporter.articles(req.user!, filters);
    await send(req, res, download, contentTypes.jsonl);
  });

  return router;
}
