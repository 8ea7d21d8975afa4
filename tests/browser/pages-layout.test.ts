// Layout and legibility of the project, assignments, agreement, dashboard and Claims pages in a
// real browser, at the usual 1280×720 and at a phone's width: a checkbox sits beside the first
// line of its label however the label wraps, status pills never wrap, and the text and controls
// these pages show (the bulk edit's Undo among them) reach WCAG AA contrast.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClaim } from "../../src/claims/claims.service.js";
import { markArticleDone } from "../../src/dashboard/progress.service.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";
import { logInThroughForm, watchScriptErrors } from "../helpers/workspace-page.js";

const VIEWPORTS = [
  { name: "1280×720", width: 1280, height: 720 },
  { name: "360×740", width: 360, height: 740 },
] as const;

/** A name long enough to wrap its checkbox label on a narrow screen. */
const LONG_NAME = "Maria-Alexandra Konstantinopoulou-Papadimitriou of the Thessaloniki desk";

interface CheckPlacement {
  text: string;
  lines: number;
  boxTop: number;
  boxBottom: number;
  boxRight: number;
  lineTop: number;
  lineBottom: number;
  lineLeft: number;
}

/**
 * Browser-side, as source text (the tests' TypeScript has no DOM types): for every checkbox in a
 * label matching the selector, its box and the box of the first line of the label's own text.
 */
const CHECK_PLACEMENTS = `((selector) => [...document.querySelectorAll(selector)].map((label) => {
  const input = label.querySelector('input[type="checkbox"]');
  const range = document.createRange();
  range.setStartAfter(input);
  range.setEnd(label, label.childNodes.length);
  const rects = [...range.getClientRects()].filter((rect) => rect.width > 1 && rect.height > 1);
  const firstTop = Math.min(...rects.map((rect) => rect.top));
  const firstLine = rects.filter((rect) => rect.top < firstTop + 2);
  const tops = new Set(rects.map((rect) => Math.round(rect.top)));
  const box = input.getBoundingClientRect();
  return {
    text: label.textContent.trim().slice(0, 40),
    lines: [...tops].filter((top) => ![...tops].some((other) => other < top && top - other < 4)).length,
    boxTop: box.top, boxBottom: box.bottom, boxRight: box.right,
    lineTop: firstTop,
    lineBottom: Math.max(...firstLine.map((rect) => rect.bottom)),
    lineLeft: Math.min(...firstLine.map((rect) => rect.left)),
  };
}))`;

/** Browser-side: the lines an element's text takes (1 when it does not wrap). */
const TEXT_LINES = `((selector) => [...document.querySelectorAll(selector)].map((element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const tops = [...range.getClientRects()].filter((rect) => rect.width > 1).map((rect) => Math.round(rect.top));
  return { text: element.textContent.trim(), lines: new Set(tops).size };
}))`;

/**
 * Browser-side: WCAG contrast of each matching element's text colour on the background it is
 * drawn on (the nearest ancestor's with a colour), with its size and visibility.
 */
const CONTRASTS = `((selector) => [...document.querySelectorAll(selector)].map((element) => {
  const channels = (colour) => colour.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const linear = (value) => { value /= 255; return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  let background = [255, 255, 255];
  for (let node = element; node; node = node.parentElement) {
    const colour = channels(getComputedStyle(node).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) { background = colour; break; }
  }
  const style = getComputedStyle(element);
  const [light, dark] = [luminance(channels(style.color)), luminance(background)].sort((a, b) => b - a);
  const box = element.getBoundingClientRect();
  return {
    text: element.textContent.trim().slice(0, 40),
    ratio: Math.round(((light + 0.05) / (dark + 0.05)) * 100) / 100,
    visible: box.width > 0 && box.height > 0 && style.visibility === "visible" && Number(style.opacity) > 0,
  };
}))`;

async function checkPlacements(page: Page, selector: string): Promise<CheckPlacement[]> {
  return page.evaluate(`${CHECK_PLACEMENTS}(${JSON.stringify(selector)})`);
}

/** Each checkbox beside the first line of its label: level with it, just left of its first word. */
function expectBesideFirstLine(placements: CheckPlacement[], where: string): void {
  expect(placements.length, where).toBeGreaterThan(0);
  for (const placement of placements) {
    const label = `${where}: “${placement.text}”`;
    const middle = (placement.boxTop + placement.boxBottom) / 2;
    expect(middle, label).toBeGreaterThanOrEqual(placement.lineTop);
    expect(middle, label).toBeLessThanOrEqual(placement.lineBottom);
    expect(placement.lineLeft - placement.boxRight, label).toBeGreaterThanOrEqual(0);
    expect(placement.lineLeft - placement.boxRight, label).toBeLessThan(14);
  }
}

