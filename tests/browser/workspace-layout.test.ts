// The workspace as it meets the eye, in Chromium at 1280×720: the article text on the first screen
// with the claim list beside it, the keys and the legend one click away (and remembered), a head
// that stays compact, nothing that moves under the pointer (measured with the layout-shift API),
// a form whose sticky bar covers nothing, compact chips, visible key boxes and focus rings.
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClaim } from "../../src/claims/claims.service.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";
import {
  dragAcross,
  logInThroughForm,
  pointIn,
  takeLayoutShifts,
  textPlace,
  visibleTextLines,
  watchLayoutShifts,
  watchScriptErrors,
} from "../helpers/workspace-page.js";

const SAMPLE = fs.readFileSync("src/demo/sample-article.txt", "utf8").trim();
const SMALL = { width: 1280, height: 720 };
const ALIYEV =
  "According to him, the Commander-in-Chief, President Ilham Aliyev, continues consistent steps to restore the territorial integrity of the country.";

/** Browser-side: the contrast ratio of two CSS colours (WCAG), and the background behind an element. */
const CONTRAST = `
  const channels = (colour) => colour.match(/[\\d.]+/g).map(Number);
  const luminance = (colour) => {
    const [r, g, b] = channels(colour).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  const backgroundOf = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      const [, , , alpha = 1] = channels(colour);
      if (alpha > 0) return colour;
    }
    return "rgb(255, 255, 255)";
  };
`;

