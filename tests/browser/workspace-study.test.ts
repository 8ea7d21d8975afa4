import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { logInThroughForm, watchScriptErrors } from "../helpers/workspace-page.js";
import { makeArticle, makeProject } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

/** Study features in the workspace: the guidelines (first visit after a change, the g key) and blind projects. */
describe.runIf(runBrowserTests)("a study project in the workspace", () => {
  let app: TestApp;
  let browser: Browser;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let projectId: number;
  let articleId: number;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator", { name: "Ann Study" });
    projectId = (await makeProject(app.db, admin, [annotator])).id;
    await app.db.prisma.project.update({ where: { id: projectId }, data: { blind: true } });
    articleId = (await makeArticle(app.db, admin, projectId)).id;
    await app.db.prisma.guidelineVersion.create({
      data: {
        projectId,
        version: 1,
        body: "# Rules\n\nTag **every** attributed statement.",
        authorId: admin.id,
      },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function logIn(user: CurrentUser, path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchScriptErrors(page, scriptErrors);
    await logInThroughForm(page, app, user, path);
    return page;
  }

  it("shows changed guidelines first, then opens them with g over the text; blind offers one layer", async () => {
    const page = await logIn(annotator, `/articles/${articleId}`);
    await page.waitForURL(/\/guidelines\?next=/);
    expect(await page.locator("article.guidelines h1").textContent()).toBe("Rules");
    await page.getByRole("button", { name: "I have read them: continue" }).click();
    await page.waitForURL(`${app.url}/articles/${articleId}`);
    await page.waitForSelector("main[data-painted]");

    expect(await page.locator(".ws-crumbs .badge").textContent()).toBe("Blind");
    expect(await page.locator("#ws-layer option").allTextContents()).toEqual(["My claims (blind project)"]);

    const dialog = page.getByRole("dialog", { name: /Guidelines/ });
    expect(await dialog.isVisible()).toBe(false);
    await page.locator("#article-body").focus();
    await page.keyboard.press("g");
    await dialog.waitFor();
    expect(await dialog.locator("strong").textContent()).toBe("every");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: /Guidelines/ }).click();
    await dialog.waitFor();
    await page.keyboard.press("Escape");

    // Typing a "g" in the claim form's note is typing, not a shortcut.
    await page.locator("#article-body").focus();
    await page.keyboard.press("j");
    await page.keyboard.press("Enter");
    await page.getByLabel("Note").fill("going");
    expect(await page.getByLabel("Note").inputValue()).toBe("going");
    expect(await dialog.isVisible()).toBe(false);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });
});
