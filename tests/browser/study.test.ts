import { parse } from "csv-parse/sync";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeArticle, makeProject } from "../helpers/factories.js";
import { logInThroughForm, watchScriptErrors } from "../helpers/workspace-page.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

const BODY = "Ann said one thing. Bo said two things. Cy said three.";

/**
 * A whole study in the browser: the admin assigns the article to two annotators of a blind
 * project, each claims by keyboard and sees only their own layer, both mark it done, the
 * agreement page shows the figures computed by hand below, a curator curates by keyboard, and the
 * gold layer is exported and read back with a CSV parser.
 *
 * Sentences s0..s2 plus the factory's own last one, s3. X claims s0 and s1, Y claims s0 only.
 * Coverage (X, Y): s0 TT, s1 TF, s2 FF, s3 FF: n = 8 values, 3 true, 5 false, one disagreeing
 * sentence (D_o term 2): alpha = 1 - 7·2/(64 - 9 - 25) = 1 - 14/30 = 0.533.
 * Spans: s0 matches exactly; |X| + |Y| = 3: exact F1 = overlap F1 = 2·1/3 = 0.667.
 */
describe.runIf(runBrowserTests)("a blind double-annotation study, end to end", () => {
  let app: TestApp;
  let browser: Browser;
  let admin: CurrentUser;
  let x: CurrentUser;
  let y: CurrentUser;
  let curator: CurrentUser;
  let projectId: number;
  let articleId: number;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    x = await makeUser(app.db, "annotator", { name: "Xena" });
    y = await makeUser(app.db, "annotator", { name: "Yann" });
    curator = await makeUser(app.db, "annotator", { name: "Cora" });
    projectId = (await makeProject(app.db, admin, [x, y, curator])).id;
    await app.db.prisma.project.update({
      where: { id: projectId },
      data: { blind: true, useAssignments: true },
    });
    await app.db.prisma.projectMember.update({
      where: { projectId_userId: { projectId, userId: curator.id } },
      data: { isCurator: true },
    });
    articleId = (await makeArticle(app.db, admin, projectId, BODY)).id;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function logIn(user: CurrentUser, path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchScriptErrors(page, scriptErrors);
    await logInThroughForm(page, app, user, path);
    return page;
  }

  /** Claims the n-th sentence (1-based) as a direct quote, by keyboard. */
  async function claimSentence(page: Page, sentence: number) {
    // From a fresh page, so that j counts from the first sentence.
    await page.reload();
    await page.waitForSelector("main[data-painted]");
    await page.locator("#article-body").focus();
    for (let i = 0; i < sentence; i += 1) await page.keyboard.press("j");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#claim-panel").isVisible()).toBe(true);
    await page.keyboard.press("1");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator(".ws-notice-text").textContent()).toBe("Claim saved.");
    await page.keyboard.press("Escape");
  }

  it("assigns, annotates blind, agrees as computed by hand, curates by keyboard and exports gold", async () => {
    const adminPage = await logIn(admin, `/projects/${projectId}/assignments`);
    await adminPage.getByLabel("Annotators per article").fill("2");
    await adminPage.getByRole("checkbox", { name: "Cora" }).uncheck();
    await adminPage.getByRole("button", { name: "Assign unassigned articles" }).click();
    await adminPage.getByText("Gave 1 unassigned article to 2 annotators each").waitFor();

    for (const [user, sentences] of [
      [x, [1, 2]],
      [y, [1]],
    ] as const) {
      const page = await logIn(user, "/");
      await page.getByRole("link", { name: "Hajiyev on the front" }).first().click();
      await page.waitForSelector("main[data-painted]");
      expect(await page.locator("#ws-layer option").allTextContents()).toEqual(["My claims (blind project)"]);
      for (const sentence of sentences) await claimSentence(page, sentence);
      // Only their own claims are on the page: the other annotator's are not even sent.
      const shown = await page.locator(".claim-item").count();
      expect(shown).toBe(sentences.length);
      await page
        .getByRole("navigation", { name: "Your articles" })
        .getByRole("button", { name: "Mark done" })
        .click();
      await page
        .getByRole("navigation", { name: "Your articles" })
        .getByRole("button", { name: "Reopen" })
        .waitFor();
      await page.close();
    }

    await adminPage.goto(`${app.url}/projects/${projectId}/agreement`);
    const sentenceFigure = adminPage.getByRole("row", { name: /Sentences covered by a claim/ });
    expect(await sentenceFigure.textContent()).toContain("0.533");
    const agreement = await adminPage.request.get(`${app.url}/api/v1/projects/${projectId}/agreement`);
    const report = await agreement.json();
    expect(report.sentenceAlpha.alpha).toBeCloseTo(1 - 14 / 30, 10);
    expect(report.span.micro.exactF1).toBeCloseTo(2 / 3, 10);

    const page = await logIn(curator, `/articles/${articleId}/curate`);
    await page.locator("#cur-status").filter({ hasText: "Group 1 of 2" }).waitFor();
    await page.keyboard.press("x"); // s0: both agree exactly
    await page.locator(".cur-gold-claim").first().waitFor();
    await page.locator("#cur-status").filter({ hasText: "Group 2 of 2, Xena" }).waitFor();
    await page.keyboard.press("e"); // s1: accept Xena's claim with an edit
    const dialog = page.getByRole("dialog", { name: "Accept with edits" });
    await dialog.waitFor();
    await page.keyboard.press("Tab"); // from the span to the type
    await page.keyboard.type("indirect");
    expect(await dialog.getByLabel("Type").inputValue()).toBe("indirect");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator(".cur-gold-claim").count()).toBe(2);
    await page.keyboard.press("c");
    await page.locator("#cur-curated").filter({ hasText: "Curated by Cora" }).waitFor();

    const csv = await page.request.get(`${app.url}/api/v1/claims?project=${projectId}&layer=gold`);
    expect((await csv.json()).total).toBe(2);
    const adminCsv = await adminPage.request.get(
      `${app.url}/export/claims.csv?project=${projectId}&layer=gold`,
    );
    const rows = parse(await adminCsv.text(), { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.quote, row.type, row.annotator])).toEqual([
      ["Ann said one thing.", "direct", curator.email],
      ["Bo said two things.", "indirect", curator.email],
    ]);

    // Curated: the blind annotators may now read the gold layer.
    const xPage = await logIn(x, `/articles/${articleId}?layer=gold`);
    await xPage.waitForSelector("main[data-painted]");
    expect(await xPage.locator("#ws-layer").inputValue()).toBe("gold");
    expect(await xPage.locator(".claim-item").count()).toBe(2);
    expect(scriptErrors).toEqual([]);
    // A whole study: four people's sessions one after another, which on a busy 2-core machine
    // takes longer than one page's test.
  }, 120_000);
});
