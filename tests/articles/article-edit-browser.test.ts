// A curator corrects an article's details and deletes it, then undoes the deletion, in a real
// browser with the mouse, from the workspace's "Edit details" link (issue 20).
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeArticle, makeCurator, makeProject } from "../helpers/factories.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeUser, startTestApp, TEST_PASSWORD, type TestApp } from "../helpers/test-app.js";

describe.runIf(runBrowserTests)("editing and deleting an article in a real browser", () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let articleId: number;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await makeUser(app.db, "admin");
    const curator = await makeUser(app.db, "annotator", { name: "Cass Curator" });
    const project = await makeProject(app.db, admin, [curator]);
    await makeCurator(app.db, project.id, curator.id);
    articleId = (
      await makeArticle(app.db, admin, project.id, "The harbour master said the quay would close.")
    ).id;
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("pageerror", (error) => scriptErrors.push(error.message));
    await page.goto(`${app.url}/login`);
    await page.getByLabel("Email").fill(curator.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${app.url}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("corrects the title and date from the workspace's Edit details link", async () => {
    await page.goto(`${app.url}/articles/${articleId}`);
    await page.getByRole("link", { name: "Edit details" }).click();
    await page.waitForURL(`${app.url}/articles/${articleId}/edit`);
    await page.getByLabel("Title").fill("Quay to close, harbour master says");
    await page.getByLabel("Published").fill("2026-12-01");
    await page.getByRole("button", { name: "Save details" }).click();
    await page.waitForURL(`${app.url}/articles/${articleId}`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(
      "Quay to close, harbour master says",
    );
    expect(await page.locator("time").first().textContent()).toBe("2026-12-01");
    expect(await page.getByRole("status").or(page.locator(".flash-success")).first().textContent()).toMatch(
      /Saved the details/,
    );
  });

  it("deletes the article and brings it back with Undo", async () => {
    await page.goto(`${app.url}/articles/${articleId}/edit`);
    await page.getByRole("button", { name: "Delete this article" }).click();
    await page.waitForURL(`${app.url}/articles/${articleId}/deleted`);
    expect(await page.locator("main").textContent()).toMatch(/are in the trash/);
    expect((await page.goto(`${app.url}/articles/${articleId}`))?.status()).toBe(404);
    await page.goto(`${app.url}/articles/${articleId}/deleted`);
    await page.getByRole("button", { name: "Undo: restore the article" }).click();
    await page.waitForURL(`${app.url}/articles/${articleId}`);
    expect(await page.locator(".flash-success").first().textContent()).toMatch(/Restored “Quay to close/);
    expect(scriptErrors).toEqual([]);
  });
});
