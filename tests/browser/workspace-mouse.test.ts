// The workspace by mouse, in Chromium: suggestions clicked (in the text or in their list) and worked
// with their buttons, a double-click on a suggestion opens it in the form, a double-click on a claim's
// highlight edits that claim instead of starting a duplicate, and Undo and Redo as buttons.
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClaim } from "../../src/claims/claims.service.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";
import { openWorkspaceAs, pointIn, textPlace } from "../helpers/workspace-page.js";

const SAMPLE = fs.readFileSync("src/demo/sample-article.txt", "utf8").trim();
const ALIYEV =
  "According to him, the Commander-in-Chief, President Ilham Aliyev, continues consistent steps to restore the territorial integrity of the country.";

describe.runIf(runBrowserTests)("the workspace by mouse", () => {
  let app: TestApp;
  let browser: Browser;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let projectId: number;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator", { name: "Ann Mouse" });
    projectId = (await makeProject(app.db, admin, [annotator])).id;
    await app.db.prisma.speaker.create({ data: { projectId, name: "Hikmat Hajiyev" } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const openAs = (user: CurrentUser, path: string) =>
    openWorkspaceAs(browser, app, user, path, scriptErrors, { width: 1280, height: 720 });
  const status = (page: Page) => page.locator("#ws-suggestion-status").textContent();
  const claimsOf = (articleId: number) =>
    app.db.prisma.claim.findMany({ where: { articleId, deletedAt: null }, orderBy: { id: "asc" } });
  const suggestions = (page: Page) => page.locator("#ws-suggestions");

  it("chooses a suggestion by a click in the text or the list, and accepts, edits or dismisses it with its buttons", async () => {
    const article = await makeArticle(app.db, admin, projectId, SAMPLE);
    const page = await openAs(annotator, `/articles/${article.id}`);
    await page.waitForSelector("body[data-suggestions='4']");
    const accept = suggestions(page).getByRole("button", { name: "Accept the suggestion as your claim" });
    const edit = suggestions(page).getByRole("button", { name: "Edit the suggestion in the claim form" });
    const dismiss = suggestions(page).getByRole("button", { name: "Dismiss the suggestion" });
    // Each shows its key; nothing chosen yet, so they are unavailable (and say so).
    expect(await accept.textContent()).toMatch(/Accept.*a$/);
    expect(await edit.textContent()).toMatch(/Edit.*Shift\+A$/);
    expect(await dismiss.textContent()).toMatch(/Dismiss.*x$/);
    expect(await accept.getAttribute("aria-disabled")).toBe("true");

    // A click on a suggestion's words in the text chooses it, and the text stays under the pointer.
    const place = await textPlace(page);
    const words = await pointIn(page, "international community", 0.5);
    await page.mouse.click(words.x, words.y);
    await expect.poll(() => status(page)).toMatch(/^Suggestion 2 of 4: “the international/);
    expect(await textPlace(page)).toEqual(place);
    expect(await page.locator("mark.is-suggestion-current").first().textContent()).toContain("international");
    expect(await page.locator("#ws-suggestion-list li.is-current .sg-quote").textContent()).toMatch(
      /^“the international/,
    );
    expect(await accept.getAttribute("aria-disabled")).toBeNull();

    // Dismiss by its button: gone, remembered, the next one chosen; focus stays on the button.
    await dismiss.click();
    await expect.poll(() => status(page)).toMatch(/^Dismissed\. Suggestion 2 of 3: “the Commander/);
    expect(await page.evaluate("document.activeElement.id")).toBe("sg-dismiss");
    expect(await app.db.prisma.suggestionDismissal.count()).toBeGreaterThan(0);

    // A click in the list chooses one; Accept saves it as the annotator's claim.
    await page.locator("#ws-suggestion-list .sg-pick").first().click();
    await expect.poll(() => status(page)).toMatch(/^Suggestion 1 of 3: “Azerbaijani army/);
    await accept.click();
    await expect.poll(() => page.locator(".ws-notice-text").textContent()).toBe("Claim saved.");
    await expect.poll(async () => (await claimsOf(article.id)).length).toBe(1);
    expect((await claimsOf(article.id))[0]!.quote).toMatch(/^Azerbaijani army suppresses/);
    await expect.poll(() => page.locator("#ws-suggestion-list li").count()).toBe(2);

    // Next and Previous buttons move; Edit opens the chosen one in the form, filled in.
    await suggestions(page).getByRole("button", { name: "Next suggestion" }).click();
    await expect.poll(() => status(page)).toMatch(/^Suggestion 2 of 2: /);
    await suggestions(page).getByRole("button", { name: "Previous suggestion" }).click();
    await expect.poll(() => status(page)).toMatch(/^Suggestion 1 of 2: “the Commander/);
    await edit.click();
    await expect
      .poll(() => page.locator("#claim-form-heading").textContent())
      .toBe("New claim (from a suggestion)");
    expect(await page.locator("#f-quote").textContent()).toMatch(/^“the Commander-in-Chief/);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator("#claim-panel").isHidden()).toBe(true);

    // The list's entries take focus; their keys work there too (x dismisses the focused choice).
    await page.locator("#ws-suggestion-list .sg-pick").first().focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => status(page)).toMatch(/^Suggestion 1 of 2/);
    await page.keyboard.press("x");
    await expect.poll(() => status(page)).toMatch(/^Dismissed\. Suggestion 1 of 1/);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("opens a suggestion in the form when its words are double-clicked", async () => {
    const article = await makeArticle(app.db, admin, projectId, SAMPLE);
    const page = await openAs(annotator, `/articles/${article.id}`);
    await page.waitForSelector("body[data-suggestions='4']");
    const place = await textPlace(page);
    const words = await pointIn(page, "Commander-in-Chief", 0.5);
    await page.mouse.dblclick(words.x, words.y);
    await expect
      .poll(() => page.locator("#claim-form-heading").textContent())
      .toBe("New claim (from a suggestion)");
    expect(await page.locator("#f-quote").textContent()).toMatch(/^“the Commander-in-Chief/);
    expect(await page.getByRole("combobox", { name: "Speaker" }).inputValue()).toBe("Hikmat Hajiyev");
    expect(await status(page)).toMatch(/^Suggestion \d of 4: “the Commander/);
    expect(await page.evaluate("String(window.getSelection())")).toBe("");
    expect(await textPlace(page)).toEqual(place);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("edits a claim when its highlight is double-clicked, instead of opening a new claim over it", async () => {
    const article = await makeArticle(app.db, admin, projectId, SAMPLE);
    const claim = await createClaim(app.db.prisma, annotator, article.id, {
      ...spanOf(article.body, ALIYEV),
      quote: ALIYEV,
      type: "indirect",
      stance: "favor",
    });
    const page = await openAs(annotator, `/articles/${article.id}`);
    const words = await pointIn(page, "Ilham Aliyev", 0.5);
    await page.mouse.dblclick(words.x, words.y);
    await expect.poll(() => page.locator("#claim-form-heading").textContent()).toBe("Edit claim");
    expect(await page.locator("#f-quote").textContent()).toBe(`“${ALIYEV}”`);
    expect(await page.locator(`#claim-item-${claim.id}`).getAttribute("aria-selected")).toBe("true");
    expect(await page.locator(`mark[data-claims~="${claim.id}"]`).first().getAttribute("class")).toMatch(
      /is-selected/,
    );
    expect(await page.locator("#f-stance input:checked").inputValue()).toBe("favor");
    // Saving it changes that claim: still one claim on the article.
    await page.locator("#f-stance input[value=against]").check();
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator(".ws-notice-text").textContent()).toBe("Changes saved.");
    const claims = await claimsOf(article.id);
    expect(claims.map((row) => row.id)).toEqual([claim.id]);
    expect(claims[0]!.version).toBe(2);

    // A researcher's double-click opens it to read.
    const researcher = await makeUser(app.db, "researcher");
    await app.db.prisma.projectMember.create({ data: { projectId, userId: researcher.id } });
    const reader = await openAs(researcher, `/articles/${article.id}?layer=all`);
    const again = await pointIn(reader, "Ilham Aliyev", 0.5);
    await reader.mouse.dblclick(again.x, again.y);
    await expect.poll(() => reader.locator("#claim-form-heading").textContent()).toBe("Claim (read only)");
    expect(scriptErrors).toEqual([]);
    await reader.close();
    await page.close();
  });

  it("undoes and redoes saves with the Undo and Redo buttons beside the layer", async () => {
    const article = await makeArticle(app.db, admin, projectId, SAMPLE);
    await app.db.prisma.project.update({ where: { id: projectId }, data: { suggestBuiltin: false } });
    const page = await openAs(annotator, `/articles/${article.id}`);
    const undo = page.locator("#ws-undo");
    const redo = page.locator("#ws-redo");
    expect(await undo.getAttribute("aria-disabled")).toBe("true");
    await page.locator("#article-body").focus();
    await page.keyboard.press("j");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator(".ws-notice-text").textContent()).toBe("Claim saved.");
    const [created] = await claimsOf(article.id);
    expect(await undo.getAttribute("aria-disabled")).toBeNull();
    expect(await redo.getAttribute("aria-disabled")).toBe("true");

    await undo.click();
    await expect
      .poll(() => app.db.prisma.claim.findUniqueOrThrow({ where: { id: created!.id } }))
      .toMatchObject({ deletedAt: expect.any(Date) });
    await expect.poll(() => redo.getAttribute("aria-disabled")).toBeNull();
    expect(await undo.getAttribute("aria-disabled")).toBe("true");
    await redo.click();
    await expect
      .poll(() => app.db.prisma.claim.findUniqueOrThrow({ where: { id: created!.id } }))
      .toMatchObject({ deletedAt: null });
    await app.db.prisma.project.update({ where: { id: projectId }, data: { suggestBuiltin: true } });
    expect(scriptErrors).toEqual([]);
    await page.close();
  });
});
