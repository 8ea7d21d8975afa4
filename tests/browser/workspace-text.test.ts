import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser, startTestApp, TEST_PASSWORD, type TestApp } from "../helpers/test-app.js";

const BODY = [
  "BAKU, Azerbaijan, Nov.3",
  "Hajiyev stressed that the international community's support is the result of long-term activities. Fans cheered.",
  '"The Armenians are still committing military provocations," added the president’s assistant.',
  "Officials in Yerevan denied the report. They said the ceasefire held overnight.",
].join("\n\n");

/**
 * Browser-side helper as source text (the tests' TypeScript has no DOM types): the viewport point
 * at `fraction` of the width of the first occurrence of `text` in the article.
 */
const POINT_IN_TEXT = `(([text, fraction]) => {
  const root = document.getElementById("article-body");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + text.length);
    const box = range.getClientRects()[0];
    return { x: box.left + box.width * fraction, y: box.top + box.height / 2 };
  }
  throw new Error("not in the article: " + text);
})`;

function pointIn(page: Page, text: string, fraction = 0.5) {
  return page.evaluate<{ x: number; y: number }>(`${POINT_IN_TEXT}(${JSON.stringify([text, fraction])})`);
}

/** A mouse drag from one viewport point to another, as a person makes it. */
async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

describe.runIf(runBrowserTests)("the workspace's article text in a real browser", () => {
  let app: TestApp;
  let browser: Browser;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let projectId: number;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator", { name: "Ann Text" });
    projectId = (await makeProject(app.db, admin, [annotator])).id;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A page logged in through the /login form, on `path`, once the highlights are painted. */
  async function openAs(user: CurrentUser, path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("pageerror", (error) => scriptErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && !/Failed to load resource/.test(message.text())) {
        scriptErrors.push(message.text());
      }
    });
    await page.goto(`${app.url}/login?next=${encodeURIComponent(path)}`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${app.url}${path}`);
    await page.waitForSelector("main[data-painted]");
    return page;
  }

  it("selects from the very first letter of a sentence, for a quote and for a mention", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const page = await openAs(annotator, `/articles/${article.id}`);

    await drag(page, await pointIn(page, "They said", 0), await pointIn(page, "ceasefire", 0.5));
    await expect
      .poll(() => page.locator("#f-quote").textContent())
      .toBe("“They said the ceasefire held overnight.”");

    const mention = page.getByRole("group", { name: "Mention" });
    await mention.getByRole("button", { name: "Pick from text" }).click();
    await drag(page, await pointIn(page, "They said", 0), await pointIn(page, "They said", 0.5));
    await expect.poll(() => mention.locator(".span-value").textContent()).toBe("“They”");
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("keeps the keyboard path: j/k and Enter open a sentence, and a drag then starts on the focused sentence", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const page = await openAs(annotator, `/articles/${article.id}`);
    await page.locator("#article-body").focus();
    for (const key of ["j", "j", "j", "j", "j", "j", "k"]) await page.keyboard.press(key);
    const focused = "Officials in Yerevan denied the report.";
    expect(await page.evaluate<string>("document.activeElement.textContent")).toBe(focused);
    expect(await page.locator("#ws-status").textContent()).toBe("Sentence 5 of 7.");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#f-quote").textContent()).toBe(`“${focused}”`);
    await page.keyboard.press("Escape");

    // The sentence the keyboard left focused must not swallow a drag from its first letter.
    await drag(page, await pointIn(page, "Officials", 0), await pointIn(page, "Yerevan", 0.5));
    await expect.poll(() => page.locator("#claim-panel").isVisible()).toBe(true);
    expect(await page.locator("#f-quote").textContent()).toBe(`“${focused}”`);
    expect(await page.locator(".sentence[tabindex]").count()).toBe(0);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("reaches the article text from page load with one Tab and Enter on the skip link", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const page = await openAs(annotator, `/articles/${article.id}`);
    await page.reload();
    await page.waitForSelector("main[data-painted]");
    await page.keyboard.press("Tab");
    const skip = await page.evaluate<{ text: string; cls: string }>(
      "({ text: document.activeElement.textContent, cls: document.activeElement.className })",
    );
    expect(skip).toEqual({ text: "Skip to the article text", cls: "skip-link" });
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate("document.activeElement.id")).toBe("article-body");
    // From there the keyboard works on the text at once.
    await page.keyboard.press("j");
    expect(await page.evaluate<string>("document.activeElement.textContent")).toBe("BAKU, Azerbaijan, Nov.3");
    expect(scriptErrors).toEqual([]);
    await page.close();
  });
});
