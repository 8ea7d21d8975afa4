import { Router } from "express";
import type { PrismaClient } from "../db/types.js";
import { requireLogin } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput } from "../http/validate.js";
import { projectIdParam } from "../projects/projects.schema.js";
import { agreementCsv } from "./agreement.csv.js";
import { CONFUSION_VALUES_MAX } from "./agreement.compute.js";
import { agreementScopeInput, agreementTableInput } from "./agreement.schema.js";
import { projectAgreement, type AgreementReport } from "./agreement.service.js";

/** How many of the least agreeing articles the page lists (the CSV has them all). */
const LOWEST_SHOWN = 10;
/** How many pairs' confusion tables the page shows per field (the CSV has them all). */
export const CONFUSION_PAIRS_SHOWN = 25;

function scopeOf(query: unknown) {
  const { annotators, articles } = parseInput(agreementScopeInput, query);
  return { annotatorIds: annotators, articleIds: articles };
}

/** The query string that narrows a report the same way, for its CSV links. */
function scopeQuery(report: AgreementReport): string {
  const params = new URLSearchParams();
  if (report.scope.annotators) params.set("annotators", report.scope.annotators.join(","));
  if (report.scope.articles) params.set("articles", report.scope.articles.join(","));
  return params.toString();
}

/** The agreement page and its CSV tables, mounted at /projects/:projectId/agreement. */
export function agreementRoutes(prisma: PrismaClient): Router {
  const router = Router({ mergeParams: true });

  router.get("/", requireLogin, async (req, res) => {
    const projectId = parseId(projectIdParam, (req.params as { projectId?: string }).projectId);
    const report = await projectAgreement(prisma, req.user!, projectId, scopeOf(req.query));
    res.render("agreement/show", {
      title: `Agreement · ${report.project.name}`,
      report,
      lowest: report.byArticle.slice(0, LOWEST_SHOWN),
      scopeQuery: scopeQuery(report),
      confusionLimits: { values: CONFUSION_VALUES_MAX, pairs: CONFUSION_PAIRS_SHOWN },
    });
  });

  router.get("/:table.csv", requireLogin, async (req, res) => {
    const projectId = parseId(projectIdParam, (req.params as { projectId?: string }).projectId);
    const { table } = parseInput(agreementTableInput, { table: req.params.table });
    const report = await projectAgreement(prisma, req.user!, projectId, scopeOf(req.query));
    res
      .type("text/csv; charset=utf-8")
      .attachment(`agreement-${report.project.id}-${table}.csv`)
      .send(agreementCsv(report, table));
  });

  return router;
}
