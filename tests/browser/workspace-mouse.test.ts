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

  it("gives every suggestion Accept, Edit and Dismiss buttons, in the list and under the chosen one's words", async () => {
    const article = await makeArticle(app.db, admin, projectId, SAMPLE);
    const page = await openAs(annotator, `/articles/${article.id}`);
    await page.waitForSelector("body[data-suggestions='4']");
    const rows = page.locator("#ws-suggestion-list li");
    // Every item has its own three buttons, visible, named for screen readers by its number.
    for (let n = 1; n <= 4; n += 1) {
      for (const action of ["Accept", "Edit", "Dismiss"]) {
        const button = rows.nth(n - 1).getByRole("button", { name: `${action} suggestion ${n}` });
        expect(await button.isVisible(), `${action} ${n}`).toBe(true);
      }
    }
    // The text's buttons wait for a choice.
    const inline = page.locator("#sg-inline");
    expect(await inline.isHidden()).toBe(true);
    const accept = inline.getByRole("button", { name: "Accept the suggestion as your claim" });
    const edit = inline.getByRole("button", { name: "Edit the suggestion in the claim form" });
    const dismiss = inline.getByRole("button", { name: "Dismiss the suggestion" });

    // A click on a suggestion's words in the text chooses it, and the text stays under the pointer;
    // its buttons appear right under its words, showing their keys.
    const place = await textPlace(page);
    const words = await pointIn(page, "international community", 0.5);
    await page.mouse.click(words.x, words.y);
    await expect.poll(() => status(page)).toMatch(/^Suggestion 2 of 4: “the international/);
    expect(await textPlace(page)).toEqual(place);
    expect(await page.locator("mark.is-suggestion-current").first().textContent()).toContain("international");
    expect(await page.locator("#ws-suggestion-list li.is-current .sg-quote").textContent()).toMatch(
      /^“the international/,
    );
    await expect.poll(() => inline.isVisible()).toBe(true);
    expect(await accept.textContent()).toMatch(/Accept.*a$/);
    expect(await edit.textContent()).toMatch(/Edit.*Shift\+A$/);
    expect(await dismiss.textContent()).toMatch(/Dismiss.*x$/);
    const under = async () => {
      const marks = await page.locator("mark.is-suggestion-current").all();
      const last = (await marks[marks.length - 1]!.boundingBox())!;
      const bar = (await inline.boundingBox())!;
      return { gap: bar.y - (last.y + last.height), overlapsWords: bar.y < last.y + last.height };
    };
    expect((await under()).overlapsWords).toBe(false);
    expect((await under()).gap).toBeLessThan(12);

    // Dismiss under the words: gone, remembered, the next one chosen; focus stays on the button,
    // which has moved under the next one's words.
    await dismiss.click();
    await expect.poll(() => status(page)).toMatch(/^Dismissed\. Suggestion 2 of 3: “the Commander/);
    expect(await page.evaluate("document.activeElement.id")).toBe("sg-dismiss");
    expect(await app.db.prisma.suggestionDismissal.count()).toBeGreaterThan(0);
    expect((await under()).overlapsWords).toBe(false);

    // An item's own Accept saves it as the annotator's claim; the new claim is selected, and the
    // status says which keys label it.
    await rows.nth(0).getByRole("button", { name: "Accept suggestion 1" }).click();
    await expect.poll(() => page.locator(".ws-notice-text").textContent()).toBe("Claim saved.");
    await expect.poll(async () => (await claimsOf(article.id)).length).toBe(1);
    const [saved] = await claimsOf(article.id);
    expect(saved!.quote).toMatch(/^Azerbaijani army suppresses/);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator(`#claim-list [data-id="${saved!.id}"]`).getAttribute("aria-selected")).toBe(
      "true",
    );
    expect(await status(page)).toMatch(
      /^Saved as your claim\. Label it now by key: stance f favor, i against/,
    );

    // Next and Previous buttons move; an item's Edit opens it in the form, filled in.
    await suggestions(page).getByRole("button", { name: "Next suggestion" }).click();
    await expect.poll(() => status(page)).toMatch(/^Suggestion 2 of 2: /);
    await suggestions(page).getByRole("button", { name: "Previous suggestion" }).click();
    await expect.poll(() => status(page)).toMatch(/^Suggestion 1 of 2: “the Commander/);
    await rows.nth(1).getByRole("button", { name: "Edit suggestion 2" }).click();
    await expect
      .poll(() => page.locator("#claim-form-heading").textContent())
      .toBe("New claim (from a suggestion)");
    expect(await status(page)).toMatch(/^Suggestion 2 of 2: /);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator("#claim-panel").isHidden()).toBe(true);

    // The list's entries take focus; their keys work there too (x dismisses the focused choice).
    await page.locator("#ws-suggestion-list .sg-pick").first().focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => status(page)).toMatch(/^Suggestion 1 of 2/);
    await page.keyboard.press("x");
    await expect.poll(() => status(page)).toMatch(/^Dismissed\. Suggestion 1 of 1/);
    // The last one's Dismiss by mouse: none left, and the text's buttons go.
    await rows.nth(0).getByRole("button", { name: "Dismiss suggestion 1" }).click();
    await expect.poll(() => status(page)).toBe("Dismissed. No suggestions left.");
    expect(await inline.isHidden()).toBe(true);
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
