// The claim form as annotators use it all day: Save on the first click whatever the form's state
// (nothing moves under the pointer), Ctrl+Enter, label keys, a session that ends mid-form, 409s
// re-applied field by field, similar speakers, and the accent-proof speaker combobox.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  TEST_PASSWORD,
  tokenFor,
  type TestApp,
} from "../helpers/test-app.js";

const BODY = [
  "BAKU, Azerbaijan, Nov.3",
  "Hajiyev stressed that the international community's support is the result of long-term activities.",
  '"The Armenians are still committing military provocations," added the president’s assistant.',
  "Officials in Yerevan denied the report. They said the ceasefire held overnight.",
].join("\n\n");

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

describe.runIf(runBrowserTests)("the claim form in a real browser", () => {
  let app: TestApp;
  let browser: Browser;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let projectId: number;
  let zoe: { id: number };
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator", { name: "Ann Form" });
    projectId = (await makeProject(app.db, admin, [annotator])).id;
    zoe = await app.db.prisma.speaker.create({ data: { projectId, name: "Zoë Müller", role: "Mayor" } });
    await app.db.prisma.speaker.create({ data: { projectId, name: "Rafael Ortiz", role: "Spokesman" } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function logIn(page: Page, user: CurrentUser, path: string): Promise<void> {
    await page.goto(`${app.url}/login?next=${encodeURIComponent(path)}`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${app.url}${path}`);
  }

  /** A page logged in through the /login form, on `path`, once the highlights are painted. */
  async function openAs(user: CurrentUser, path: string): Promise<Page> {
    // A context of its own, so that a second tab can share its cookies.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on("pageerror", (error) => scriptErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && !/Failed to load resource/.test(message.text())) {
        scriptErrors.push(message.text());
      }
    });
    await logIn(page, user, path);
    await page.waitForSelector("main[data-painted]");
    return page;
  }

  /** Opens the form for a new claim on the n-th sentence (1-based), by keyboard. */
  async function openForm(page: Page, sentence: number): Promise<void> {
    await page.locator("#article-body").focus();
    for (let i = 0; i < sentence; i += 1) await page.keyboard.press("j");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#claim-panel").isVisible()).toBe(true);
  }

  /** Saves and deletes are announced by the undo notice (a status region), not by #ws-status. */
  const savedNotice = (page: Page) => page.locator(".ws-notice-text").textContent();
  const saveBox = (page: Page) => page.locator("#f-save").boundingBox() as Promise<Box>;
  const speakerInput = (page: Page) => page.getByRole("combobox", { name: "Speaker" });

  async function newArticle() {
    return makeArticle(app.db, admin, projectId, BODY);
  }

  async function onlyClaim(articleId: number) {
    const claims = await app.db.prisma.claim.findMany({
      where: { articleId, deletedAt: null },
      include: { speaker: true, stance: true, target: true },
    });
    expect(claims).toHaveLength(1);
    return claims[0]!;
  }

  it("saves a new speaker's claim on the first click: nothing moves on blur or when results arrive", async () => {
    const article = await newArticle();
    const page = await openAs(annotator, `/articles/${article.id}`);
    await openForm(page, 2);
    // Every layout shift from here on, whatever caused it, with the elements that moved.
    await page.evaluate(`(() => {
      window.__shifts = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries())
          window.__shifts.push({ value: entry.value, nodes: entry.sources.map((s) => s.node && (s.node.id || s.node.className || s.node.nodeName)) });
      }).observe({ type: "layout-shift" });
    })()`);
    const before = await saveBox(page);
    await speakerInput(page).pressSequentially("Nora Newname");
    // The search answered: the list shows (as an overlay) and Save has not moved.
    await page.getByRole("option", { name: "Create new speaker “Nora Newname”" }).waitFor();
    expect(await saveBox(page)).toEqual(before);
    const role = await page.getByLabel("Role").boundingBox();

    // Click as people do: straight at where Save was, mouse-down (which blurs the speaker field)
    // then mouse-up, checking that Save is still there in between.
    const x = before.x + before.width / 2;
    const y = before.y + before.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    expect(await saveBox(page)).toEqual(before);
    expect(await page.getByLabel("Role").boundingBox()).toEqual(role);
    const shifts = await page.evaluate<{ value: number; nodes: string[] }[]>("window.__shifts");
    expect(shifts).toEqual([]);
    await page.mouse.up();

    await expect.poll(() => savedNotice(page)).toBe("Claim saved.");
    const saved = await onlyClaim(article.id);
    expect(saved.speaker?.name).toBe("Nora Newname");
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("saves once when the answer to a save is lost and Save is pressed again (the same Idempotency-Key)", async () => {
    const article = await newArticle();
    const page = await openAs(annotator, `/articles/${article.id}`);
    await openForm(page, 2);
    await page.getByLabel("Note").fill("Answer lost on the way back.");
    const keys: string[] = [];
    let dropped = false;
    await page.route(`**/api/v1/articles/${article.id}/claims`, async (route) => {
      keys.push(route.request().headers()["idempotency-key"] ?? "");
      if (dropped) return route.continue();
      dropped = true;
      // The server stores the claim; its answer never reaches the page, as on a dropped connection.
      await route.fetch();
      await route.abort("connectionreset");
    });
    await page.getByLabel("Note").press("Control+Enter");
    await expect.poll(() => page.locator("#f-error").textContent()).toMatch(/Could not reach the server/);
    await page.getByLabel("Note").press("Control+Enter");
    await expect.poll(() => savedNotice(page)).toBe("Claim saved.");
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect((await onlyClaim(article.id)).note).toBe("Answer lost on the way back.");
    await page.unroute(`**/api/v1/articles/${article.id}/claims`);
    // A new claim afterwards is a new write, with a key of its own.
    await openForm(page, 3);
    await page.getByLabel("Note").fill("Another one.");
    await page.getByLabel("Note").press("Control+Enter");
    await expect.poll(() => app.db.prisma.claim.count({ where: { articleId: article.id } })).toBe(2);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("keeps Save in place when a save's error arrives, and Ctrl+Enter saves from the speaker field and the note", async () => {
    const article = await newArticle();
    const page = await openAs(annotator, `/articles/${article.id}`);
    await openForm(page, 3);
    await page.getByLabel("Note").fill("x".repeat(5001));
    const before = await saveBox(page);
    await page.getByLabel("Note").press("Control+Enter");
    await expect
      .poll(() => page.locator("#f-note-error").textContent())
      .toBe("Notes are at most 5,000 characters.");
    expect(await page.locator("#f-error").isVisible()).toBe(true);
    expect(await saveBox(page)).toEqual(before);

    await page.getByLabel("Note").fill("From the note.");
    await page.getByLabel("Note").press("Control+Enter");
    await expect.poll(() => savedNotice(page)).toBe("Claim saved.");
    expect((await onlyClaim(article.id)).note).toBe("From the note.");

    // From inside the speaker field, its list still open: the typed name is the speaker.
    const second = await newArticle();
    await page.goto(`${app.url}/articles/${second.id}`);
    await page.waitForSelector("main[data-painted]");
    await openForm(page, 2);
    await speakerInput(page).pressSequentially("Rafael Ortiz");
    await page.getByRole("option", { name: /^Rafael Ortiz/ }).waitFor();
    await speakerInput(page).press("Meta+Enter");
    await expect.poll(() => savedNotice(page)).toBe("Claim saved.");
    const saved = await onlyClaim(second.id);
    expect(saved.speaker?.name).toBe("Rafael Ortiz");
    expect(await app.db.prisma.speaker.count({ where: { projectId, name: "Rafael Ortiz" } })).toBe(1);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("fills the form with label keys, shown beside each choice and announced to screen readers", async () => {
    const article = await newArticle();
    const page = await openAs(annotator, `/articles/${article.id}`);
    expect(await page.locator("#ws-help").textContent()).toContain("In the form:");
    await openForm(page, 4);
    // Focus lands in the form (on the type), so keys act at once.
    expect(await page.evaluate("document.activeElement.name")).toBe("type");

    // favor f, against i (a and g mean accept and guidelines), neutral e (n is Note), unclear u; Azerbaijan r, Armenia m, ceasefire c.
    const chip = (group: string, value: string) => page.locator(`#f-${group} input[value="${value}"]`);
    for (const [group, value, key] of [
      ["type", "mixed", "3"],
      ["stance", "favor", "f"],
      ["stance", "against", "i"],
      ["stance", "neutral", "e"],
      ["target", "Azerbaijan", "r"],
      ["target", "Armenia", "m"],
      ["target", "ceasefire", "c"],
    ] as const) {
      expect(await chip(group, value).getAttribute("aria-keyshortcuts"), value).toBe(key.toUpperCase());
      expect(await page.locator(`#f-${group} label:has(input[value="${value}"]) kbd`).textContent()).toBe(
        key,
      );
    }

    await page.keyboard.press("2");
    expect(await chip("type", "indirect").isChecked()).toBe(true);
    expect(await page.evaluate("document.activeElement.value")).toBe("indirect");
    await page.keyboard.press("i");
    await page.keyboard.press("m");
    expect(await page.locator("#f-keys-status").textContent()).toBe("Target: Armenia.");
    await page.keyboard.press("c"); // another target replaces it
    await page.keyboard.press("f");
    await page.keyboard.press("f"); // the same key again clears the stance
    expect(await page.locator("#f-stance input:checked").inputValue()).toBe("");
    await page.keyboard.press("i");

    await page.keyboard.press("n");
    expect(await page.evaluate("document.activeElement.id")).toBe("f-note");
    // In a text field, keys are typing: "a" and "2" are letters of the note, not label keys.
    await page.keyboard.type("a2 by keys");
    expect(await page.getByLabel("Note").inputValue()).toBe("a2 by keys");
    expect(await chip("type", "indirect").isChecked()).toBe(true);

    await page.getByRole("radio", { name: "indirect" }).focus();
    await page.keyboard.press("s");
    expect(await page.evaluate("document.activeElement.id")).toBe("f-speaker");
    expect(await speakerInput(page).inputValue()).toBe("");
    await page.keyboard.type("ortiz");
    await page.getByRole("option", { name: /^Rafael Ortiz/ }).waitFor();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => savedNotice(page)).toBe("Claim saved.");

    const saved = await onlyClaim(article.id);
    expect(saved).toMatchObject({
      type: "indirect",
      stance: { key: "against" },
      target: { name: "ceasefire" },
      speaker: { name: "Rafael Ortiz" },
      note: "a2 by keys",
    });
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("says 'You are logged out…' when the session ended mid-form, keeps the input, and saves after logging in again", async () => {
    const article = await newArticle();
    const page = await openAs(annotator, `/articles/${article.id}`);
    await openForm(page, 2);
    await page.keyboard.press("i");
    await page.getByLabel("Note").fill("Typed before the logout.");

    // Log out in another tab of the same browser.
    const other = await page.context().newPage();
    await other.goto(`${app.url}/profile`);
    await other.getByRole("button", { name: "Log out" }).click();
    await other.waitForURL(`${app.url}/login`);

    await page.getByRole("button", { name: "Save" }).click();
    const error = page.locator("#f-error");
    await expect.poll(() => error.textContent()).toMatch(/^You are logged out, so this was not saved\./);
    expect(await error.getAttribute("role")).toBe("alert");
    expect(await error.textContent()).not.toContain("did not come from this site");
    const link = error.getByRole("link", { name: /Log in/ });
    expect(await link.getAttribute("href")).toBe("/login");
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await page.getByLabel("Note").inputValue()).toBe("Typed before the logout.");
    expect(await page.locator("#f-stance input:checked").inputValue()).toBe("against");
    expect(await app.db.prisma.claim.count({ where: { articleId: article.id } })).toBe(0);

    // Someone else logs in in the other tab: the claim must not become theirs.
    await logIn(other, admin, "/");
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => error.textContent())
      .toContain(`now logged in as ${admin.name}, so this was not saved`);
    expect(await app.db.prisma.claim.count({ where: { articleId: article.id } })).toBe(0);
    await other.getByRole("button", { name: "Log out" }).click();
    await other.waitForURL(`${app.url}/login`);

    // Log in again in the other tab (a new session, whose CSRF token the page has not seen).
    await logIn(other, annotator, "/");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => savedNotice(page)).toBe("Claim saved.");
    expect(await onlyClaim(article.id)).toMatchObject({
      note: "Typed before the logout.",
      stance: { key: "against" },
    });
    expect(scriptErrors).toEqual([]);
    await other.close();
    await page.close();
  });

  it("after a 409, re-applies my changes on top of the current version and lets me pick per conflicting field", async () => {
    const article = await newArticle();
    const quote = "Officials in Yerevan denied the report.";
    const agent = await loginAgent(app, annotator.email);
    const created = await agent
      .post(`/api/v1/articles/${article.id}/claims`)
      .set("X-CSRF-Token", await tokenFor(agent))
      .send({ ...spanOf(article.body, quote), quote, type: "direct", stance: "favor", note: "first" });
    expect(created.status).toBe(201);

    const page = await openAs(annotator, `/articles/${article.id}`);
    await page.getByRole("option", { name: /Officials in Yerevan/ }).click();
    await expect.poll(() => page.locator("#f-stance input:checked").inputValue()).toBe("favor");

    // Meanwhile an admin changes the stance, the type and the note.
    const adminAgent = await loginAgent(app, admin.email);
    const changed = await adminAgent
      .patch(`/api/v1/claims/${created.body.id}`)
      .set("X-CSRF-Token", await tokenFor(adminAgent))
      .send({ version: 1, stance: "against", type: "indirect", note: "admin's note" });
    expect(changed.status).toBe(200);

    // I change the target (theirs untouched), the type (to what they chose too) and the note (differently).
    await page.getByRole("radio", { name: "Armenia" }).check();
    await page.getByRole("radio", { name: "indirect" }).check();
    await page.getByLabel("Note").fill("my note");
    await page.getByRole("button", { name: "Save" }).click();
    const conflict = page.locator("#f-conflict");
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain("Stance changed from favor to against by someone else.");
    // Only the note really conflicts: the type was changed to the same value by both.
    const fields = conflict.locator(".f-conflict-field");
    expect(await fields.count()).toBe(1);
    expect(await fields.locator("legend").textContent()).toBe("Note: you both changed it");
    expect(await fields.getByLabel("Mine: “my note”").isChecked()).toBe(true);
    expect(await fields.getByLabel("Theirs: “admin's note”").isChecked()).toBe(false);

    await page.getByRole("button", { name: "Re-apply my changes" }).click();
    await expect.poll(() => savedNotice(page)).toBe("Changes saved.");
    expect(await onlyClaim(article.id)).toMatchObject({
      version: 3,
      type: "indirect",
      stance: { key: "against" },
      target: { name: "Armenia" },
      note: "my note",
    });

    // Again, keeping theirs for the conflicting field this time.
    await page.getByRole("option", { name: /Officials in Yerevan/ }).click();
    await expect.poll(() => page.getByLabel("Note").inputValue()).toBe("my note");
    const again = await adminAgent
      .patch(`/api/v1/claims/${created.body.id}`)
      .set("X-CSRF-Token", await tokenFor(adminAgent))
      .send({ version: 3, note: "admin again" });
    expect(again.status).toBe(200);
    await page.getByLabel("Note").fill("mine again");
    await page.getByRole("radio", { name: "neutral" }).check();
    await page.getByRole("button", { name: "Save" }).click();
    await conflict.waitFor();
    await conflict.getByLabel("Theirs: “admin again”").check();
    await page.getByRole("button", { name: "Re-apply my changes" }).click();
    // The notice still says "Changes saved." from the first save: wait for the claim itself.
    await expect.poll(async () => (await onlyClaim(article.id)).version).toBe(5);
    expect(await savedNotice(page)).toBe("Changes saved.");
    expect(await onlyClaim(article.id)).toMatchObject({
      version: 5,
      stance: { key: "neutral" },
      note: "admin again",
    });
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("offers similar speakers (the existing one first) and saves with the chosen one, or a confirmed new one", async () => {
    const article = await newArticle();
    const page = await openAs(annotator, `/articles/${article.id}`);
    await openForm(page, 2);
    await page.keyboard.press("i");
    await page.getByLabel("Note").fill("Kept through the question.");
    await speakerInput(page).pressSequentially("Zoe Muller");
    // Accent-proof search: the existing speaker is offered while typing.
    await page.getByRole("option", { name: /^Zoë Müller/ }).waitFor();
    await speakerInput(page).press("Escape");
    await page.getByRole("button", { name: "Save" }).click();

    const similar = page.locator("#f-similar");
    await similar.waitFor();
    expect(await similar.getAttribute("role")).toBe("alert");
    expect(await similar.textContent()).toContain("looks like");
    const candidates = similar.getByRole("button", { name: /^Use / });
    expect(await candidates.first().textContent()).toMatch(/^Use Zoë Müller \(Mayor/);
    expect(await page.evaluate("document.activeElement.textContent")).toMatch(/^Use Zoë Müller/);
    expect(await page.getByLabel("Note").inputValue()).toBe("Kept through the question.");
    expect(await app.db.prisma.claim.count({ where: { articleId: article.id } })).toBe(0);

    await candidates.first().click();
    await expect.poll(() => savedNotice(page)).toBe("Claim saved.");
    expect(await onlyClaim(article.id)).toMatchObject({
      speakerId: zoe.id,
      note: "Kept through the question.",
      stance: { key: "against" },
    });

    // The other way on: this Zoe Muller is someone else.
    const second = await newArticle();
    await page.goto(`${app.url}/articles/${second.id}`);
    await page.waitForSelector("main[data-painted]");
    await openForm(page, 3);
    await speakerInput(page).fill("Zoe Muller");
    await page.getByLabel("Role").fill("Student");
    await page.getByRole("button", { name: "Save" }).click();
    await similar.waitFor();
    await similar.getByRole("button", { name: "No, create “Zoe Muller” as a new speaker" }).click();
    await expect.poll(() => savedNotice(page)).toBe("Claim saved.");
    const saved = await onlyClaim(second.id);
    expect(saved.speaker).toMatchObject({ name: "Zoe Muller", role: "Student" });
    expect(saved.speakerId).not.toBe(zoe.id);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("finds speakers in the combobox whatever the accents and case, and chooses one by keyboard", async () => {
    const article = await newArticle();
    const page = await openAs(annotator, `/articles/${article.id}`);
    await openForm(page, 2);
    const input = speakerInput(page);
    await input.focus();
    await input.pressSequentially("muller");
    const zoeOption = page.getByRole("option", { name: /^Zoë Müller/ });
    await zoeOption.waitFor();
    expect(await input.getAttribute("aria-expanded")).toBe("true");

    await input.fill("");
    await input.pressSequentially("Ortiz");
    const rafael = page.getByRole("option", { name: /^Rafael Ortiz/ });
    await rafael.waitFor();
    await input.press("ArrowDown");
    expect(await rafael.getAttribute("aria-selected")).toBe("true");
    expect(await input.getAttribute("aria-activedescendant")).toBe(await rafael.getAttribute("id"));
    await input.press("Enter");
    expect(await input.inputValue()).toBe("Rafael Ortiz");
    expect(await input.getAttribute("aria-expanded")).toBe("false");
    expect(await page.locator("#f-speaker-hint").textContent()).toBe("Chosen: Rafael Ortiz (Spokesman).");
    // A known speaker's details are not typed again: Role and Affiliation stay closed (and in place).
    expect(await page.getByLabel("Role").isDisabled()).toBe(true);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });
});
