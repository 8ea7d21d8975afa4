// Mark done, Next article and the progress line in the workspace, in Chromium.
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { openWorkspaceAs } from "../helpers/workspace-page.js";
import { makeArticle, makeProject } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

describe.runIf(runBrowserTests)("the annotator's place in their list, in the workspace", () => {
  let app: TestApp;
  let browser: Browser;
  let annotator: CurrentUser;
  let researcher: CurrentUser;
  let ids: number[];
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator");
    researcher = await makeUser(app.db, "researcher");
    const projectId = (await makeProject(app.db, admin, [annotator, researcher])).id;
    ids = [];
    for (let i = 0; i < 3; i += 1) {
      const article = await makeArticle(app.db, admin, projectId);
      await app.db.prisma.article.update({
        where: { id: article.id },
        data: { title: `Article ${i + 1} ${randomUUID()}` },
      });
      ids.push(article.id);
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A page logged in through the /login form, on `path`, once the highlights are painted. */
  const openAs = (user: CurrentUser, path: string) => openWorkspaceAs(browser, app, user, path, scriptErrors);

  const progress = (page: Page) => page.locator("#ws-progress").textContent();
  const day = (page: Page) => page.getByRole("navigation", { name: "Your articles" });

  it("marks an article done from the workspace, updates status and progress, and Next goes to the right article", async () => {
    const page = await openAs(annotator, `/articles/${ids[0]}`);
    expect(await progress(page)).toBe("Article 1 of 3 in your list · 0 done");
    expect(await day(page).getByRole("link", { name: "Next article" }).getAttribute("href")).toBe(
      `/articles/${ids[1]}`,
    );

    await day(page).getByRole("button", { name: "Mark done" }).click();
    await page.waitForURL(`${app.url}/articles/${ids[0]}`);
    await page.waitForSelector("main[data-painted]");
    expect(await progress(page)).toBe("Article 1 of 3 in your list · 1 done");
    expect(await page.locator("#ws-done").textContent()).toBe("Done");
    expect(await day(page).getByRole("button", { name: "Reopen" }).isVisible()).toBe(true);
    expect(await page.getByRole("status").filter({ hasText: "Marked" }).textContent()).toMatch(
      /Marked “Article 1/,
    );
    expect(
      await app.db.prisma.articleCompletion.count({ where: { articleId: ids[0], userId: annotator.id } }),
    ).toBe(1);

    await day(page).getByRole("link", { name: "Next article" }).click();
    await page.waitForURL(`${app.url}/articles/${ids[1]}`);
    await page.waitForSelector("main[data-painted]");
    expect(await progress(page)).toBe("Article 2 of 3 in your list · 1 done");
    expect(await page.locator("h1").textContent()).toMatch(/^Article 2 /);

    // From the last article, Next goes round to the first one not done: article 2, not the done 1.
    await page.goto(`${app.url}/articles/${ids[2]}`);
    await page.waitForSelector("main[data-painted]");
    expect(await progress(page)).toBe("Article 3 of 3 in your list · 1 done");
    await day(page).getByRole("link", { name: "Next article" }).click();
    await page.waitForURL(`${app.url}/articles/${ids[1]}`);

    // Reopen takes "done" back.
    await page.goto(`${app.url}/articles/${ids[0]}`);
    await day(page).getByRole("button", { name: "Reopen" }).click();
    await page.waitForURL(`${app.url}/articles/${ids[0]}`);
    expect(await progress(page)).toBe("Article 1 of 3 in your list · 0 done");
    expect(await day(page).getByRole("button", { name: "Mark done" }).isVisible()).toBe(true);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("gives researchers their place and the next article, but no Mark done", async () => {
    const page = await openAs(researcher, `/articles/${ids[1]}`);
    expect(await progress(page)).toBe("Article 2 of 3 in your list");
    expect(await day(page).getByRole("button").count()).toBe(0);
    await day(page).getByRole("link", { name: "Next article" }).click();
    await page.waitForURL(`${app.url}/articles/${ids[2]}`);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });
});
