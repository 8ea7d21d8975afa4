import fs from "node:fs";
import { parse } from "csv-parse/sync";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClaim } from "../../src/claims/claims.service.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser, startTestApp, TEST_PASSWORD, type TestApp } from "../helpers/test-app.js";

const BODY = [
  "The army held the line, he said.",
  "Talks resume on Monday.",
  "Shelling continued overnight.",
].join("\n\n");

describe.runIf(runBrowserTests)("the researchers' desk in a real browser", () => {
  let app: TestApp;
  let browser: Browser;
  let researcher: CurrentUser;

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await makeUser(app.db, "admin");
    const annotator = await makeUser(app.db, "annotator");
    researcher = await makeUser(app.db, "researcher");
    const project = await makeProject(app.db, admin, [annotator]);
    const article = await makeArticle(app.db, admin, project.id, BODY);
    const stances = ["favor", "against", "favor"];
    for (const [index, quote] of [
      "The army held the line, he said.",
      "Talks resume on Monday.",
      "Shelling continued overnight.",
    ].entries()) {
      await createClaim(app.db.prisma, annotator, article.id, {
        ...spanOf(article.body, quote),
        quote,
        type: "indirect",
        stance: stances[index],
        speaker: { name: index === 1 ? "Mediator" : "General Staff" },
      });
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("filters by stance, opens the charts and downloads exactly the filtered claims as CSV", async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${app.url}/login?next=/claims`);
    await page.getByLabel("Email").fill(researcher.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${app.url}/claims`);
    // The total arrives from /claims/count after the rows.
    await page.getByRole("status").filter({ hasText: "3 claims match" }).waitFor();

    await page.getByLabel("Stance").selectOption("favor");
    await page.getByRole("button", { name: "Show claims" }).click();
    await page.waitForURL(/stance=favor/);
    // The total arrives from /claims/count after the rows.
    await page.getByRole("status").filter({ hasText: "2 claims match" }).waitFor();

    await page.getByText("Summary charts").click();
    const chart = page.getByRole("img", { name: /claims per speaker/i });
    await chart.waitFor();
    await expect
      .poll(
        () =>
          chart.evaluate((image) => {
            const img = image as unknown as { complete: boolean; naturalWidth: number };
            return img.complete ? img.naturalWidth : 0;
          }),
        {
          timeout: 15_000,
        },
      )
      .toBeGreaterThan(100);

    await page.getByText("Export", { exact: true }).click();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "CSV", exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^claims-[a-z0-9-_]*favor[a-z0-9-_]*-exported-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const records = parse(fs.readFileSync((await download.path())!, "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    expect(records.map((record) => record.stance)).toEqual(["favor", "favor"]);
    expect(records.map((record) => record.quote).sort()).toEqual([
      "Shelling continued overnight.",
      "The army held the line, he said.",
    ]);

    // Each row links to its highlight: the workspace opens with that claim selected.
    await page.getByRole("link", { name: "Shelling continued overnight." }).click();
    await page.waitForURL(/\/articles\/\d+#claim-\d+$/);
    const claimId = /#claim-(\d+)$/.exec(page.url())![1]!;
    await page.locator(`#claim-item-${claimId}[aria-selected="true"]`).waitFor();
    await context.close();
  });
});
