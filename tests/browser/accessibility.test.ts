// Every page each role meets, audited in Chromium with axe-core against the WCAG 2.2 A and AA
// rules (colour contrast included): no serious or critical violation may be found. The counts
// per page are written to test-results/accessibility.json.
import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditPage, describeViolations } from "../helpers/accessibility-audit.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { buildTourWorld, Tour, tourStops, type TourWorld } from "../helpers/page-tour.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";
import { watchScriptErrors } from "../helpers/workspace-page.js";

describe.runIf(runBrowserTests)("the accessibility audit of every page, at 1280×720", () => {
  let app: TestApp;
  let browser: Browser;
  let world: TourWorld;
  let tour: Tour;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    world = await buildTourWorld(app);
    browser = await launchBrowser();
    tour = new Tour(browser, app, world, { onPage: (page) => watchScriptErrors(page, scriptErrors) });
  }, 120_000);
  afterAll(async () => {
    await tour?.close();
    await browser?.close();
    await app?.close();
  });

  it("finds no serious or critical violation on any role's pages", async () => {
    const failures: string[] = [];
    const counts: Record<string, { path: string; violations: number; serious: number; rules: string[] }> = {};
    for (const stop of tourStops(world)) {
      const page = await tour.visit(stop);
      const result = await auditPage(page);
      expect(result.rulesRun, `axe ran no rules on ${stop.name}: the audit did not happen`).toBeGreaterThan(
        20,
      );
      counts[stop.name] = {
        path: stop.path,
        violations: result.violations.reduce((sum, violation) => sum + violation.count, 0),
        serious: result.serious.reduce((sum, violation) => sum + violation.count, 0),
        rules: result.violations.map((violation) => `${violation.impact}:${violation.rule}`),
      };
      for (const line of describeViolations(result.serious))
        failures.push(`${stop.name} ${stop.path}: ${line}`);
    }
    fs.mkdirSync("test-results", { recursive: true });
    fs.writeFileSync("test-results/accessibility.json", `${JSON.stringify(counts, null, 2)}\n`);
    expect(Object.keys(counts)).toHaveLength(tourStops(world).length);
    expect(failures).toEqual([]);
    expect(scriptErrors).toEqual([]);
  }, 300_000);
});
