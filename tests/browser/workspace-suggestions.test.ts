import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeArticle, makeProject } from "../helpers/factories.js";
import { openWorkspaceAs } from "../helpers/workspace-page.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

const SAMPLE = fs.readFileSync("src/demo/sample-article.txt", "utf8").trim();

/** Suggestions in the workspace, by keyboard: ] and [ move, x dismisses, a accepts, Shift+A opens the form. */
describe.runIf(runBrowserTests)("attribution suggestions in the workspace", () => {
  let app: TestApp;
  let browser: Browser;
  let annotator: CurrentUser;
  let articleId: number;
  let speakerId: number;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator", { name: "Sam Suggest" });
    const projectId = (await makeProject(app.db, admin, [annotator])).id;
    articleId = (await makeArticle(app.db, admin, projectId, SAMPLE)).id;
    speakerId = (await app.db.prisma.speaker.create({ data: { projectId, name: "Hikmat Hajiyev" } })).id;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const status = (page: Page) => page.locator("#ws-suggestion-status");
  const claims = () =>
    app.db.prisma.claim.findMany({
      where: { articleId, annotatorId: annotator.id, deletedAt: null },
      include: { speaker: true, target: true },
      orderBy: { id: "asc" },
    });

  it("works through the suggestions by keyboard, and remembers what was dismissed and taken", async () => {
    const page = await openWorkspaceAs(browser, app, annotator, `/articles/${articleId}`, scriptErrors);
    await page.waitForSelector("body[data-suggestions='4']");
    expect(await page.locator("#ws-suggestion-list li").count()).toBe(4);
    expect(await page.locator("mark.is-suggestion").count()).toBeGreaterThan(0);

    await page.locator("#article-body").focus();
    await page.keyboard.press("]");
    await expect.poll(() => status(page).textContent()).toMatch(/^Suggestion 1 of 4: “Azerbaijani army/);
    await page.keyboard.press("x");
    await expect
      .poll(() => status(page).textContent())
      .toMatch(/^Dismissed\. Suggestion 1 of 3: “the international/);
    expect(await page.locator("mark.is-suggestion-current").first().textContent()).toContain(
      "the international",
    );
    await page.screenshot({ path: "test-results/workspace-suggestions.png" });

    await page.keyboard.press("a");
    await expect.poll(() => page.locator(".ws-notice-text").textContent()).toBe("Claim saved.");
    await expect
      .poll(() => status(page).textContent())
      .toMatch(
        /^Saved as your claim\. Label it now by key: stance f favor, i against, e neutral, u unclear; target r Azerbaijan, m Armenia, c ceasefire\. Suggestion 1 of 2: “the Commander/,
      );
    const [stressed] = await claims();
    expect(stressed).toMatchObject({ type: "indirect", speakerId, cueStart: expect.any(Number) });
    // "… support to Azerbaijan …" names one of the project's targets: it is proposed and saved.
    expect(stressed!.target?.name).toBe("Azerbaijan");

    // The accepted claim is selected: one key sets its stance, one its target, saved at once.
    expect(await page.locator(`#claim-list [data-id="${stressed!.id}"]`).getAttribute("aria-selected")).toBe(
      "true",
    );
    await page.keyboard.press("i");
    await expect.poll(async () => (await claims())[0]!.stanceId).not.toBeNull();
    await expect.poll(() => page.locator("#ws-status").textContent()).toBe("Stance: against.");
    await page.keyboard.press("m");
    await expect.poll(async () => (await claims())[0]!.target?.name).toBe("Armenia");
    const labelled = await app.db.prisma.claim.findUniqueOrThrow({
      where: { id: stressed!.id },
      include: { stance: true },
    });
    expect(labelled).toMatchObject({ stance: { key: "against" }, version: stressed!.version + 2 });
    // Undone like any edit; the suggestion keys still act on the next suggestion.
    await page.keyboard.press("Control+z");
    await expect.poll(async () => (await claims())[0]!.target?.name).toBe("Azerbaijan");
    expect(await status(page).textContent()).toMatch(
      /^Saved as your claim\..* Suggestion 1 of 2: “the Commander/,
    );

    await page.keyboard.press("Shift+A");
    await expect.poll(() => page.locator("#claim-panel").isVisible()).toBe(true);
    expect(await page.locator("#f-quote").textContent()).toMatch(/^“the Commander-in-Chief/);
    expect(await page.getByRole("combobox", { name: "Speaker" }).inputValue()).toBe("Hikmat Hajiyev");
    await page.keyboard.press("Control+Enter");
    await expect.poll(async () => (await claims()).length).toBe(2);
    expect((await claims())[1]).toMatchObject({ type: "indirect", speakerId });

    await page.reload();
    await page.waitForSelector("body[data-suggestions='1']");
    expect(await page.locator("#ws-suggestion-list li span").first().textContent()).toMatch(
      /^"The Armenians/,
    );
    expect(scriptErrors).toEqual([]);
    await page.close();
  });
});