describe.runIf(runBrowserTests)("the workspace's layout at 1280×720", () => {
  let app: TestApp;
  let browser: Browser;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let projectId: number;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator", { name: "Ann Layout" });
    projectId = (await makeProject(app.db, admin, [annotator])).id;
    await app.db.prisma.guidelineVersion.create({
      data: { projectId, version: 1, body: "# Rules\n\nTag every statement.", authorId: admin.id },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The sample article (with suggestions), one claim on it, and a second article in the list. */
  async function sampleArticle() {
    const article = await makeArticle(app.db, admin, projectId, SAMPLE);
    await makeArticle(app.db, admin, projectId, `${SAMPLE}\n\nAnother one.`);
    const claim = await createClaim(app.db.prisma, annotator, article.id, {
      ...spanOf(article.body, ALIYEV),
      quote: ALIYEV,
      type: "indirect",
      stance: "favor",
    });
    return { article, claim };
  }

  /** A fresh browser context (a first visit: nothing remembered) at 1280×720 on the workspace. */
  async function firstVisit(path: string): Promise<Page> {
    const context = await browser.newContext({ viewport: SMALL });
    const page = await context.newPage();
    watchScriptErrors(page, scriptErrors);
    await logInThroughForm(page, app, annotator, path);
    await page.waitForURL(/\/guidelines\?next=|\/articles\//);
    if (page.url().includes("/guidelines?next=")) {
      await page.getByRole("button", { name: "I have read them: continue" }).click();
    }
    await page.waitForURL(`${app.url}${path}`);
    await page.waitForSelector("main[data-painted]");
    return page;
  }

  async function reload(page: Page): Promise<void> {
    await page.reload();
    await page.waitForSelector("main[data-painted]");
  }

  const box = (page: Page, selector: string) =>
    page.evaluate<{ top: number; bottom: number; left: number; right: number }>(
      `document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect().toJSON()`,
    );

  it("shows at least 10 lines of article text on the first screen, with the claim list beside it; Keys and Legend are a click away and remembered", async () => {
    const { article } = await sampleArticle();
    const path = `/articles/${article.id}`;
    const page = await firstVisit(path);
    await page.waitForSelector("body[data-suggestions]");

    const lines = await visibleTextLines(page);
    expect(lines).toBeGreaterThanOrEqual(10);
    const place = await textPlace(page);
    expect(place.top).toBeLessThan(260);
    // The head: crumbs, title, and one line with the outlet, the date and the day's progress.
    const head = await box(page, ".ws-head");
    expect(head.bottom - head.top).toBeLessThan(140);
    const meta = await box(page, ".ws-meta");
    const progress = await box(page, "#ws-progress");
    expect(Math.abs(meta.top - progress.top)).toBeLessThan(16);

    // The claim list beside the text, its first entry on the first screen.
    const text = await box(page, "#article-body");
    const firstClaim = await box(page, "#claim-list [role=option]");
    expect(firstClaim.left).toBeGreaterThan(text.right);
    expect(firstClaim.top).toBeLessThan(SMALL.height / 2);
    expect(firstClaim.bottom).toBeLessThan(SMALL.height);
    // First visit: the keys and the legend are open, in the side column, after the claims.
    expect(await page.locator("#ws-keys").isVisible()).toBe(true);
    expect(await page.locator("#ws-legend").isVisible()).toBe(true);
    expect(await page.locator("#ws-keys-toggle").getAttribute("aria-expanded")).toBe("true");
    await page.screenshot({ path: "test-results/workspace-1280x720-first-visit.png" });

    // Closing them moves no article text, and the next visit keeps them closed.
    await watchLayoutShifts(page);
    await takeLayoutShifts(page);
    await page.locator("#ws-keys-toggle").click();
    await page.getByRole("button", { name: "Close the legend" }).click();
    expect(await page.locator("#ws-keys").isHidden()).toBe(true);
    expect(await page.locator("#ws-legend").isHidden()).toBe(true);
    expect(await textPlace(page)).toEqual(place);
    expect((await takeLayoutShifts(page)).text).toBe(0);
    await reload(page);
    expect(await page.locator("#ws-keys").isHidden()).toBe(true);
    expect(await page.locator("#ws-legend").isHidden()).toBe(true);
    expect(await page.locator("#ws-legend-toggle").getAttribute("aria-expanded")).toBe("false");
    expect(await visibleTextLines(page)).toBeGreaterThanOrEqual(10);
    await page.screenshot({ path: "test-results/workspace-1280x720.png" });

    // One click opens the legend again, without moving the text; it stays open on the next visit.
    await page.locator("#ws-legend-toggle").click();
    expect(await page.locator("#ws-legend").isVisible()).toBe(true);
    expect((await textPlace(page)).top).toBe(place.top);
    await reload(page);
    expect(await page.locator("#ws-legend").isVisible()).toBe(true);
    expect(await page.locator("#ws-keys").isHidden()).toBe(true);

    // After the first visit, with nothing chosen, both start closed.
    await page.evaluate(`localStorage.removeItem("claimant.workspace.panels")`);
    await reload(page);
    expect(await page.locator("#ws-keys").isHidden()).toBe(true);
    expect(await page.locator("#ws-legend").isHidden()).toBe(true);
    expect(scriptErrors).toEqual([]);
    await page.context().close();
  });

  it("moves nothing on screen when the suggestions arrive late, with the form open", async () => {
    // A short article: before its suggestions, the side column has no need to scroll.
    const article = await makeArticle(
      app.db,
      admin,
      projectId,
      [
        "BAKU, Azerbaijan, Nov.3",
        "Hajiyev stressed that the international community's support is the result of long-term activities.",
        '"The Armenians are still committing military provocations," added the president’s assistant.',
        "Officials in Yerevan denied the report. They said the ceasefire held overnight.",
      ].join("\n\n"),
    );
    // Tall enough that the side column needs no scroll bar until the suggestions come.
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    watchScriptErrors(page, scriptErrors);
    // The suggestions are held back until the form is open and being filled in.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/suggestions\?for=me$/, async (route) => {
      await held;
      await route.continue();
    });
    await logInThroughForm(page, app, annotator, `/articles/${article.id}`);
    await page.waitForURL(/\/guidelines\?next=|\/articles\//);
    if (page.url().includes("/guidelines?next=")) {
      await page.getByRole("button", { name: "I have read them: continue" }).click();
    }
    await page.waitForSelector("[data-painted]");
    await dragAcross(page, await pointIn(page, "BAKU", 0.1), await pointIn(page, "Nov.3", 0.9));
    await expect.poll(() => page.locator("#claim-panel").isVisible()).toBe(true);
    await watchLayoutShifts(page);
    await takeLayoutShifts(page);
    const save = await box(page, "#f-save");
    release();
    await page.waitForSelector("body[data-suggestions]");
    expect(await page.locator("#ws-suggestions").isVisible()).toBe(true);
    // The suggestions take room below everything else: nothing above them moves or rewraps.
    expect(await takeLayoutShifts(page)).toMatchObject({ total: 0, nodes: [] });
    expect(await box(page, "#f-save")).toEqual(save);
    await context.close();
  });

  it("moves no article text when a sentence is selected by mouse, the form opens, saves, shows an error or a notice (CLS 0)", async () => {
    const { article } = await sampleArticle();
    const page = await firstVisit(`/articles/${article.id}`);
    await page.waitForSelector("body[data-suggestions]");
    await watchLayoutShifts(page);
    // Page loaded: no shift at all since it started (buffered entries included).
    expect(await takeLayoutShifts(page)).toMatchObject({ cls: 0, text: 0 });
    const place = await textPlace(page);
    const textScroll = () => page.evaluate<number>(`document.getElementById("ws-text").scrollTop`);
    const still = async (what: string) => {
      const shifts = await takeLayoutShifts(page);
      expect({ what, place: await textPlace(page), textScroll: await textScroll() }).toEqual({
        what,
        place,
        textScroll: 0,
      });
      expect({ what, cls: shifts.cls, text: shifts.text }).toEqual({ what, cls: 0, text: 0 });
    };

    // Select a sentence by mouse: the form opens in the side column, the page does not scroll.
    await dragAcross(page, await pointIn(page, "BAKU", 0.1), await pointIn(page, "Nov.3", 0.9));
    await expect.poll(() => page.locator("#claim-panel").isVisible()).toBe(true);
    expect(await page.locator("#f-quote").textContent()).toBe("“BAKU, Azerbaijan, Nov.3”");
    await still("form opened");
    // The form's bar (Save) is in view without scrolling the page.
    const save = await box(page, "#f-save");
    expect(save.top).toBeGreaterThan(0);
    expect(save.bottom).toBeLessThan(SMALL.height);

    // A validation error (a note too long): under the form's bar, the text unmoved.
    await page.getByLabel("Note").fill("x".repeat(5001));
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => page.locator("#f-note-error").textContent())
      .toBe("Notes are at most 5,000 characters.");
    await still("error shown");

    // Save: the form closes, the notice comes, over no article text.
    await page.getByLabel("Note").fill("Dateline.");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator(".ws-notice-text").textContent()).toBe("Claim saved.");
    await still("saved, notice shown");
    // The notice: beside the text, under the side's scrolling part (covering neither), on screen.
    const notice = await box(page, "#ws-notice");
    const textColumn = await box(page, "#ws-text");
    const side = await box(page, "#ws-side");
    expect(notice.left).toBeGreaterThanOrEqual(textColumn.right);
    expect(notice.top).toBeGreaterThanOrEqual(side.bottom);
    expect(notice.bottom).toBeLessThanOrEqual(SMALL.height);

    // Selecting by keys and choosing a claim in the list do not move the text under the pointer either.
    await page.getByRole("option", { name: /BAKU/ }).click();
    await expect.poll(() => page.locator("#claim-form-heading").textContent()).toBe("Edit claim");
    await still("claim opened from the list");
    await page.keyboard.press("Escape");
    await still("form closed");
    expect(scriptErrors).toEqual([]);
    await page.context().close();
  });

  it("keeps the form's sticky bar to one row: the logged-out message covers no field, and target chips take at most two lines", async () => {
    const { article } = await sampleArticle();
    const page = await firstVisit(`/articles/${article.id}`);
    await dragAcross(page, await pointIn(page, "Trend:", 0.1), await pointIn(page, "Trend:", 0.9));
    await expect.poll(() => page.locator("#claim-panel").isVisible()).toBe(true);

    // Compact chips: types and targets on one or two lines each.
    const rows = (group: string) =>
      page.evaluate<number>(
        `new Set([...document.querySelectorAll("#f-${group} .chip")].map((chip) => Math.round(chip.getBoundingClientRect().top))).size`,
      );
    expect(await rows("type")).toBeLessThanOrEqual(2);
    expect(await rows("target")).toBeLessThanOrEqual(2);
    expect(await rows("stance")).toBeLessThanOrEqual(2);

    await page.locator("#f-stance input[value=against]").check();
    await page.getByLabel("Note").fill("Typed before the logout.");
    const other = await page.context().newPage();
    await other.goto(`${app.url}/profile`);
    await other.getByRole("button", { name: "Log out" }).click();
    await other.waitForURL(`${app.url}/login`);
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator("#f-error").textContent()).toMatch(/^You are logged out/);

    // The sticky bar holds the heading and the buttons only, whatever the message.
    const bar = await box(page, ".f-bar");
    expect(bar.bottom - bar.top).toBeLessThan(64);
    expect(await page.locator(".f-bar #f-error").count()).toBe(0);
    // Wherever the side is scrolled, each field below the bar is itself under the pointer.
    const covered = async () =>
      page.evaluate<string[]>(`(() => {
        const side = document.getElementById("ws-side").getBoundingClientRect();
        const bar = document.querySelector(".f-bar").getBoundingClientRect();
        const covered = [];
        for (const el of document.querySelectorAll("#claim-form .chip, #claim-form legend, #f-note, #f-speaker, #f-error")) {
          const box = el.getBoundingClientRect();
          if (box.height === 0 || box.top < bar.bottom || box.bottom > side.bottom) continue;
          const hit = document.elementFromPoint(box.left + Math.min(12, box.width / 2), box.top + box.height / 2);
          if (!hit || !(el.contains(hit) || hit.contains(el)))
            covered.push(el.id || el.textContent.trim().slice(0, 20));
        }
        return covered;
      })()`);
    for (const scrollTop of [0, 120, 240, 360]) {
      await page.evaluate(`document.getElementById("ws-side").scrollTop = ${scrollTop}`);
      expect({ scrollTop, covered: await covered() }).toEqual({ scrollTop, covered: [] });
    }
    // Reached by the keyboard, the Stance row shows below the bar, not under it.
    await page.evaluate(`document.getElementById("ws-side").scrollTop = 1000`);
    await page.locator("#f-stance input:checked").focus();
    const stance = await box(page, "#f-stance .chip");
    expect(stance.top).toBeGreaterThanOrEqual((await box(page, ".f-bar")).bottom);
    expect(await covered()).toEqual([]);
    expect(await page.locator("#f-stance input:checked").inputValue()).toBe("against");
    await other.close();
    await page.context().close();
  });

  it("shows the key boxes on the light head, and a visible focus ring on every control the keyboard reaches", async () => {
    const { article } = await sampleArticle();
    const page = await firstVisit(`/articles/${article.id}`);
    await page.waitForSelector("body[data-suggestions]");

    // The Guidelines button's key: its letter readable (4.5:1) and its box visible (3:1) on the head.
    const kbd = await page.evaluate<{ text: number; border: number; letter: string }>(`(() => {
      ${CONTRAST}
      const kbd = document.querySelector("#ws-guidelines-open kbd");
      const style = getComputedStyle(kbd);
      return {
        letter: kbd.textContent,
        text: ratio(style.color, backgroundOf(kbd)),
        border: ratio(style.borderTopColor, backgroundOf(kbd.closest(".ws-head"))),
      };
    })()`);
    expect(kbd.letter).toBe("g");
    expect(kbd.text).toBeGreaterThanOrEqual(4.5);
    expect(kbd.border).toBeGreaterThanOrEqual(3);

    // Every key action has a control in view of the mouse, showing its key.
    for (const [id, key] of [
      ["ws-guidelines-open", "g"],
      ["ws-undo", "Ctrl+Z"],
      ["ws-redo", "Ctrl+Y"],
      ["sg-prev", "["],
      ["sg-next", "]"],
      ["sg-accept", "a"],
      ["sg-edit", "Shift+A"],
      ["sg-dismiss", "x"],
    ]) {
      expect(await page.locator(`#${id} kbd`).textContent(), id).toBe(key);
    }
    // Open the form too, so its controls are in the round.
    await dragAcross(page, await pointIn(page, "BAKU", 0.1), await pointIn(page, "Nov.3", 0.9));
    await expect.poll(() => page.locator("#claim-panel").isVisible()).toBe(true);
    await page.locator("#ws-keys-toggle").focus();

    // Tab round the page: each stop shows a ring (outline of 2px or more, 3:1 against what is behind).
    const stops: { id: string; ring: boolean; contrast: number }[] = [];
    for (let press = 0; press < 120; press += 1) {
      await page.keyboard.press("Tab");
      const stop = await page.evaluate<{ id: string; ring: boolean; contrast: number } | null>(`(() => {
        ${CONTRAST}
        const el = document.activeElement;
        if (!el || el === document.body || !document.getElementById("workspace").contains(el)) return null;
        el.dataset.tabbed = "1";
        const holder = el.closest(".chip") ?? el;
        const style = getComputedStyle(holder);
        const width = parseFloat(style.outlineWidth);
        return {
          id: el.id || el.getAttribute("aria-label") || el.textContent.trim().slice(0, 30),
          ring: style.outlineStyle !== "none" && width >= 2,
          contrast: style.outlineStyle === "none" ? 0 : ratio(style.outlineColor, backgroundOf(holder.parentElement)),
        };
      })()`);
      if (!stop) continue;
      if (stops.some((seen) => seen.id === stop.id) && stop.id === stops[0]?.id) break;
      stops.push(stop);
    }
    const without = stops.filter((stop) => !stop.ring || stop.contrast < 3);
    expect(without).toEqual([]);
    // And every visible control of the workspace was reached (radio groups: their checked choice).
    const missed = await page.evaluate<string[]>(`[...document.querySelectorAll(
      "#workspace a[href], #workspace button, #workspace select, #workspace input, #workspace textarea, #workspace [tabindex='0']"
    )].filter((el) => el.checkVisibility() && !el.disabled && !(el.type === "radio" && !el.checked) && !el.dataset.tabbed)
      .map((el) => el.id || el.textContent.trim().slice(0, 30))`);
    expect(missed).toEqual([]);
    expect(stops.length).toBeGreaterThan(20);
    expect(scriptErrors).toEqual([]);
    await page.context().close();
  });
});
