import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClaim } from "../../src/claims/claims.service.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser, startTestApp, TEST_PASSWORD, type TestApp } from "../helpers/test-app.js";

const QUOTES = [
  "The army held the line, he said.",
  "Talks resume on Monday.",
  "Shelling continued overnight.",
];

describe.runIf(runBrowserTests)("bulk edits on the Claims page, in a real browser", () => {
  let app: TestApp;
  let browser: Browser;
  let admin: CurrentUser;
  let projectId: number;
  let page: Page;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    const project = await makeProject(app.db, admin);
    projectId = project.id;
    const article = await makeArticle(app.db, admin, project.id, QUOTES.join("\n\n"));
    for (const [index, quote] of QUOTES.entries()) {
      await createClaim(app.db.prisma, admin, article.id, {
        ...spanOf(article.body, quote),
        quote,
        type: "indirect",
        stance: "favor",
        speaker: index === 0 ? { name: "Zoë Müller", role: "Mayor" } : null,
      });
    }
    await app.db.prisma.speaker.create({ data: { projectId, name: "Rafael Ortiz" } });
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(
      `${app.url}/login?next=${encodeURIComponent(`/claims?project=${projectId}&sort=oldest`)}`,
    );
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/\/claims\?project=/);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const stances = () =>
    page
      .locator("table.claims-table tbody tr")
      .evaluateAll((rows) => rows.map((row) => row.querySelectorAll("td")[4]?.textContent?.trim()));

  it("changes the stance of two chosen claims after a preview, and undoes it from the notice", async () => {
    expect(await stances()).toEqual(["favor", "favor", "favor"]);
    const picks = page.getByRole("checkbox", { name: "Choose this claim" });
    await picks.nth(0).check();
    await picks.nth(2).check();
    await expect.poll(() => page.locator("#bulk-count").textContent()).toBe("2 claims chosen");
    await page.getByRole("combobox", { name: "Change", exact: true }).selectOption("set_stance");
    await page.getByLabel("New stance").selectOption("against");
    await page.getByRole("button", { name: "Preview the change" }).click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.textContent()).toContain("2 claims will change, of 2 chosen.");
    expect(await dialog.textContent()).toContain("2 claims now favor");
    await dialog.getByRole("button", { name: "Apply" }).click();

    await page.getByRole("status").filter({ hasText: "Changed 2 claims." }).waitFor();
    expect(await stances()).toEqual(["against", "favor", "against"]);
    await page.getByRole("button", { name: "Undo" }).click();
    await page.getByRole("status").filter({ hasText: "Undone: 2 claims put back." }).waitFor();
    expect(await stances()).toEqual(["favor", "favor", "favor"]);
  });

  it("deletes every claim matching the filters, without listing them, and brings them back", async () => {
    await page.getByLabel("or every claim matching the filters").check();
    await page.getByRole("combobox", { name: "Change", exact: true }).selectOption("delete");
    await page.getByRole("button", { name: "Preview the change" }).click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.textContent()).toContain("3 claims will change, of 3 chosen.");
    await dialog.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("status").filter({ hasText: "Changed 3 claims." }).waitFor();
    expect(await page.locator("table.claims-table tbody tr").count()).toBe(0);
    await page.getByRole("button", { name: "Undo" }).click();
    await page.getByRole("status").filter({ hasText: "Undone: 3 claims put back." }).waitFor();
    expect(await page.locator("table.claims-table tbody tr").count()).toBe(3);
  });
});

describe.runIf(runBrowserTests)("speaker suggestions on the Claims page, in a real browser", () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await makeUser(app.db, "admin");
    const project = await makeProject(app.db, admin);
    const article = await makeArticle(app.db, admin, project.id, QUOTES.join("\n\n"));
    for (const [index, quote] of QUOTES.entries()) {
      await createClaim(app.db.prisma, admin, article.id, {
        ...spanOf(article.body, quote),
        quote,
        type: "indirect",
        speaker: { name: index === 0 ? "Zoë Müller" : "Rafael Ortiz" },
      });
    }
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(`${app.url}/login?next=/claims`);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${app.url}/claims`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("suggests speakers by any word, ignoring accents, filters by the chosen one and shows its name", async () => {
    const filter = page.getByRole("combobox", { name: /Speaker/ });
    await filter.fill("muller");
    const option = page.getByRole("option", { name: /Zoë Müller/ });
    await option.waitFor();
    await filter.press("ArrowDown");
    await filter.press("Enter");
    expect(await filter.inputValue()).toBe("Zoë Müller");
    await page.getByRole("button", { name: "Show claims" }).click();
    await page.waitForURL(/speaker=\d+/);
    expect(await page.locator("table.claims-table tbody tr").count()).toBe(1);
    expect(await page.getByRole("combobox", { name: /Speaker/ }).inputValue()).toBe("Zoë Müller");
  });

  it("sets a speaker on chosen claims through the bulk edit's suggestions", async () => {
    await page.goto(`${app.url}/claims?sort=oldest`);
    await page.getByRole("checkbox", { name: "Choose this claim" }).nth(0).check();
    await page.getByRole("combobox", { name: "Change", exact: true }).selectOption("set_speaker");
    const speaker = page.getByRole("combobox", { name: /New speaker/ });
    await speaker.fill("raf ort");
    await page.getByRole("option", { name: /Rafael Ortiz/ }).click();
    await page.getByRole("button", { name: "Preview the change" }).click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.textContent()).toContain("1 claim will change, of 1 chosen.");
    expect(await dialog.textContent()).toContain("1 claim now Zoë Müller");
    await dialog.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("status").filter({ hasText: "Changed 1 claim." }).waitFor();
    const speakers = await page
      .locator("table.claims-table tbody tr")
      .evaluateAll((rows) => rows.map((row) => row.querySelectorAll("td")[2]?.textContent?.trim()));
    expect(speakers).toEqual(["Rafael Ortiz", "Rafael Ortiz", "Rafael Ortiz"]);
  });
});
