import { Router } from "express";
import { z } from "zod";
import type { PrismaClient } from "../db/types.js";
import type { CurrentUser } from "../http/current-user.js";
import { withoutEmptyParameters } from "../http/clean-query.js";
import { requireLogin } from "../http/guards.js";
import { parseInput } from "../http/validate.js";
import { speakersChart, stanceOverTimeChart } from "./charts.js";
import { stanceColour } from "./stance-palette.js";
import { claimFiltersInput, filtersToQuery } from "./claims.filters.js";
import { claimTypes } from "./claims.schema.js";
import { countClaims, pageInput, searchClaims, sorts } from "./claims.search.js";
import { claimsPerSpeaker, stanceOverTime } from "./claims.summary.js";
import { filterChoices } from "./filter-choices.js";

const chartName = z.enum(["speakers", "stance-over-time"], { message: "Unknown chart." });

/**
 * What the /claims page shows for a query string: a page of rows (the total is fetched by the
 * page script from /claims/count: counting a million matches takes far longer than the page of
 * rows, which should not wait for it), the filter form's choices, and the links.
 */
export async function claimsPage(prisma: PrismaClient, user: CurrentUser, query: unknown) {
  const filters = parseInput(claimFiltersInput, query);
  const page = parseInput(pageInput, query);
  const [result, choices] = await Promise.all([
    searchClaims(prisma, user, filters, page),
    filterChoices(prisma, user, filters),
  ]);
  return {
    title: "Claims",
    filters,
    page,
    rows: result.rows,
    choices,
    claimTypes,
    sorts,
    query: filtersToQuery(filters),
    nextQuery: result.nextCursor
      ? filtersToQuery(filters, { sort: page.sort, cursor: result.nextCursor })
      : undefined,
    canExport: user.role !== "annotator",
    // Admins change any claim, annotators their own; researchers only read.
    canEdit: user.role !== "researcher",
    bulkFilters: JSON.stringify(filters),
    stanceColour,
  };
}

/** The researchers' desk: /claims with filters in the URL, keyset pages and summary charts. */
export function claimsRoutes(prisma: PrismaClient): Router {
  const router = Router();
  router.use(requireLogin);

  router.get("/", withoutEmptyParameters, async (req, res) => {
    res.render("claims/index", await claimsPage(prisma, req.user!, req.query));
  });

  router.get("/count", async (req, res) => {
    res.json({ total: await countClaims(prisma, req.user!, parseInput(claimFiltersInput, req.query)) });
  });

  router.get("/charts/:name.svg", async (req, res) => {
    const filters = parseInput(claimFiltersInput, req.query);
    const name = parseInput(chartName, req.params.name);
    const svg =
      name === "speakers"
        ? await speakersChart(await claimsPerSpeaker(prisma, req.user!, filters))
        : await stanceOverTimeChart(await stanceOverTime(prisma, req.user!, filters));
    // Shown through <img>, where nothing in it can run; Vega writes inline styles.
    res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    res.type("image/svg+xml").send(svg);
  });

  return router;
}
