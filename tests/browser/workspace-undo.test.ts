// Undo and redo in the workspace, in Chromium: Ctrl+Z and the notice's Undo button take back the
// annotator's creates, edits and deletes through the versioned API, several steps back, and refuse
// (409) to overwrite someone else's later change. Delete needs no confirm dialog.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClaim } from "../../src/claims/claims.service.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { openWorkspaceAs } from "../helpers/workspace-page.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

const BODY = [
  "BAKU, Azerbaijan, Nov.3",
  "Hajiyev stressed that the international community's support is the result of long-term activities. Fans cheered.",
  "Officials in Yerevan denied the report. They said the ceasefire held overnight.",
].join("\n\n");

describe.runIf(runBrowserTests)("undo and redo in the workspace", () => {
  let app: TestApp;
  let browser: Browser;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let projectId: number;
  const scriptErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator", { name: "Ann Undo" });
    projectId = (await makeProject(app.db, admin, [annotator])).id;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function openAs(user: CurrentUser, path: string): Promise<Page> {
    const page = await openWorkspaceAs(browser, app, user, path, scriptErrors);
    // Deleting must not ask: any dialog is recorded (and fails the test that checks for none).
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return page;
  }

  const noticeText = (page: Page) => page.locator("#ws-notice .ws-notice-text").textContent();
  const row = (id: number) =>
    app.db.prisma.claim.findUniqueOrThrow({ where: { id }, include: { stance: true } });

  /** A claim by the annotator on `quote`, made through the service as the API would. */
  async function claimOn(articleId: number, body: string, quote: string, stance = "favor") {
    return createClaim(app.db.prisma, annotator, articleId, {
      ...spanOf(body, quote),
      quote,
      type: "indirect",
      stance,
    });
  }

  /** Opens a claim from the list, sets its stance and saves; focus goes back to the list. */
  async function changeStance(page: Page, quote: RegExp, stance: string) {
    await page.getByRole("option", { name: quote }).click();
    await expect.poll(() => page.locator("#claim-form-heading").textContent()).toBe("Edit claim");
    await page.locator(`#f-stance input[value="${stance}"]`).check();
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator(".ws-notice-text").textContent()).toBe("Changes saved.");
  }

  it("undoes a new claim with Ctrl+Z (soft-deleted), while Ctrl+Z in the note keeps the text's own undo", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const page = await openAs(annotator, `/articles/${article.id}`);
    await page.locator("#article-body").focus();
    await page.keyboard.press("j");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#claim-form-heading").textContent()).toBe("New claim");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => noticeText(page)).toBe("Claim saved.");
    const created = await app.db.prisma.claim.findFirstOrThrow({ where: { articleId: article.id } });
    const notice = page.locator("#ws-notice");
    // At the foot of the side column, under its scrolling part: over no article text, no claim.
    const noticeBox = (await notice.boundingBox())!;
    const textBox = (await page.locator("#ws-text").boundingBox())!;
    const sideBox = (await page.locator("#ws-side").boundingBox())!;
    expect(noticeBox.x).toBeGreaterThanOrEqual(textBox.x + textBox.width);
    expect(noticeBox.y).toBeGreaterThanOrEqual(sideBox.y + sideBox.height);
    expect(await notice.getAttribute("role")).toBe("status");

    // In the form's note, Ctrl+Z takes back typing, not the claim.
    await page.getByRole("option", { name: /BAKU/ }).click();
    await page.getByLabel("Note").fill("typed");
    await page.keyboard.press("Control+z");
    await page.waitForTimeout(300);
    expect((await row(created.id)).deletedAt).toBeNull();
    await page.keyboard.press("Escape");

    await page.keyboard.press("Control+z");
    await expect.poll(() => noticeText(page)).toMatch(/^Undone: claim “BAKU, Azerbaijan, Nov\.3” removed\.$/);
    expect((await row(created.id)).deletedAt).not.toBeNull();
    expect(await page.locator(`mark[data-claims~="${created.id}"]`).count()).toBe(0);
    expect(await page.locator("#claim-list [role=option]").count()).toBe(0);

    // Redo brings the same claim back (restore), and a second undo removes it again.
    await page.keyboard.press("Control+Shift+Z");
    await expect.poll(async () => (await row(created.id)).deletedAt).toBeNull();
    await expect.poll(() => page.locator("#claim-list [role=option]").count()).toBe(1);
    await page.keyboard.press("Control+y");
    await expect.poll(() => noticeText(page)).toBe("Nothing to redo.");
    await page.keyboard.press("Control+z");
    await expect.poll(async () => (await row(created.id)).deletedAt).not.toBeNull();
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("undoes an edit of the stance with Ctrl+Z: the old stance is back, one version further", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const claim = await claimOn(article.id, article.body, "Officials in Yerevan denied the report.");
    const page = await openAs(annotator, `/articles/${article.id}`);
    await changeStance(page, /Officials in Yerevan/, "against");
    expect((await row(claim.id)).stance?.key).toBe("against");

    await page.keyboard.press("Control+z");
    await expect.poll(() => noticeText(page)).toMatch(/^Undone: .* is back as it was\.$/);
    const back = await row(claim.id);
    expect(back.stance?.key).toBe("favor");
    expect(back.version).toBe(3);
    await expect
      .poll(() => page.getByRole("option", { name: /Officials in Yerevan/ }).textContent())
      .toMatch(/favor/i);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("deletes at once, without a confirm dialog, and the notice's Undo brings the claim back with its id", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const claim = await claimOn(article.id, article.body, "They said the ceasefire held overnight.");
    const page = await openAs(annotator, `/articles/${article.id}`);
    await page.getByRole("option", { name: /ceasefire held/ }).click();
    await page.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => noticeText(page)).toBe("Claim deleted.");
    expect(dialogs).toEqual([]);
    expect((await row(claim.id)).deletedAt).not.toBeNull();
    expect(await page.locator(`mark[data-claims~="${claim.id}"]`).count()).toBe(0);

    await page.locator("#ws-notice").getByRole("button", { name: "Undo" }).click();
    await expect
      .poll(() => noticeText(page))
      .toMatch(/^Undone: claim “They said the ceasefire held overnight\.” is back\.$/);
    const back = await row(claim.id);
    expect(back.deletedAt).toBeNull();
    expect(back.version).toBe(3);
    await expect.poll(() => page.locator(`mark[data-claims~="${claim.id}"]`).count()).toBeGreaterThan(0);
    expect(await page.getByRole("option", { name: /ceasefire held/ }).count()).toBe(1);
    // Nothing else to undo: the button stays where it is, marked unavailable.
    expect(await page.locator(".ws-notice-undo").getAttribute("aria-disabled")).toBe("true");
    expect(await page.locator(".ws-notice-redo").getAttribute("aria-disabled")).toBeNull();
    const audit = await app.db.prisma.auditEvent.count({
      where: { subjectType: "claim", subjectId: String(claim.id), action: "claim.restore" },
    });
    expect(audit).toBe(1);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("goes three steps back in order, then redoes one", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const edited = await claimOn(article.id, article.body, "Officials in Yerevan denied the report.");
    const deleted = await claimOn(article.id, article.body, "They said the ceasefire held overnight.");
    const page = await openAs(annotator, `/articles/${article.id}`);

    await changeStance(page, /Officials in Yerevan/, "against"); // 1: edit
    await page.getByRole("option", { name: /ceasefire held/ }).click(); // 2: delete
    await page.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => noticeText(page)).toBe("Claim deleted.");
    await page.locator("#article-body").focus(); // 3: create
    await page.keyboard.press("j");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => noticeText(page)).toBe("Claim saved.");
    const created = await app.db.prisma.claim.findFirstOrThrow({
      where: { articleId: article.id, id: { notIn: [edited.id, deleted.id] } },
    });

    await page.keyboard.press("Control+z");
    await expect.poll(async () => (await row(created.id)).deletedAt).not.toBeNull();
    expect((await row(deleted.id)).deletedAt).not.toBeNull();
    expect((await row(edited.id)).stance?.key).toBe("against");

    await page.keyboard.press("Control+z");
    await expect.poll(async () => (await row(deleted.id)).deletedAt).toBeNull();
    expect((await row(edited.id)).stance?.key).toBe("against");

    await page.keyboard.press("Control+z");
    await expect.poll(async () => (await row(edited.id)).stance?.key).toBe("favor");
    expect((await row(created.id)).deletedAt).not.toBeNull();
    await expect.poll(() => page.locator("#claim-list [role=option]").count()).toBe(2);

    await page.keyboard.press("Control+z");
    await expect.poll(() => noticeText(page)).toBe("Nothing to undo.");

    await page.keyboard.press("Control+Shift+Z");
    await expect.poll(async () => (await row(edited.id)).stance?.key).toBe("against");
    await expect.poll(() => noticeText(page)).toMatch(/^Redone: .* has your change again\.$/);

    // The notice's buttons work from the keyboard too.
    await page.locator("#ws-notice").getByRole("button", { name: "Undo" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await row(edited.id)).stance?.key).toBe("favor");
    await expect.poll(() => noticeText(page)).toMatch(/^Undone: .* is back as it was\.$/);
    expect(scriptErrors).toEqual([]);
    await page.close();
  });

  it("refuses an undo after someone else's change (409): says what changed, overwrites nothing", async () => {
    const article = await makeArticle(app.db, admin, projectId, BODY);
    const claim = await claimOn(article.id, article.body, "Officials in Yerevan denied the report.");
    const page = await openAs(annotator, `/articles/${article.id}`);
    await changeStance(page, /Officials in Yerevan/, "against");

    // An admin changes the target meanwhile, through the same versioned service.
    const { updateClaim } = await import("../../src/claims/claims.service.js");
    await updateClaim(app.db.prisma, admin, claim.id, { version: 2, target: "Armenia" });

    await page.keyboard.press("Control+z");
    await expect
      .poll(() => noticeText(page))
      .toBe(
        "Not undone: someone else changed this claim after you. Target changed from none to Armenia by someone else. Nothing was overwritten.",
      );
    const now = await app.db.prisma.claim.findUniqueOrThrow({
      where: { id: claim.id },
      include: { stance: true, target: true },
    });
    expect(now.stance?.key).toBe("against");
    expect(now.target?.name).toBe("Armenia");
    expect(now.version).toBe(3);
    // The page now shows the claim as it is, and the refused step is gone from the history.
    await expect
      .poll(() => page.getByRole("option", { name: /Officials in Yerevan/ }).textContent())
      .toMatch(/Armenia/);
    await page.keyboard.press("Control+z");
    await expect.poll(() => noticeText(page)).toBe("Nothing to undo.");
    expect(scriptErrors).toEqual([]);
    await page.close();
  });
});
