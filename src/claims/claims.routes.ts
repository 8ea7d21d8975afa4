import { Router } from "express";
import { z } from "zod";
import type { PrismaClient } from "../db/types.js";
import { withoutEmptyParameters } from "../http/clean-query.js";
import { requireLogin } from "../http/guards.js";
import { parseInput } from "../http/validate.js";
import { InvalidError } from "../errors.js";
import { wantsJson } from "../http/negotiation.js";
import { speakersChart, stanceOverTimeChart } from "./charts.js";
import { claimFiltersInput } from "./claims.filters.js";
import { claimsPage, claimsPageRefused } from "./claims.page.js";
import { countClaims } from "./claims.search.js";
import { claimsPerSpeaker, stanceOverTime } from "./claims.summary.js";

export { claimsPage };

const chartName = z.enum(["speakers", "stance-over-time"], { message: "Unknown chart." });

/** The researchers' desk: /claims with filters in the URL, keyset pages and summary charts. */
export function claimsRoutes(prisma: PrismaClient): Router {
  const router = Router();
  router.use(requireLogin);

  router.get("/", withoutEmptyParameters, async (req, res) => {
    try {
      res.render("claims/index", await claimsPage(prisma, req.user!, req.query));
    } catch (error) {
      // A filter it cannot read: browsers get the page back with the form to fix, scripts a 422.
      if (!(error instanceof InvalidError) || wantsJson(req)) throw error;
      res.status(422).render("claims/index", await claimsPageRefused(prisma, req.user!, req.query, error));
    }
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
