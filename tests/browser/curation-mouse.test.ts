// The curation page by mouse, in Chromium at 1280×720: every card has visible buttons for the
// decisions it allows (each showing its key), reachable by Tab with a visible focus ring; each
// decision updates the page in place (no page load) with the focus kept on the card; nothing moves
// under the pointer (layout-shift API and element boxes); problems show beside their card; quotes
// show their quotation marks once; "Mark curated" asks first while claims wait; the colours pass
// an axe-core audit (WCAG 2.2 AA, colour contrast included).
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { auditPage, describeViolations } from "../helpers/accessibility-audit.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { logInThroughForm, watchScriptErrors } from "../helpers/workspace-page.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

const FILLER = Array.from({ length: 8 }, (_, i) => `Person ${i + 4} said thing number ${i + 4}.`);
const BODY = [
  "“We will win,” Ann said on Monday.",
  "Bo said the plan would work.",
  "Cy said “nothing will change”.",
  ...FILLER,
].join(" ");

/** Every layout shift from now on, whether or not it followed an input (the strictest count). */
const WATCH_SHIFTS = `(() => {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      window.__shifts.push({ value: entry.value, nodes: entry.sources.map((s) => s.node && (s.node.id || s.node.className || s.node.nodeName)) });
  }).observe({ type: "layout-shift" });
})()`;

/** Where every card and row of the table is, by claim id or row key. */
const BOXES = `(() => {
  const boxes = {};
  for (const node of document.querySelectorAll(".cur-claim[data-claim], #curation tbody tr[data-key]")) {
    const box = node.getBoundingClientRect();
    const key = node.dataset.claim ? "claim " + node.dataset.claim : "row " + node.dataset.key;
    boxes[key] = [box.left, box.top, box.width, box.height].map((n) => Math.round(n * 10) / 10).join(",");
  }
  return boxes;
})()`;

/** The focused element: its card's claim id, its action, its accessible text, its focus ring. */
const FOCUSED = `(() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    claim: el.closest("[data-claim]")?.dataset.claim ?? null,
    act: el.dataset.act ?? el.dataset.action ?? null,
    tag: el.tagName,
    text: el.textContent.replace(/\\s+/g, " ").trim(),
    focusVisible: el.matches(":focus-visible"),
    outline: style.outlineStyle + " " + style.outlineWidth + " " + style.outlineColor,
  };
})()`;

interface Focused {
  claim: string | null;
  act: string | null;
  tag: string;
  text: string;
  focusVisible: boolean;
  outline: string;
}

interface Shift {
  value: number;
  nodes: string[];
}

