import type { Browser, Page } from "playwright-core";
import type { CurrentUser } from "../../src/http/current-user.js";
import { TEST_PASSWORD, type TestApp } from "./test-app.js";

/** Collects the page's script errors and console errors (failed resource loads aside) into `errors`. */
export function watchScriptErrors(page: Page, errors: string[]): void {
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !/Failed to load resource/.test(message.text()))
      errors.push(message.text());
  });
}

/** Logs in through the /login form as a person would, asking to come back to `path`. */
export async function logInThroughForm(
  page: Page,
  app: TestApp,
  user: CurrentUser,
  path: string,
): Promise<void> {
  await page.goto(`${app.url}/login?next=${encodeURIComponent(path)}`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.keyboard.press("Enter");
}

/** A new page logged in as `user` on the workspace at `path`, once its highlights are painted. */
export async function openWorkspaceAs(
  browser: Browser,
  app: TestApp,
  user: CurrentUser,
  path: string,
  errors: string[],
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  watchScriptErrors(page, errors);
  await logInThroughForm(page, app, user, path);
  await page.waitForURL(`${app.url}${path}`);
  await page.waitForSelector("main[data-painted]");
  return page;
}

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

/**
 * The viewport point of some words of the article, once the layout holds still: read until two
 * readings a frame apart agree, since on a busy machine a closing form, a panel appearing beside
 * the text or a scroll into view may still be moving it.
 */
export async function pointIn(page: Page, text: string, fraction = 0.5) {
  const read = () =>
    page.evaluate<{ x: number; y: number }>(
      `new Promise((done) => requestAnimationFrame(() => done(${POINT_IN_TEXT}(${JSON.stringify([text, fraction])}))))`,
    );
  let previous = await read();
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const current = await read();
    if (current.x === previous.x && current.y === previous.y) return current;
    previous = current;
  }
  throw new Error(`"${text}" kept moving`);
}
