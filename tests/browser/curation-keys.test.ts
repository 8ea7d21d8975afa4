import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { logInThroughForm, watchScriptErrors } from "../helpers/workspace-page.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

const BODY = "Ann said one thing. Bo said two things. Cy said three.";

/** The curation page's keys beyond the happy path of tests/browser/study.test.ts. */
describe.runIf(runBrowserTests)("curating by keyboard", () => {
  let app: TestApp;
  let browser: Browser;
  let admin: CurrentUser;
  let articleId: number;
  let body: string;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    const x = await makeUser(app.db, "annotator", { name: "Xena" });
    const y = await makeUser(app.db, "annotator", { name: "Yann" });
    const projectId = (await makeProject(app.db, admin, [x, y])).id;
    const article = await makeArticle(app.db, admin, projectId, BODY);
    articleId = article.id;
    body = article.body;
    const favor = await app.db.prisma.stanceLabel.findFirstOrThrow({ where: { projectId, key: "favor" } });
    const claim = (user: CurrentUser, text: string, stanceId: number | null = null) =>
      app.db.prisma.claim.create({
        data: {
          articleId,
          projectId,
          annotatorId: user.id,
          ...spanOf(body, text),
          quote: text,
          prefix: "",
          suffix: "",
          type: "direct",
          stanceId,
        },
      });
    await claim(x, "Ann said one thing.", favor.id);
    await claim(y, "Ann said one thing.");
    await claim(x, "Bo said two things.");
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchScriptErrors(page, scriptErrors);
    await logInThroughForm(page, app, admin, `/articles/${articleId}/curate`);
    await page.locator("#cur-status").filter({ hasText: "Group 1 of 2" }).waitFor();
    return page;
  }
  const status = (page: Page, text: string) =>
    page.locator("#cur-status").filter({ hasText: text }).waitFor();
  const decisions = (page: Page) => page.locator(".cur-decision").allTextContents();

  it("moves, rejects and undoes, merges field by field, adds and deletes gold claims", async () => {
    const page = await open();
    expect(await page.locator("#group-0 .tag-differs").allTextContents()).toEqual(["differs: stance"]);

    await page.keyboard.press("j");
    await status(page, "Group 2 of 2, Xena");
    await page.keyboard.press("r");
    await page.locator(".decision-rejected").waitFor();
    await status(page, "Group 2 of 2, Xena");
    await page.keyboard.press("u");
    await page.locator(".decision-rejected").waitFor({ state: "detached" });

    await page.keyboard.press("k");
    await page.keyboard.press("2");
    await status(page, "Group 1 of 2, Yann");
    await page.keyboard.press("m");
    const dialog = page.getByRole("dialog", { name: "Merge into one gold claim" });
    await dialog.waitFor();
    expect(await dialog.getByLabel("Stance").locator("option").first().textContent()).toMatch(
      /\((Xena|Yann)\)$/,
    );
    await dialog.getByLabel("Stance").focus();
    await page.keyboard.type("favor");
    await page.keyboard.press("Control+Enter");
    await page.locator(".cur-gold-claim").waitFor();
    expect(await page.locator(".cur-gold-claim .cur-decision").textContent()).toMatch(
      /from claims #\d+, #\d+/,
    );

    // n: a claim of one's own from the selected words of the third sentence.
    await page.evaluate(`(() => {
      const holder = [...document.querySelectorAll(".cur-text")].find((node) => node.textContent.startsWith("Cy"));
      const range = document.createRange();
      range.setStart(holder.firstChild, 0);
      range.setEnd(holder.firstChild, "Cy said three.".length);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    })()`);
    await page.keyboard.press("n");
    const add = page.getByRole("dialog", { name: "Add a gold claim" });
    await add.waitFor();
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator(".cur-gold-claim").count()).toBe(2);
    expect((await decisions(page)).some((text) => text.endsWith(", own claim"))).toBe(true);

    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await page.keyboard.press("g");
    await status(page, "Group 3 of 3, gold: “Cy said three.”");
    await page.keyboard.press("d");
    await expect.poll(() => page.locator(".cur-gold-claim").count()).toBe(1);
    await page.screenshot({ path: "test-results/curation.png", fullPage: true });
    expect(scriptErrors).toEqual([]);
    await page.close();
  });
});
