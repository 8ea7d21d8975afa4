import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeUser, startTestApp, TEST_PASSWORD, type TestApp } from "../helpers/test-app.js";

describe.runIf(runBrowserTests)("importing files in a real browser", () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let projectId: number;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await makeUser(app.db, "admin");
    projectId = (await app.db.prisma.project.create({ data: { name: "Browser imports" } })).id;
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("pageerror", (error) => scriptErrors.push(error.message));
    await page.goto(`${app.url}/login`);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${app.url}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("uploads several files and lists the result of each", async () => {
    await page.goto(`${app.url}/projects/${projectId}/articles/new`);
    await page.locator("#upload-files").setInputFiles([
      { name: "one.txt", mimeType: "text/plain", buffer: Buffer.from("First title\nFirst body.") },
      { name: "two.html", mimeType: "text/html", buffer: Buffer.from("<title>Second</title><p>Body.</p>") },
      { name: "three.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF") },
    ]);
    await page.getByRole("button", { name: "Upload" }).click();
    const report = page.locator("[data-upload-form] [data-report]");
    await expect.poll(() => report.textContent()).toContain("2 of 3 files imported.");
    expect(await report.textContent()).toContain(
      "three.pdf — invalid: only .txt and .html files can be read",
    );
    expect(await app.db.prisma.article.count({ where: { projectId } })).toBe(2);
  });

  it("says '1 file imported' for one file, not '1 of 1 files'", async () => {
    await page.goto(`${app.url}/projects/${projectId}/articles/new`);
    await page
      .locator("#upload-files")
      .setInputFiles([
        { name: "alone.txt", mimeType: "text/plain", buffer: Buffer.from("Alone\nA body of its own.") },
      ]);
    await page.getByRole("button", { name: "Upload" }).click();
    const report = page.locator("[data-upload-form] [data-report] > p");
    await expect.poll(() => report.textContent()).toBe("1 file imported.");
  });

  it("streams a bulk import into a progress bar and lists the bad lines", async () => {
    await page.goto(`${app.url}/projects/${projectId}/articles/import`);
    const lines = [
      JSON.stringify({ title: "Bulk one", body: "One." }),
      "{not json",
      JSON.stringify({ title: "No body" }),
      JSON.stringify({ title: "Bulk two", body: "Two." }),
    ];
    await page.locator("#bulk-file").setInputFiles({
      name: "articles.jsonl",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from(lines.join("\n")),
    });
    await page.getByRole("button", { name: "Import" }).click();
    const progress = page.locator("[data-progress-text]");
    await expect
      .poll(() => progress.textContent())
      .toBe("Done: 2 imported, 0 already there, 2 not imported, of 4 lines.");
    expect(
      await page.locator("progress").evaluate((bar) => (bar as unknown as { value: number }).value),
    ).toBe(4);
    const bad = await page.locator(".bad-lines li").allTextContents();
    expect(bad).toHaveLength(2);
    expect(bad[0]).toMatch(/^line 2: not valid JSON: /);
    expect(bad[1]).toBe("line 3: body: Paste the article text.");
    expect(scriptErrors).toEqual([]);
  });

  it("counts a one-line file as one line", async () => {
    await page.goto(`${app.url}/projects/${projectId}/articles/import`);
    await page.locator("#bulk-file").setInputFiles({
      name: "one.jsonl",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from(JSON.stringify({ title: "Bulk single", body: "Single." })),
    });
    await page.getByRole("button", { name: "Import" }).click();
    await expect
      .poll(() => page.locator("[data-progress-text]").textContent())
      .toBe("Done: 1 imported, 0 already there, 0 not imported, of 1 line.");
  });
});
