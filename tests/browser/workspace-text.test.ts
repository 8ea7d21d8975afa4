import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { openWorkspaceAs, pointIn } from "../helpers/workspace-page.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

const BODY = [
  "BAKU, Azerbaijan, Nov.3",
  "Hajiyev stressed that the international community's support is the result of long-term activities. Fans cheered.",
  '"The Armenians are still committing military provocations," added the president’s assistant.',
  "Officials in Yerevan denied the report. They said the ceasefire held overnight.",
].join("\n\n");

/** A mouse drag from one viewport point to another, as a person makes it. */
async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

const escape = (text: string) => text.replace(/[()]/g, "\\$&");

/** A computed style property of the first element matching `selector`, or of its pseudo-element. */
function styleOf(page: Page, selector: string, property: string, pseudo?: string) {
  const args = JSON.stringify([selector, property, pseudo ?? null]);
  return page.evaluate<string>(
    `(([selector, property, pseudo]) => getComputedStyle(document.querySelector(selector), pseudo)[property])(${args})`,
  );
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
  const openAs = (user: CurrentUser, path: string) => openWorkspaceAs(browser, app, user, path, scriptErrors);

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
    // Points are measured once the form has closed: on a busy machine the layout may still move.
    await expect.poll(() => page.locator("#claim-panel").isVisible()).toBe(false);

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

  const ARMENIANS =
    '"The Armenians are still committing military provocations," added the president’s assistant.';
  const OFFICIALS = "Officials in Yerevan denied the report.";
  const OVERNIGHT = "They said the ceasefire held overnight.";

  /** An article with three claims by the annotator: two with speaker, mention and cue. */
  async function attributedArticle() {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const speaker = await app.db.prisma.speaker.create({
      data: { projectId, name: `Hikmat Hajiyev ${article.id}`, role: "", aliases: [] },
    });
    const stance = (key: string) =>
      app.db.prisma.stanceLabel.findFirstOrThrow({ where: { projectId, key } }).then((row) => row.id);
    const make = async (quote: string, mention?: string, cue?: string, stanceKey?: string) => {
      const cueSpan = cue ? spanOf(article.body, cue) : null;
      const mentionSpan = mention ? spanOf(article.body, mention) : null;
      return app.db.prisma.claim.create({
        data: {
          articleId: article.id,
          projectId,
          annotatorId: annotator.id,
          ...spanOf(article.body, quote),
          quote,
          prefix: "",
          suffix: "",
          type: "direct",
          speakerId: mention ? speaker.id : null,
          mentionStart: mentionSpan?.start ?? null,
          mentionEnd: mentionSpan?.end ?? null,
          cueStart: cueSpan?.start ?? null,
          cueEnd: cueSpan?.end ?? null,
          stanceId: stanceKey ? await stance(stanceKey) : null,
        },
      });
    };
    const armenians = await make(ARMENIANS, "the president’s assistant", "added", "favor");
    const officials = await make(OFFICIALS, "Officials in Yerevan", "denied", "against");
    const overnight = await make(OVERNIGHT);
    return { article, speaker, armenians, officials, overnight, make };
  }

  /** The ends of a connector and the boxes it should join, in viewport coordinates. */
  const CONNECTOR = `(([claim, kind]) => {
    const path = document.querySelector('#ws-links path[data-claim="' + claim + '"][data-kind="' + kind + '"]');
    if (!path) return null;
    const svg = path.ownerSVGElement.getBoundingClientRect();
    const length = path.getTotalLength();
    const a = path.getPointAtLength(0);
    const b = path.getPointAtLength(length);
    const attr = kind === "mention" ? "data-mention-of" : "data-cue-of";
    const box = (el) => { const r = el.getClientRects()[0]; return { left: r.left, right: r.right, top: r.top }; };
    return {
      from: { x: svg.left + a.x, y: svg.top + a.y },
      to: { x: svg.left + b.x, y: svg.top + b.y },
      targets: [...document.querySelectorAll('mark[' + attr + '~="' + claim + '"]')].map(box),
      quotes: [...document.querySelectorAll('mark[data-claims~="' + claim + '"]')].map(box),
    };
  })`;
  type Box = { left: number; right: number; top: number };
  const onTop = (point: { x: number; y: number }, box: Box) =>
    point.x >= box.left - 1 && point.x <= box.right + 1 && Math.abs(point.y - box.top) <= 1;

  it("links the selected claim's quote to its speaker mention and cue, and every claim's on request", async () => {
    const { article, speaker, armenians, officials } = await attributedArticle();
    const page = await openAs(annotator, `/articles/${article.id}`);
    const links = page.locator("#ws-links path");
    expect(await links.count()).toBe(0);

    const item = page.locator(`#claim-item-${armenians.id}`);
    expect(await item.locator(".ci-said").textContent()).toBe(
      `said by ${speaker.name} (mention “the president’s assistant”), cue “added”`,
    );
    await item.click();
    await expect.poll(() => links.count()).toBe(2);
    for (const kind of ["mention", "cue"] as const) {
      // Polled, as below: the links follow the marks they join by a frame or more.
      await expect
        .poll(async () => {
          const connector = await page.evaluate<{
            from: { x: number; y: number };
            to: { x: number; y: number };
            targets: Box[];
            quotes: Box[];
          } | null>(`${CONNECTOR}(${JSON.stringify([armenians.id, kind])})`);
          if (!connector || connector.targets.length === 0) return `no ${kind} link`;
          const joins =
            connector.targets.some((box) => onTop(connector.to, box)) &&
            connector.quotes.some((box) => onTop(connector.from, box));
          return joins ? "joined" : `${kind} link misses its ends`;
        })
        .toBe("joined");
    }
    const mention = page.locator(`mark[data-mention-of~="${armenians.id}"]`);
    expect(await mention.first().getAttribute("aria-label")).toBe(
      "the president’s assistant: speaker mention of claim 1",
    );
    expect(await page.locator(`mark[data-cue-of~="${armenians.id}"]`).getAttribute("aria-label")).toBe(
      "added: cue of claim 1",
    );
    // Nothing of the other claim is shown until asked for.
    expect(await page.locator(`mark[data-mention-of~="${officials.id}"]`).count()).toBe(0);

    await page.getByLabel("Show mentions and cues of all claims").check();
    await expect.poll(() => links.count()).toBe(4);
    expect(await page.locator(`#ws-links path[data-claim="${officials.id}"]`).count()).toBe(2);
    // Polled: the links are redrawn after the marks they join are painted, a frame or more later
    // on a busy machine.
    await expect
      .poll(async () => {
        const link = await page.evaluate<{ to: { x: number; y: number }; targets: Box[] } | null>(
          `${CONNECTOR}(${JSON.stringify([officials.id, "cue"])})`,
        );
        return Boolean(link?.targets.some((box) => onTop(link.to, box)));
      })
      .toBe(true);

    // Remembered: the next page opens with every claim's links.
    await page.reload();
    await page.waitForSelector("main[data-painted]");
    expect(await page.getByLabel("Show mentions and cues of all claims").isChecked()).toBe(true);
    await expect.poll(() => links.count()).toBe(4);
    // And redrawn where the text moves: a narrower window wraps the lines.
    await page.setViewportSize({ width: 900, height: 900 });
    await expect
      .poll(async () => {
        const link = await page.evaluate<{ to: { x: number; y: number }; targets: Box[] } | null>(
          `${CONNECTOR}(${JSON.stringify([officials.id, "mention"])})`,
        );
        return link !== null && link.targets.some((box) => onTop(link.to, box));
      })
      .toBe(true);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("shows quotes that begin with a quotation mark without a doubled mark", async () => {
    const { article, armenians } = await attributedArticle();
    const page = await openAs(annotator, `/articles/${article.id}`);
    const item = page.locator(`#claim-item-${armenians.id}`);
    expect(await item.locator(".ci-quote").textContent()).toBe(ARMENIANS);
    expect(await page.locator(`#claim-item-${armenians.id + 1} .ci-quote`).textContent()).toBe(
      `“${OFFICIALS}”`,
    );
    await item.click();
    await expect.poll(() => page.locator("#f-quote").textContent()).toBe(ARMENIANS);

    await page.goto(`${app.url}/claims?project=${projectId}`);
    const cell = page.locator(`a[href="/articles/${article.id}#claim-${armenians.id}"]`);
    expect(await cell.textContent()).toBe(ARMENIANS);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("explains colours and lines in a legend that uses the highlights' own colours, here and on the Claims page", async () => {
    const { article, armenians, officials, make } = await attributedArticle();
    // Nested in the first claim: one beginning with it, one inside it.
    const sameStart = await make('"The Armenians', undefined, undefined, "against");
    const inside = await make("military provocations", undefined, undefined, "against");
    const page = await openAs(annotator, `/articles/${article.id}`);
    const legend = page.locator("#ws-legend");
    const stances = await page.evaluate<{ key: string; label: string; fill: string }[]>(
      `[...document.querySelectorAll("#ws-legend .legend-stance")].map((item) => ({
        key: item.dataset.stance,
        label: item.textContent.trim(),
        fill: getComputedStyle(item.querySelector("rect")).fill,
      }))`,
    );
    expect(stances.map((stance) => stance.label)).toEqual([
      "favor",
      "against",
      "neutral",
      "unclear",
      "no stance",
    ]);
    expect(await legend.textContent()).toMatch(/direct.*indirect.*mixed.*outlet/s);
    const colourOf = (id: number) => styleOf(page, `mark[data-claims="${id}"]`, "textDecorationColor");
    const favor = stances.find((stance) => stance.key === "favor")!.fill;
    const against = stances.find((stance) => stance.key === "against")!.fill;
    expect(favor).not.toBe(against);
    expect(await colourOf(armenians.id)).toBe(favor);
    expect(await colourOf(officials.id)).toBe(against);
    const noStance = stances.find((stance) => stance.key === "")!.fill;
    expect(await colourOf(officials.id + 1)).toBe(noStance);

    // Where each claim begins and ends: a bar in its colour at each end.
    for (const side of ["start", "end"]) {
      const bracket = `.cb-${side}[data-claims~="${armenians.id}"]`;
      expect(await page.locator(bracket).count()).toBe(1);
      expect(await styleOf(page, bracket, "boxShadow")).toContain(favor);
    }
    // Two claims beginning together: two bars, the outer one's colour first.
    const together = `.cb-start[data-claims="${armenians.id} ${sameStart.id}"]`;
    expect(await styleOf(page, together, "boxShadow")).toMatch(
      new RegExp(`^${escape(favor)} 1px 0px 0px 1px, ${escape(against)} 4px 0px 0px 1px$`),
    );
    for (const side of ["start", "end"]) {
      const bracket = `.cb-${side}[data-claims="${inside.id}"]`;
      expect(await styleOf(page, bracket, "boxShadow")).toContain(against);
    }

    await page.goto(`${app.url}/claims?project=${projectId}`);
    const row = `tr:has(a[href="/articles/${article.id}#claim-${armenians.id}"])`;
    expect(await styleOf(page, `${row} .stance-swatch rect`, "fill")).toBe(favor);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("marks sentences without a claim, and updates them as claims and layers change", async () => {
    const { article } = await attributedArticle();
    const page = await openAs(annotator, `/articles/${article.id}`);
    const uncovered = page.locator(".sentence.is-uncovered");
    const line = page.locator("#ws-uncovered");
    // BAKU…, Hajiyev…, Fans cheered., and the closing number: four sentences of seven.
    expect(await uncovered.count()).toBe(4);
    expect(await line.textContent()).toBe("4 sentences without a claim in this layer.");
    expect(await uncovered.first().getAttribute("aria-describedby")).toBe("uncovered-hint");
    expect(await page.locator("#uncovered-hint").textContent()).toBe(
      "No claim in the layer shown covers this sentence.",
    );

    await drag(page, await pointIn(page, "Fans", 0.1), await pointIn(page, "cheered", 0.5));
    await expect.poll(() => page.locator("#f-quote").textContent()).toBe("“Fans cheered.”");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => line.textContent()).toBe("3 sentences without a claim in this layer.");
    expect(await uncovered.count()).toBe(3);

    const colleague = await makeUser(app.db, "annotator", { name: "Col Text" });
    await app.db.prisma.projectMember.create({ data: { projectId, userId: colleague.id } });
    const baku = "BAKU, Azerbaijan, Nov.3";
    await app.db.prisma.claim.create({
      data: {
        articleId: article.id,
        projectId,
        annotatorId: colleague.id,
        ...spanOf(article.body, "Azerbaijan"),
        quote: "Azerbaijan",
        prefix: "",
        suffix: "",
        type: "outlet",
      },
    });
    await page.getByLabel("Layer").selectOption("all");
    await expect.poll(() => line.textContent()).toBe("2 sentences without a claim in this layer.");
    expect(await page.locator(".sentence", { hasText: baku }).getAttribute("class")).not.toMatch(
      /is-uncovered/,
    );
    expect(scriptErrors).toEqual([]);
    await page.close();
  });
});