describe.runIf(runBrowserTests)("curating by mouse", () => {
  let app: TestApp;
  let browser: Browser;
  let curator: CurrentUser;
  let x: CurrentUser;
  let y: CurrentUser;
  let colleague: Agent;
  let colleagueToken: string;
  let projectId: number;
  const scriptErrors: string[] = [];
  const nativeDialogs: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    curator = await makeUser(app.db, "admin", { name: "Cora Curator" });
    x = await makeUser(app.db, "annotator", { name: "Xena" });
    y = await makeUser(app.db, "annotator", { name: "Yann" });
    projectId = (await makeProject(app.db, curator, [x, y])).id;
    const other = await makeUser(app.db, "admin", { name: "Colin Colleague" });
    colleague = await loginAgent(app, other.email);
    colleagueToken = await tokenFor(colleague);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /**
   * A new article: Xena and Yann claim the first sentence's quote with different stances, agree
   * exactly on the second, only Xena claims the third, and both claim every filler sentence.
   */
  async function newArticle() {
    const article = await makeArticle(app.db, curator, projectId, BODY);
    const favor = await app.db.prisma.stanceLabel.findFirstOrThrow({ where: { projectId, key: "favor" } });
    const ids: Record<string, number> = {};
    const claim = async (name: string, user: CurrentUser, text: string, extra: object = {}) => {
      const row = await app.db.prisma.claim.create({
        data: {
          articleId: article.id,
          projectId,
          annotatorId: user.id,
          ...spanOf(article.body, text),
          quote: text,
          prefix: "",
          suffix: "",
          type: "direct",
          ...extra,
        },
      });
      ids[name] = row.id;
    };
    await claim("xWin", x, "“We will win,”", { stanceId: favor.id });
    await claim("yWin", y, "“We will win,”");
    await claim("xBo", x, "Bo said the plan would work.");
    await claim("yBo", y, "Bo said the plan would work.");
    await claim("xCy", x, "Cy said “nothing will change”");
    for (const [index, sentence] of FILLER.entries()) {
      await claim(`x${index + 4}`, x, sentence);
      await claim(`y${index + 4}`, y, sentence, { type: "indirect" });
    }
    return { id: article.id, body: article.body, ids };
  }

  async function open(articleId: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    watchScriptErrors(page, scriptErrors);
    page.on("dialog", (dialog) => {
      nativeDialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await logInThroughForm(page, app, curator, `/articles/${articleId}/curate`);
    await page.locator("#cur-status").filter({ hasText: "Group 1 of" }).waitFor();
    return page;
  }

  /** Counts the page loads from now on (an update in place loads none). */
  function countLoads(page: Page): () => number {
    let loads = 0;
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) loads += 1;
    });
    return () => loads;
  }

  const card = (page: Page, id: number) => page.locator(`.cur-claim[data-claim="${id}"]`);
  const focused = (page: Page) => page.evaluate<Focused>(FOCUSED);
  const boxes = (page: Page) => page.evaluate<Record<string, string>>(BOXES);
  const shifts = (page: Page) => page.evaluate<Shift[]>("window.__shifts");
  const status = (page: Page) => page.locator("#cur-status").textContent();

  it("gives every card visible buttons for its decisions, showing their keys, reachable by Tab with a focus ring", async () => {
    const article = await newArticle();
    const page = await open(article.id);

    const accept = page.getByRole("button", { name: "Accept Xena's claim, group 1", exact: true });
    const edit = page.getByRole("button", { name: "Edit and accept Xena's claim, group 1", exact: true });
    const reject = page.getByRole("button", { name: "Reject Xena's claim, group 1", exact: true });
    const merge = page.getByRole("button", { name: "Merge the 2 waiting claims of group 1", exact: true });
    const rejectAll = page.getByRole("button", {
      name: "Reject all 2 waiting claims of group 1",
      exact: true,
    });
    for (const [button, key] of [
      [accept, "a"],
      [edit, "e"],
      [reject, "r"],
      [merge, "m"],
      [rejectAll, "R"],
    ] as const) {
      expect(await button.isVisible()).toBe(true);
      expect(await button.locator("kbd").textContent()).toBe(key);
      expect(await button.getAttribute("aria-keyshortcuts")).toBe(key === "R" ? "Shift+R" : key);
    }
    // Large enough to hit (WCAG 2.2 target size: 24 × 24 px), and none hidden or cut.
    const sizes = await page.evaluate<{ width: number; height: number; visible: boolean }[]>(
      `[...document.querySelectorAll(".cur-actions button, #cur-toolbar button")].map((b) => { const r = b.getBoundingClientRect(); return { width: r.width, height: r.height, visible: b.checkVisibility() && b.scrollWidth <= b.clientWidth + 1 }; })`,
    );
    expect(sizes.length).toBeGreaterThan(40);
    for (const size of sizes) {
      expect(size.visible).toBe(true);
      expect(size.width).toBeGreaterThanOrEqual(24);
      expect(size.height).toBeGreaterThanOrEqual(24);
    }

    // Tab through the whole page: every button takes the focus once, with a visible ring.
    const all = await page.evaluate<string[]>(
      `[...document.querySelectorAll("main button:not(dialog button), main a[href]")].map((b) => (b.closest("[data-claim]")?.dataset.claim ?? "") + "/" + (b.dataset.act ?? b.dataset.action ?? b.textContent.trim()))`,
    );
    const reached = new Set<string>();
    // From the first element of the page (the skip link) on.
    await page.locator(".skip-link").focus();
    for (let press = 0; press < 2 * all.length + 40 && reached.size < all.length; press += 1) {
      await page.keyboard.press("Tab");
      const now = await focused(page);
      if (now.tag !== "BUTTON" && now.tag !== "A") continue;
      const key = `${now.claim ?? ""}/${now.act ?? now.text}`;
      if (!all.includes(key)) continue;
      reached.add(key);
      expect(now.focusVisible, key).toBe(true);
      // 3px in the accent colour (6:1 on white, 5.7:1 on the chosen row's yellow).
      expect(now.outline, key).toBe("solid 3px rgb(31, 95, 191)");
    }
    expect(all.filter((key) => !reached.has(key))).toEqual([]);

    // A key acts on the card whose button has the focus.
    await page.getByRole("button", { name: "Reject Yann's claim, group 5", exact: true }).focus();
    await page.keyboard.press("r");
    await card(page, article.ids.y5!).locator(".cur-decision", { hasText: "Rejected" }).waitFor();
    expect(await card(page, article.ids.x5!).locator(".cur-decision").textContent()).toBe("Waiting");
    expect(scriptErrors).toEqual([]);
    expect(nativeDialogs).toEqual([]);
    await page.close();
  });

  it("decides by mouse in place: no page load, the card and status change, the focus stays on the card", async () => {
    const article = await newArticle();
    const { ids } = article;
    const page = await open(article.id);
    const loads = countLoads(page);
    const waitingCount = async () => Number(await page.locator("#cur-counts strong").first().textContent());
    expect(await waitingCount()).toBe(21);

    await page.getByRole("button", { name: "Reject Xena's claim, group 3", exact: true }).click();
    await card(page, ids.xCy!).locator(".cur-decision", { hasText: "Rejected" }).waitFor();
    expect(await focused(page)).toMatchObject({ claim: String(ids.xCy), act: "undo" });
    expect(await status(page)).toContain("Rejected Xena's claim. Group 3 of 11, Xena:");
    expect(await waitingCount()).toBe(20);

    await page.getByRole("button", { name: "Undo the rejection of Xena's claim, group 3" }).click();
    await card(page, ids.xCy!).locator(".cur-decision", { hasText: "Waiting" }).waitFor();
    expect(await focused(page)).toMatchObject({ claim: String(ids.xCy), act: "accept" });
    expect(await waitingCount()).toBe(21);

    await page.getByRole("button", { name: "Accept Xena's claim, group 3", exact: true }).click();
    const gold = page.locator("#group-2 .cur-gold-claim");
    await gold.waitFor();
    expect(await gold.locator(".cur-decision").textContent()).toBe(
      `By Cora Curator, from claims #${ids.xCy}`,
    );
    const goldId = Number(await gold.getAttribute("data-claim"));
    expect(await card(page, ids.xCy!).locator(".cur-decision").textContent()).toBe(`In gold (#${goldId})`);
    expect(await focused(page)).toMatchObject({ claim: String(goldId), act: "edit" });

    await page.getByRole("button", { name: `Delete gold claim #${goldId}`, exact: true }).click();
    await gold.waitFor({ state: "detached" });
    expect(await focused(page)).toMatchObject({ claim: String(ids.xCy), act: "accept" });

    // Accept with edits: the dialog, then the gold claim as edited.
    await page.getByRole("button", { name: "Edit and accept Xena's claim, group 3", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Accept with edits" });
    await dialog.waitFor();
    await dialog.getByLabel("Type").selectOption("indirect");
    await dialog.getByRole("button", { name: "Save to gold" }).click();
    await gold.waitFor();
    expect(await gold.locator("dd").first().textContent()).toBe("indirect");

    // Merge the first group's two claims, field by field.
    await page.getByRole("button", { name: "Merge the 2 waiting claims of group 1", exact: true }).click();
    const mergeDialog = page.getByRole("dialog", { name: "Merge into one gold claim" });
    await mergeDialog.waitFor();
    await mergeDialog.getByRole("button", { name: "Save to gold" }).click();
    await page.locator("#group-0 .cur-gold-claim").waitFor();
    expect(await page.locator("#group-0 .cur-gold-claim .cur-decision").textContent()).toBe(
      `By Cora Curator, from claims #${ids.xWin}, #${ids.yWin}`,
    );

    // The toolbar: every exact agreement at once.
    await page.getByRole("button", { name: "Accept all exact agreements" }).click();
    await page.locator("#group-1 .cur-gold-claim").waitFor();
    expect(await status(page)).toContain("Accepted 1 exact agreement into gold.");
    expect(await focused(page)).toMatchObject({ act: "exact" });

    // A claim of one's own: drag across words of a sentence, then the toolbar's button. The new
    // group comes between the others, which are all numbered anew.
    const words = await page.evaluate<{ x1: number; x2: number; y: number }>(`(() => {
      const holder = [...document.querySelectorAll(".cur-text")].find((node) => node.textContent.startsWith("“We"));
      const text = holder.firstChild;
      const at = text.data.indexOf("Ann said");
      const range = document.createRange();
      range.setStart(text, at);
      range.setEnd(text, at + "Ann said".length);
      const box = range.getBoundingClientRect();
      return { x1: box.left + 1, x2: box.right - 1, y: box.top + box.height / 2 };
    })()`);
    await page.mouse.move(words.x1, words.y);
    await page.mouse.down();
    await page.mouse.move(words.x2, words.y, { steps: 5 });
    await page.mouse.up();
    await page.getByRole("button", { name: "Add a gold claim from the selected words" }).click();
    const add = page.getByRole("dialog", { name: "Add a gold claim" });
    await add.waitFor();
    expect(await add.getByLabel("Span").locator("option").first().textContent()).toBe(
      "“Ann said” (selected)",
    );
    await add.getByRole("button", { name: "Save to gold" }).click();
    await expect.poll(() => page.locator(".cur-group").count()).toBe(12);
    expect(await page.locator("#group-1 .cur-gold-claim .cur-decision").textContent()).toBe(
      "By Cora Curator, own claim",
    );
    expect(await page.locator("#group-2 .tag-exact").count()).toBe(0);
    expect(await page.locator("#group-3 .cur-gold-claim dd").first().textContent()).toBe("indirect");

    expect(loads()).toBe(0);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("decides in a fraction of the time the page used to take to load again", async () => {
    const article = await newArticle();
    const page = await open(article.id);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const target = card(page, article.ids.x7!);
    const inPlace: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      let started = Date.now();
      await target.getByRole("button", { name: /^Reject/ }).click();
      await target.locator(".cur-decision", { hasText: "Rejected" }).waitFor();
      inPlace.push(Date.now() - started);
      started = Date.now();
      await target.getByRole("button", { name: /^Undo/ }).click();
      await target.locator(".cur-decision", { hasText: "Waiting" }).waitFor();
      inPlace.push(Date.now() - started);
    }
    // As the page did before: the same API call, then the whole page loaded and drawn again.
    const reloaded: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      for (const [method, text] of [
        ["POST", "Rejected"],
        ["DELETE", "Waiting"],
      ] as const) {
        const started = Date.now();
        await page.evaluate(
          `fetch("/api/v1/claims/${article.ids.x7}/reject", { method: "${method}", headers: { "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content } })`,
        );
        await page.reload();
        await page.locator("#cur-status").filter({ hasText: "Group" }).waitFor();
        await target.locator(".cur-decision", { hasText: text }).waitFor();
        reloaded.push(Date.now() - started);
      }
    }
    console.info(
      `Curation decision, median of 10 (ms): in place ${median(inPlace)} [${inPlace.join(", ")}]; ` +
        `API call and page load ${median(reloaded)} [${reloaded.join(", ")}]`,
    );
    expect(median(inPlace)).toBeLessThan(median(reloaded));
    await page.close();
  });

  it("moves nothing under the pointer: other cards keep their place and the layout-shift score stays 0", async () => {
    const article = await newArticle();
    const { ids } = article;
    const page = await open(article.id);
    // The middle of the table in the middle of the screen, with rows above and below.
    await page.evaluate(`document.getElementById("group-5").scrollIntoView({ block: "center" })`);
    await page.evaluate(WATCH_SHIFTS);

    /**
     * Shows `target` (as a person would scroll to it), does `act` on it, then checks that every
     * card and row is where it was and as large as it was, and that the layout-shift API saw nothing.
     */
    async function nothingMoves(name: string, target: Locator, act: (target: Locator) => Promise<void>) {
      await target.scrollIntoViewIfNeeded();
      const before = await boxes(page);
      await act(target);
      const after = await boxes(page);
      for (const [key, box] of Object.entries(before)) {
        if (key in after) expect(after[key], `${name}: ${key}`).toBe(box);
      }
      expect(await shifts(page), name).toEqual([]);
    }

    // Group 6 (#group-5) is Person 6's sentence: Xena's and Yann's claims.
    const x6 = card(page, ids.x6!);
    await nothingMoves("reject", x6.getByRole("button", { name: /^Reject/ }), async (button) => {
      await button.click();
      await x6.locator(".cur-decision", { hasText: "Rejected" }).waitFor();
    });
    await nothingMoves("undo", x6.getByRole("button", { name: /^Undo/ }), async (button) => {
      await button.click();
      await x6.locator(".cur-decision", { hasText: "Waiting" }).waitFor();
    });
    await nothingMoves("accept", x6.getByRole("button", { name: /^Accept/ }), async (button) => {
      await button.click();
      await page.locator("#group-5 .cur-gold-claim").waitFor();
    });
    const goldId = Number(await page.locator("#group-5 .cur-gold-claim").getAttribute("data-claim"));
    const deleteGold = card(page, goldId).getByRole("button", { name: /^Delete/ });
    await nothingMoves("delete", deleteGold, async (button) => {
      await button.click();
      await page.locator("#group-5 .cur-gold-claim").waitFor({ state: "detached" });
    });
    const merge = page.locator("#group-6").getByRole("button", { name: /^Merge/ });
    await nothingMoves("merge", merge, async (button) => {
      await button.click();
      await page.getByRole("dialog", { name: "Merge into one gold claim" }).waitFor();
      await page.getByRole("button", { name: "Save to gold" }).click();
      await page.locator("#group-6 .cur-gold-claim").waitFor();
    });
    const rejectAll = page.locator("#group-7").getByRole("button", { name: /^Reject all/ });
    await nothingMoves("reject all", rejectAll, async (button) => {
      await button.click();
      await expect.poll(() => page.locator("#group-7 .decision-rejected").count()).toBe(2);
    });
    // A problem shows over what is below its card: nothing moves for it either.
    await colleague.post(`/api/v1/claims/${ids.x9}/reject`).set("X-CSRF-Token", colleagueToken).expect(204);
    const acceptDecided = card(page, ids.x9!).getByRole("button", { name: /^Accept/ });
    await nothingMoves("error", acceptDecided, async (button) => {
      await button.click();
      await card(page, ids.x9!).locator(".cur-error").waitFor();
    });
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("shows a problem beside its card, and the card as it is now; nothing typed is lost", async () => {
    const article = await newArticle();
    const { ids } = article;
    const page = await open(article.id);
    const loads = countLoads(page);

    // A colleague rejected Xena's claim since the page was drawn: accepting it is a 409.
    await colleague.post(`/api/v1/claims/${ids.x4}/reject`).set("X-CSRF-Token", colleagueToken).expect(204);
    const x4 = card(page, ids.x4!);
    await x4.getByRole("button", { name: /^Accept/ }).click();
    const problem = x4.getByRole("alert");
    await problem.waitFor();
    expect(await problem.textContent()).toContain(`Claim ${ids.x4} was already rejected.`);
    expect(await problem.textContent()).toContain("The page now shows the claims as they are.");
    expect(await x4.locator(".cur-decision").textContent()).toBe("Rejected");
    expect(await x4.getByRole("button", { name: /^Undo/ }).isVisible()).toBe(true);
    // The focus stays on the card, on what it now allows.
    expect(await focused(page)).toMatchObject({ claim: String(ids.x4), act: "undo" });
    await page.screenshot({ path: "test-results/curation-mouse.png" });
    await problem.getByRole("button", { name: "Dismiss" }).click();
    await problem.waitFor({ state: "detached" });

    // Yann changed his claim since: rejecting what the curator saw is a 409 too, and the card
    // then shows his change.
    await app.db.prisma.claim.update({
      where: { id: ids.y4 },
      data: { type: "mixed", version: { increment: 1 } },
    });
    const y4 = card(page, ids.y4!);
    await y4.getByRole("button", { name: /^Reject/ }).click();
    await y4.getByRole("alert").waitFor();
    expect(await y4.getByRole("alert").textContent()).toContain("was changed by its annotator");
    expect(await y4.locator("dd").first().textContent()).toBe("mixed");
    expect(await y4.locator(".cur-decision").textContent()).toBe("Waiting");
    await page.keyboard.press("Escape");
    await y4.getByRole("alert").waitFor({ state: "detached" });

    // In the dialog: the problem shows in it, and what was chosen stays.
    const x6 = card(page, ids.x6!);
    await x6.getByRole("button", { name: /^Edit/ }).click();
    const dialog = page.getByRole("dialog", { name: "Accept with edits" });
    await dialog.waitFor();
    await dialog.getByLabel("Type").selectOption("mixed");
    await dialog.getByLabel("Note").fill("Checked against the recording.");
    await colleague.post(`/api/v1/claims/${ids.x6}/reject`).set("X-CSRF-Token", colleagueToken).expect(204);
    await dialog.getByRole("button", { name: "Save to gold" }).click();
    await dialog.getByRole("alert").filter({ hasText: "already rejected" }).waitFor();
    expect(await dialog.getByLabel("Type").inputValue()).toBe("mixed");
    expect(await dialog.getByLabel("Note").inputValue()).toBe("Checked against the recording.");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await x6.locator(".cur-decision").textContent()).toBe("Rejected");
    expect(loads()).toBe(0);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("shows every quote with its quotation marks once, on cards, in the status line and in the dialog", async () => {
    const article = await newArticle();
    const page = await open(article.id);
    expect(await card(page, article.ids.xWin!).locator(".cur-quote").textContent()).toBe("“We will win,”");
    expect(await card(page, article.ids.xCy!).locator(".cur-quote").textContent()).toBe(
      "Cy said “nothing will change”",
    );
    expect(await card(page, article.ids.xBo!).locator(".cur-quote").textContent()).toBe(
      "“Bo said the plan would work.”",
    );
    // No mark the browser would add of its own (a <q>, or quotation marks in ::before/::after).
    const generated = await page.evaluate<string[]>(
      `[...document.querySelectorAll(".cur-quote")].flatMap((q) => [getComputedStyle(q, "::before").content, getComputedStyle(q, "::after").content]).filter((c) => /open-quote|close-quote|[“”„«»‘’]/.test(c))`,
    );
    expect(generated).toEqual([]);
    expect(await page.locator("#curation q").count()).toBe(0);
    expect(await status(page)).toBe("Group 1 of 11, Xena: “We will win,”.");
    await card(page, article.ids.yWin!).locator(".cur-quote").click();
    expect(await status(page)).toBe("Group 1 of 11, Yann: “We will win,”.");
    await card(page, article.ids.xCy!).locator(".cur-quote").click();
    expect(await status(page)).toBe("Group 3 of 11, Xena: Cy said “nothing will change”.");
    await card(page, article.ids.xWin!).getByRole("button", { name: /^Edit/ }).click();
    const dialog = page.getByRole("dialog", { name: "Accept with edits" });
    expect(await dialog.getByLabel("Span").locator("option").first().textContent()).toBe(
      "“We will win,” (Xena)",
    );
    await page.keyboard.press("Escape");
    await page.close();
  });

  it("asks in the page before marking the article curated while claims wait, and not otherwise", async () => {
    const article = await newArticle();
    const page = await open(article.id);
    const loads = countLoads(page);
    const badge = page.locator("#cur-curated");

    await page.getByRole("button", { name: "Mark curated" }).click();
    const ask = page.getByRole("dialog", { name: "21 annotator claims still wait for a decision" });
    await ask.waitFor();
    expect(await focused(page)).toMatchObject({ text: "Keep curating Esc" });
    await page.keyboard.press("Escape");
    await ask.waitFor({ state: "hidden" });
    expect(await badge.textContent()).toBe("Not curated");
    expect(await status(page)).toBe("Not marked curated: decide the waiting claims.");

    // By key, the same question.
    await page.keyboard.press("c");
    await ask.waitFor();
    await ask.getByRole("button", { name: "Mark curated anyway" }).click();
    await badge.filter({ hasText: "Curated by Cora Curator" }).waitFor();
    expect(await page.getByRole("button", { name: "Mark not curated" }).isVisible()).toBe(true);

    await page.getByRole("button", { name: "Mark not curated" }).click();
    await badge.filter({ hasText: "Not curated" }).waitFor();
    expect(await ask.isVisible()).toBe(false);
    expect(loads()).toBe(0);
    expect(nativeDialogs).toEqual([]);

    // Once nothing waits, it is marked curated straight away.
    await page.getByRole("button", { name: "Accept all exact agreements" }).click();
    await page.locator("#group-1 .cur-gold-claim").waitFor();
    const waiting = await app.db.prisma.claim.findMany({
      where: { articleId: article.id, layer: "annotator", curationDecision: null },
      select: { id: true },
    });
    for (const claim of waiting) {
      await colleague
        .post(`/api/v1/claims/${claim.id}/reject`)
        .set("X-CSRF-Token", colleagueToken)
        .expect(204);
    }
    await page.reload();
    await page.getByRole("button", { name: "Mark curated" }).click();
    await badge.filter({ hasText: "Curated by Cora Curator" }).waitFor();
    expect(await ask.isVisible()).toBe(false);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("asks through the server when the page has no script: the page again (422), saying how many wait", async () => {
    const article = await newArticle();
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 720 },
    });
    const page = await context.newPage();
    await logInThroughForm(page, app, curator, `/articles/${article.id}/curate`);
    await page.getByRole("button", { name: "Mark curated" }).waitFor();
    const answer = page.waitForResponse((response) => response.request().method() === "POST");
    await page.getByRole("button", { name: "Mark curated" }).click();
    expect((await answer).status()).toBe(422);
    const alert = page
      .getByRole("alert")
      .filter({ hasText: "21 annotator claims still wait for a decision" });
    await alert.waitFor();
    expect(await page.locator("#cur-curated").textContent()).toBe("Not curated");
    await alert.getByRole("button", { name: "Mark curated anyway" }).click();
    await page.getByText("Marked the article curated.").waitFor();
    expect(await page.locator("#cur-curated").textContent()).toContain("Curated by Cora Curator");
    await context.close();
  });

  it("passes an axe-core audit (WCAG 2.2 AA, colour contrast included) with cards in every state", async () => {
    const article = await newArticle();
    const page = await open(article.id);
    const x5 = card(page, article.ids.x5!);
    await x5.getByRole("button", { name: /^Reject/ }).click();
    await x5.locator(".cur-decision", { hasText: "Rejected" }).waitFor();
    await card(page, article.ids.x6!)
      .getByRole("button", { name: /^Accept/ })
      .click();
    await page.locator("#group-5 .cur-gold-claim").waitFor();
    await colleague
      .post(`/api/v1/claims/${article.ids.x7}/reject`)
      .set("X-CSRF-Token", colleagueToken)
      .expect(204);
    await card(page, article.ids.x7!)
      .getByRole("button", { name: /^Accept/ })
      .click();
    await card(page, article.ids.x7!).getByRole("alert").waitFor();
    const audit = await auditPage(page);
    expect(describeViolations(audit.serious)).toEqual([]);
    expect(audit.violations.filter((violation) => violation.rule === "color-contrast")).toEqual([]);

    await page.getByRole("button", { name: "Mark curated" }).click();
    await page.getByRole("dialog", { name: /still wait/ }).waitFor();
    expect(describeViolations((await auditPage(page)).serious)).toEqual([]);
    await page.close();
  });
});
