import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodePointIndex } from "../../src/text/code-points.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { openWorkspaceAs, pointIn } from "../helpers/workspace-page.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { loginAgent, makeUser, startTestApp, tokenFor, type TestApp } from "../helpers/test-app.js";

const BODY = [
  "BAKU, Azerbaijan, Nov.3",
  "Hajiyev stressed that the international community's support is the result of long-term activities. 🎉 Fans cheered.",
  '"The Armenians are still committing military provocations," added the president’s assistant.',
  "Officials in Yerevan denied the report. They said the ceasefire held overnight.",
].join("\n\n");

describe.runIf(runBrowserTests)("the annotation workspace in a real browser", () => {
  let app: TestApp;
  let browser: Browser;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let projectId: number;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator", { name: "Ann Browser" });
    projectId = (await makeProject(app.db, admin, [annotator])).id;
    // These tests count and read highlights; suggestions (tested in workspace-suggestions) would add marks.
    await app.db.prisma.project.update({ where: { id: projectId }, data: { suggestBuiltin: false } });
    await app.db.prisma.speaker.create({
      data: { projectId, name: "Ilham Aliyev", role: "President", aliases: ["Aliyev", "the president"] },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A page logged in through the /login form, on `path`, once the highlights are painted. */
  const openAs = (user: CurrentUser, path: string) => openWorkspaceAs(browser, app, user, path, scriptErrors);

  const status = (page: Page) => page.locator("#ws-status").textContent();
  /** Saves and deletes are announced by the undo notice (a status region), not by #ws-status. */
  const savedNotice = (page: Page) => page.locator(".ws-notice-text").textContent();

  it("turns a mouse selection across two sentences into a claim with a new speaker, a cue and a stance", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const page = await openAs(annotator, `/articles/${article.id}`);

    const from = await pointIn(page, "international", 0.5);
    const to = await pointIn(page, "Fans", 0.5);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    const both =
      "Hajiyev stressed that the international community's support is the result of long-term activities. 🎉 Fans cheered.";
    await expect.poll(() => page.locator("#f-quote").textContent()).toBe(`“${both}”`);
    await expect.poll(() => page.locator("mark.is-pending").count()).toBeGreaterThan(0);

    await page.getByRole("radio", { name: "indirect" }).check();
    await page.getByRole("combobox", { name: "Speaker" }).fill("Hikmat Hajiyev");
    await page.getByRole("option", { name: "Create new speaker “Hikmat Hajiyev”" }).click();
    await page.getByLabel("Role").fill("Assistant to the President");
    await page.getByRole("radio", { name: "favor" }).check();
    await page.getByRole("radio", { name: "Azerbaijan" }).check();

    const cue = page.getByRole("group", { name: "Cue" });
    await cue.getByRole("button", { name: "Pick from text" }).click();
    const word = await pointIn(page, "stressed", 0.5);
    await page.mouse.dblclick(word.x, word.y);
    await expect.poll(() => cue.locator(".span-value").textContent()).toBe("“stressed”");
    await expect.poll(() => page.locator("mark.is-cue").textContent()).toBe("stressed");

    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => savedNotice(page)).toBe("Claim saved.");
    expect(await page.locator("#claim-panel").isHidden()).toBe(true);

    const saved = await app.db.prisma.claim.findFirstOrThrow({
      where: { articleId: article.id },
      include: { speaker: true, stance: true, target: true },
    });
    expect(saved).toMatchObject({
      quote: both,
      ...spanOf(article.body, both),
      type: "indirect",
      cueStart: spanOf(article.body, "stressed").start,
      cueEnd: spanOf(article.body, "stressed").end,
      speaker: { name: "Hikmat Hajiyev", role: "Assistant to the President" },
      stance: { key: "favor" },
      target: { name: "Azerbaijan" },
    });

    await page.reload();
    await page.waitForSelector("main[data-painted]");
    const marks = page.locator(`mark[data-claims~="${saved.id}"]`);
    expect(await marks.count()).toBeGreaterThan(0);
    expect(await marks.first().getAttribute("class")).toMatch(/\bstance-favor\b/);
    expect(await marks.first().getAttribute("class")).toMatch(/\btype-indirect\b/);
    const item = page.getByRole("option", { name: /Hikmat Hajiyev/ });
    await expect.poll(() => item.textContent()).toContain("favor → Azerbaijan");

    // Clicking the highlight selects the claim in the list.
    await marks.first().click();
    await expect.poll(() => item.getAttribute("aria-selected")).toBe("true");
    expect(await page.evaluate("document.activeElement.id")).toBe(`claim-item-${saved.id}`);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("adds a claim with the keyboard alone: j/k, Enter, Tab through the form, Ctrl+Enter to save", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const page = await openAs(annotator, `/articles/${article.id}`);

    for (let presses = 0; presses < 25; presses += 1) {
      await page.keyboard.press("Tab");
      if ((await page.evaluate("document.activeElement.id")) === "article-body") break;
    }
    expect(await page.evaluate("document.activeElement.id")).toBe("article-body");
    for (const key of ["j", "j", "j", "j", "j", "k"]) await page.keyboard.press(key);
    const focused = await page.evaluate<string>("document.activeElement.textContent");
    expect(focused).toBe(
      '"The Armenians are still committing military provocations," added the president’s assistant.',
    );
    expect(await status(page)).toBe("Sentence 4 of 7.");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate("document.activeElement.name")).toBe("type");

    await page.keyboard.press("ArrowDown"); // direct -> indirect
    await page.keyboard.press("ArrowDown"); // -> mixed
    await page.keyboard.press("Tab");
    await page.keyboard.type("the president");
    const match = page.getByRole("option", { name: /^Ilham Aliyev/ });
    await match.waitFor();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.getByRole("combobox", { name: "Speaker" }).inputValue())
      .toBe("Ilham Aliyev");

    await page.keyboard.press("Tab"); // Mention: Pick from text
    await page.keyboard.press("Enter");
    await page.keyboard.type("assistant");
    await page.keyboard.press("Enter");
    const mention = page.getByRole("group", { name: "Mention" });
    await expect.poll(() => mention.locator(".span-value").textContent()).toBe("“assistant”");
    await page.keyboard.press("Tab"); // Clear mention
    await page.keyboard.press("Tab"); // Cue: Pick from text
    await page.keyboard.press("Tab"); // Stance
    expect(await page.evaluate("document.activeElement.name")).toBe("stance");
    await page.keyboard.press("ArrowDown"); // none -> favor
    await page.keyboard.press("ArrowDown"); // -> against
    await page.keyboard.press("Tab"); // Target
    await page.keyboard.press("ArrowDown"); // none -> Azerbaijan
    await page.keyboard.press("ArrowDown"); // -> Armenia
    await page.keyboard.press("Tab"); // Note
    await page.keyboard.type("Entered without a mouse.");
    // Save sits at the top of the form (so that nothing moves it); Ctrl+Enter saves from anywhere.
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => savedNotice(page)).toBe("Claim saved.");

    const saved = await app.db.prisma.claim.findFirstOrThrow({
      where: { articleId: article.id },
      include: { speaker: true, stance: true, target: true },
    });
    expect(saved).toMatchObject({
      quote: focused,
      type: "mixed",
      speaker: { name: "Ilham Aliyev" },
      mentionStart: spanOf(article.body, "assistant").start,
      stance: { key: "against" },
      target: { name: "Armenia" },
      note: "Entered without a mouse.",
    });
    const mark = page.locator(`mark[data-claims~="${saved.id}"]`).first();
    expect(await mark.getAttribute("class")).toMatch(/\bstance-against\b/);
    // Focus went back to the sentence, ready for the next j/k.
    expect(await page.evaluate("document.activeElement.dataset.index")).toBe("3");

    // Enter on the claim in the list opens it; Esc closes the form again.
    await page.getByRole("option", { name: /Ilham Aliyev/ }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#claim-form-heading").textContent()).toBe("Edit claim");
    expect(await page.getByLabel("Note").inputValue()).toBe("Entered without a mouse.");
    await page.keyboard.press("Escape");
    expect(await page.locator("#claim-panel").isHidden()).toBe(true);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("says what someone else changed when a save is stale, keeps the input, and loads the current version", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const quote = "Officials in Yerevan denied the report.";
    const agent = await loginAgent(app, annotator.email);
    const created = await agent
      .post(`/api/v1/articles/${article.id}/claims`)
      .set("X-CSRF-Token", await tokenFor(agent))
      .send({ ...spanOf(article.body, quote), quote, type: "indirect", stance: "favor", note: "first" });
    expect(created.status).toBe(201);

    const page = await openAs(annotator, `/articles/${article.id}`);
    await page.getByRole("option", { name: /Officials in Yerevan/ }).click();
    const stance = page.locator("input[name=stance]:checked");
    await expect.poll(() => stance.inputValue()).toBe("favor");

    // Meanwhile the same annotator changes the stance in another window (through the API).
    const changed = await agent
      .patch(`/api/v1/claims/${created.body.id}`)
      .set("X-CSRF-Token", await tokenFor(agent))
      .send({ version: 1, stance: "against" });
    expect(changed.status).toBe(200);

    await page.getByLabel("Note").fill("my second thoughts");
    await page.getByRole("button", { name: "Save" }).click();
    const conflict = page.locator("#f-conflict");
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain("Stance changed from favor to against by someone else.");
    expect(await page.getByLabel("Note").inputValue()).toBe("my second thoughts");

    await page.getByRole("button", { name: "Load the current version" }).click();
    expect(await stance.inputValue()).toBe("against");
    expect(await page.getByLabel("Note").inputValue()).toBe("first");
    expect(await conflict.isHidden()).toBe(true);
    await page.getByLabel("Note").fill("my second thoughts");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => savedNotice(page)).toBe("Changes saved.");
    const claim = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(claim).toMatchObject({ version: 3, note: "my second thoughts" });
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("extends a keyboard selection with Shift+J; shows 422 messages beside the field and keeps what was typed", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const page = await openAs(annotator, `/articles/${article.id}`);
    await page.locator("#article-body").focus();
    await page.keyboard.press("j");
    await page.keyboard.press("Shift+J");
    expect(await status(page)).toBe("Sentences 1 to 2 of 7 selected.");
    expect(await page.locator(".sentence.is-chosen").count()).toBe(2);
    await page.keyboard.press("Enter");
    const quote = await page.locator("#f-quote").textContent();
    expect(quote).toMatch(/^“BAKU, Azerbaijan, Nov\.3 Hajiyev stressed .* long-term activities\.”$/);
    await page.getByLabel("Note").fill("x".repeat(5001));
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => page.locator("#f-note-error").textContent())
      .toBe("Notes are at most 5,000 characters.");
    expect(await page.getByLabel("Note").getAttribute("aria-invalid")).toBe("true");
    expect((await page.getByLabel("Note").inputValue()).length).toBe(5001);
    expect(await app.db.prisma.claim.count({ where: { articleId: article.id } })).toBe(0);
    await page.close();
  });

  it("shows another annotator's layer dashed and read only, keeps an Alt selection exact, and deletes", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const colleague = await makeUser(app.db, "annotator", { name: "Col League" });
    await app.db.prisma.projectMember.create({ data: { projectId, userId: colleague.id } });
    const theirs = "They said the ceasefire held overnight.";
    const mine = "BAKU, Azerbaijan, Nov.3";
    for (const [annotatorId, quote] of [
      [colleague.id, theirs],
      [annotator.id, mine],
    ] as const) {
      await app.db.prisma.claim.create({
        data: {
          articleId: article.id,
          projectId: article.projectId,
          annotatorId,
          ...spanOf(article.body, quote),
          quote,
          prefix: "",
          suffix: "",
          type: "direct",
        },
      });
    }
    const page = await openAs(annotator, `/articles/${article.id}`);
    expect(await page.locator("#claim-list > li").count()).toBe(1);

    await page.getByLabel("Layer").selectOption("all");
    await expect.poll(() => page.locator("#claim-list > li").count()).toBe(2);
    expect(page.url()).toMatch(/\?layer=all$/);
    const other = page.getByRole("option", { name: /overnight/ });
    expect(await other.textContent()).toContain("by Col League · read only");
    const theirMark = page.locator("mark.hl.other");
    expect(await theirMark.textContent()).toBe(theirs);
    await other.click();
    await expect.poll(() => page.locator("#claim-form-heading").textContent()).toBe("Claim (read only)");
    expect(await page.getByRole("button", { name: "Save" }).isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Delete" }).isVisible()).toBe(false);
    expect(await page.getByRole("radio", { name: "direct", exact: true }).isDisabled()).toBe(true);

    // Alt keeps the selection exactly as made, instead of growing it to whole sentences.
    const from = await pointIn(page, "denied the report", 0.005);
    const to = await pointIn(page, "denied the report", 0.995);
    await page.keyboard.down("Alt");
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up("Alt");
    await expect.poll(() => page.locator("#claim-form-heading").textContent()).toBe("New claim");
    expect(await page.locator("#f-quote").textContent()).toBe("“denied the report”");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => savedNotice(page)).toBe("Claim saved.");
    const saved = await app.db.prisma.claim.findFirstOrThrow({
      where: { articleId: article.id, quote: "denied the report" },
    });
    expect(saved.annotatorId).toBe(annotator.id);

    await page.getByRole("option", { name: /denied the report/ }).click();
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => savedNotice(page)).toBe("Claim deleted.");
    expect(await page.locator(`mark[data-claims~="${saved.id}"]`).count()).toBe(0);
    expect(
      (await app.db.prisma.claim.findUniqueOrThrow({ where: { id: saved.id } })).deletedAt,
    ).not.toBeNull();
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("opens an article of 10,000 words with 1,000 claims and paints it in under 2 seconds", async () => {
    const vocabulary = [
      "the",
      "minister",
      "said",
      "talks",
      "would",
      "resume",
      "naïve",
      "🎉",
      "on",
      "Monday",
      "ceasefire",
    ];
    const paragraphs: string[] = [];
    let word = 0;
    for (let p = 0; p < 100; p += 1) {
      const sentences: string[] = [];
      for (let s = 0; s < 5; s += 1) {
        const words = Array.from({ length: 20 }, () => vocabulary[word++ % vocabulary.length]);
        sentences.push(`${words.join(" ").replace(/^./, (first) => first.toUpperCase())}.`);
      }
      paragraphs.push(sentences.join(" "));
    }
    const article = await makeArticle(app.db, admin, projectId, paragraphs.join("\n\n"));
    const body = new CodePointIndex(article.body);
    const sentences = await app.db.prisma.sentence.findMany({
      where: { articleId: article.id },
      orderBy: { index: "asc" },
    });
    const stances = await app.db.prisma.stanceLabel.findMany({ where: { projectId } });
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const types = ["direct", "indirect", "mixed", "outlet"] as const;
    await app.db.prisma.claim.createMany({
      data: Array.from({ length: 1_000 }, (_, i) => {
        const first = sentences[random(sentences.length - 2)]!;
        const last = random(3) === 0 ? sentences[first.index + 1]! : first;
        // Whole sentences, parts of them, and nested spans: overlaps of every kind.
        const start = random(2) === 0 ? first.start : first.start + random(first.end - first.start - 1);
        const end = random(2) === 0 ? last.end : Math.max(start + 1, last.end - random(last.end - start));
        return {
          articleId: article.id,
          projectId: article.projectId,
          annotatorId: annotator.id,
          start,
          end,
          quote: body.slice(start, end),
          prefix: "",
          suffix: "",
          type: types[i % types.length]!,
          stanceId: i % 5 === 0 ? null : stances[i % stances.length]!.id,
        };
      }),
    });

    const path = `/articles/${article.id}`;
    const page = await openAs(annotator, path);
    // Measure a fresh navigation (the login redirect is not part of opening the article).
    await page.goto(`${app.url}${path}`);
    await page.waitForSelector("main[data-painted]", { timeout: 10_000 });
    const main = page.locator("main");
    const painted = Number(await main.getAttribute("data-painted"));
    const server = await page.evaluate<number>(`performance.getEntriesByType("navigation")[0].responseStart`);
    console.info(
      `workspace, ${sentences.length} sentences and 1,000 claims: highlights painted ${painted} ms after navigation ` +
        `(server answered after ${Math.round(server)} ms; page script ${await main.getAttribute("data-script-ms")} ms, ` +
        `of which building the highlighted text ${await main.getAttribute("data-paint-ms")} ms)`,
    );
    expect(painted).toBeLessThan(2_000);
    expect(await page.locator("main").getAttribute("data-claims")).toBe("1000");
    expect(await page.locator("#claim-list > li").count()).toBe(1_000);
    expect(await page.locator("mark.hl.depth-2").count()).toBeGreaterThan(0);

    // The painted text is still exactly the body, sentence by sentence.
    const texts = await page.evaluate<string[]>(
      `Array.from(document.querySelectorAll("#article-body .sentence"), (el) => el.textContent)`,
    );
    expect(texts).toEqual(sentences.map((sentence) => body.slice(sentence.start, sentence.end)));
    expect(scriptErrors).toEqual([]);
    await page.close();
  });
});