describe.runIf(runBrowserTests)("page layout and legibility in a real browser", () => {
  let app: TestApp;
  let browser: Browser;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let projectId: number;
  const errors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator", { name: LONG_NAME });
    const other = await makeUser(app.db, "annotator", { name: "Ben" });
    const project = await makeProject(app.db, admin, [annotator, other]);
    projectId = project.id;
    await app.db.prisma.project.update({
      where: { id: projectId },
      data: { blind: true, useAssignments: true },
    });
    const done = await makeArticle(app.db, admin, projectId, "Both marked this one done.");
    const started = await makeArticle(app.db, admin, projectId, "A claim was made here.");
    await makeArticle(app.db, admin, projectId, "Nobody started this one.");
    for (const user of [annotator, other]) {
      await app.db.prisma.assignment.createMany({
        data: (await app.db.prisma.article.findMany({ where: { projectId } })).map((article) => ({
          articleId: article.id,
          userId: user.id,
        })),
      });
      await markArticleDone(app.db.prisma, user, done.id);
    }
    const quote = "A claim was made here.";
    await createClaim(app.db.prisma, annotator, started.id, {
      ...spanOf(started.body, quote),
      quote,
      type: "direct",
      stance: "favor",
    });
    await createClaim(app.db.prisma, admin, started.id, {
      ...spanOf(started.body, quote),
      quote,
      type: "outlet",
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(user: CurrentUser, path: string, width: number, height: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    watchScriptErrors(page, errors);
    await logInThroughForm(page, app, user, path);
    await page.waitForURL(`${app.url}${path}`);
    return page;
  }

  for (const viewport of VIEWPORTS) {
    it(`puts each checkbox beside the first line of its label at ${viewport.name}`, async () => {
      const pages = [
        [`/projects/${projectId}/assignments`, "label.check"],
        [`/projects/${projectId}/agreement`, "label.check"],
        [`/projects/${projectId}`, "label.check"],
        [`/claims?project=${projectId}`, "#bulk-edit label.check"],
      ] as const;
      let wrapped = 0;
      for (const [path, selector] of pages) {
        const page = await open(admin, path, viewport.width, viewport.height);
        if (path.startsWith("/claims")) await page.locator("#bulk-edit").waitFor();
        const placements = await checkPlacements(page, selector);
        expectBesideFirstLine(placements, `${path} at ${viewport.name}`);
        wrapped += placements.filter((placement) => placement.lines > 1).length;
        await page.close();
      }
      // On a phone the long name and the study settings wrap: the rule is tested on wrapped labels.
      if (viewport.width < 500) expect(wrapped).toBeGreaterThan(3);
      expect(errors).toEqual([]);
    });

    it(`keeps status pills on one line on the dashboard and the project page at ${viewport.name}`, async () => {
      const dashboard = await open(annotator, "/", viewport.width, viewport.height);
      const pills = (await dashboard.evaluate(`${TEXT_LINES}(".status")`)) as {
        text: string;
        lines: number;
      }[];
      expect(pills.map((pill) => pill.text).sort()).toEqual(["done", "in progress", "not started"]);
      for (const pill of pills) expect(pill.lines, pill.text).toBe(1);
      await dashboard.close();
      const project = await open(admin, `/projects/${projectId}`, viewport.width, viewport.height);
      const badges = (await project.evaluate(`${TEXT_LINES}(".badge")`)) as { text: string; lines: number }[];
      expect(badges.map((badge) => badge.text)).toEqual(["Blind", "Assigned articles"]);
      for (const badge of badges) expect(badge.lines, badge.text).toBe(1);
      await project.close();
    });
  }

  it("shows the bulk edit's Undo in the link colour, at least 4.5:1 on the notice", async () => {
    const page = await open(admin, `/claims?project=${projectId}`, 1280, 720);
    // The notice a finished bulk edit leaves for the reloaded page (src/client/claims/bulk-edit.ts).
    await page.evaluate(
      `sessionStorage.setItem("claimant.bulk-edit.notice", JSON.stringify({ id: 1, text: "Changed 2 claims." }))`,
    );
    await page.reload();
    await page.locator("#bulk-undo").waitFor({ state: "visible" });
    const [undo] = (await page.evaluate(`${CONTRASTS}("#bulk-undo")`)) as {
      ratio: number;
      visible: boolean;
    }[];
    expect(undo!.visible).toBe(true);
    expect(undo!.ratio).toBeGreaterThanOrEqual(4.5);
    const [notice] = (await page.evaluate(`${CONTRASTS}("#bulk-notice-text")`)) as { ratio: number }[];
    expect(notice!.ratio).toBeGreaterThanOrEqual(4.5);
    await page.close();
  });

  it("gives the text these pages show at least 4.5:1 contrast", async () => {
    const checks = [
      [annotator, "/", ".status, .hint, td, h1, h2, p"],
      [admin, `/projects/${projectId}`, ".badge, .hint, label.check, td a, h1, h2"],
      [admin, `/projects/${projectId}/assignments`, ".hint, label, td, th, button"],
      [admin, `/projects/${projectId}/agreement`, ".hint, label, td, th, .thin, button"],
      [
        admin,
        `/claims?project=${projectId}&article=abc&from=2024-03-05&to=2024-03-01`,
        ".field-error, .flash, label, .hint, button, .button",
      ],
    ] as const;
    for (const [user, path, selector] of checks) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await logInThroughForm(page, app, user, path);
      await page.waitForURL(`${app.url}${path}`);
      const results = (await page.evaluate(`${CONTRASTS}(${JSON.stringify(selector)})`)) as {
        text: string;
        ratio: number;
        visible: boolean;
      }[];
      const shown = results.filter((result) => result.visible && result.text);
      expect(shown.length, path).toBeGreaterThan(3);
      for (const result of shown)
        expect(result.ratio, `${path}: “${result.text}”`).toBeGreaterThanOrEqual(4.5);
      await page.close();
    }
  });
});
