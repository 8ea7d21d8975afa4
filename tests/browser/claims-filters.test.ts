// A filter the Claims page cannot read, in a real browser: the page comes back with the filter
// form, the values typed, the message under the field to fix, and the focus on that field.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClaim } from "../../src/claims/claims.service.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";
import { logInThroughForm, watchScriptErrors } from "../helpers/workspace-page.js";

interface Placement {
  value: string;
  invalid: string | null;
  focused: boolean;
  message: string;
  input: { left: number; bottom: number; width: number };
  note: { left: number; top: number; width: number } | null;
}

/** Browser-side, as source text: a field, its message and where the message is drawn. */
const FIELD = `((id) => {
  const input = document.getElementById(id);
  const note = document.getElementById(input.getAttribute("aria-describedby") || "-");
  const box = (element) => { const r = element.getBoundingClientRect(); return { left: r.left, top: r.top, bottom: r.bottom, width: r.width }; };
  return {
    value: input.value,
    invalid: input.getAttribute("aria-invalid"),
    focused: document.activeElement === input,
    message: note ? note.textContent : "",
    input: box(input),
    note: note ? box(note) : null,
  };
})`;

describe.runIf(runBrowserTests)("the Claims page's filter problems, in a real browser", () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let researcher: CurrentUser;
  const errors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await makeUser(app.db, "admin");
    researcher = await makeUser(app.db, "researcher");
    const project = await makeProject(app.db, admin);
    const article = await makeArticle(app.db, admin, project.id, "Talks resume on Monday.");
    const quote = "Talks resume on Monday.";
    await createClaim(app.db.prisma, admin, article.id, {
      ...spanOf(article.body, quote),
      quote,
      type: "outlet",
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    watchScriptErrors(page, errors);
    await logInThroughForm(page, app, researcher, "/claims");
    await page.waitForURL(`${app.url}/claims`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const field = (id: string) => page.evaluate(`${FIELD}(${JSON.stringify(id)})`) as Promise<Placement>;

  /** Submits the form and returns the status the page came back with. */
  async function show(): Promise<number> {
    const [response] = await Promise.all([
      // The form sends its empty fields too; the page answers after one redirect without them.
      page.waitForResponse(
        (response) => new URL(response.url()).pathname === "/claims" && response.status() !== 302,
      ),
      page.getByRole("button", { name: "Show claims" }).click(),
    ]);
    await page.waitForLoadState("domcontentloaded");
    return response.status();
  }

  /** The message sits right under its field, in the field's column. */
  function expectUnder(placement: Placement) {
    expect(placement.note).not.toBeNull();
    expect(placement.note!.top).toBeGreaterThanOrEqual(placement.input.bottom - 1);
    expect(placement.note!.top).toBeLessThan(placement.input.bottom + 12);
    expect(Math.abs(placement.note!.left - placement.input.left)).toBeLessThan(2);
    expect(placement.note!.width).toBeLessThanOrEqual(placement.input.width + 1);
  }

  it("keeps an article id that is not a number, says what to write under it and focuses it", async () => {
    await page.getByLabel("Article id").fill("abc");
    await page.getByLabel("Words in the quote").fill("talks");
    expect(await show()).toBe(422);
    await page.getByRole("alert").filter({ hasText: "one filter needs fixing" }).waitFor();
    const article = await field("f-article");
    expect(article.value).toBe("abc");
    expect(article.invalid).toBe("true");
    expect(article.message).toContain("“abc” is not an article id");
    expectUnder(article);
    await expect.poll(async () => (await field("f-article")).focused).toBe(true);
    expect(await page.getByLabel("Words in the quote").inputValue()).toBe("talks");
    expect(await page.locator("table.claims-table").count()).toBe(0);
  });

  it("refuses article dates that end before they start, under the 'to' date, keeping both", async () => {
    await page.getByLabel("Article id").fill("");
    await page.getByLabel("Article date from").fill("2020-11-05");
    await page.getByLabel("Article date to").fill("2020-11-01");
    expect(await show()).toBe(422);
    const to = await field("f-to");
    expect(to.value).toBe("2020-11-01");
    expect((await field("f-from")).value).toBe("2020-11-05");
    expect(to.message).toContain(
      "“Article date to” (1 November 2020) is before “Article date from” (5 November 2020)",
    );
    expectUnder(to);
    await expect.poll(async () => (await field("f-to")).focused).toBe(true);
    expect((await field("f-article")).invalid).toBeNull();
  });

  it("shows the claims once the dates are in order", async () => {
    await page.getByLabel("Article date to").fill("2020-11-30");
    await page.getByLabel("Article date from").fill("2020-11-01");
    expect(await show()).toBe(200);
    await page.getByRole("status").filter({ hasText: "1 claim matches" }).waitFor();
    expect(await page.locator(".field-error").count()).toBe(0);
    expect(await page.locator("table.claims-table tbody tr").count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
