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
  viewport = { width: 1400, height: 900 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
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

/** Where the article text is: its top in the viewport and the window's scroll, to see it move. */
export interface TextPlace {
  top: number;
  scrollY: number;
}

export function textPlace(page: Page): Promise<TextPlace> {
  return page.evaluate<TextPlace>(
    `({ top: document.getElementById("article-body").getBoundingClientRect().top, scrollY: window.scrollY })`,
  );
}

/**
 * Lines of article text wholly inside the viewport: the distinct line boxes of the text's words
 * (a line counts once, whatever its highlights cut it into).
 */
export function visibleTextLines(page: Page): Promise<number> {
  return page.evaluate<number>(`(() => {
    const root = document.getElementById("article-body");
    const tops = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.data.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const box of range.getClientRects()) {
        if (box.width < 1 || box.top < 0 || box.bottom > window.innerHeight) continue;
        if (!tops.some((top) => Math.abs(top - box.top) < box.height / 2)) tops.push(box.top);
      }
    }
    return tops.length;
  })()`);
}

/** Every layout shift of the page since it loaded (buffered), recorded into window.__shifts. */
export async function watchLayoutShifts(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      const root = document.getElementById("article-body");
      for (const entry of list.getEntries())
        window.__shifts.push({
          value: entry.value,
          recentInput: entry.hadRecentInput,
          inText: entry.sources.some((source) => source.node && (root.contains(source.node) || source.node.contains(root))),
          nodes: entry.sources.map((source) => source.node && (source.node.id || source.node.className || source.node.nodeName)),
        });
    }).observe({ type: "layout-shift", buffered: true });
  })()`);
}

export interface Shifts {
  /** Cumulative layout shift as the web measures it (shifts without recent input). */
  cls: number;
  /** All shifts, after input too. */
  total: number;
  /** Shifts that moved the article text or anything holding it. */
  text: number;
  nodes: string[];
}

/** The layout shifts recorded so far (after two frames, so the last ones are in), then forgets them. */
export async function takeLayoutShifts(page: Page): Promise<Shifts> {
  return page.evaluate<Shifts>(`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => {
    const shifts = window.__shifts;
    window.__shifts = [];
    const sum = (list) => list.reduce((total, shift) => total + shift.value, 0);
    done({
      cls: sum(shifts.filter((shift) => !shift.recentInput)),
      total: sum(shifts),
      text: sum(shifts.filter((shift) => shift.inText)),
      nodes: shifts.flatMap((shift) => shift.nodes.map(String)),
    });
  })))`);
}

/** A mouse drag from one viewport point to another, as a person makes it. */
export async function dragAcross(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}
