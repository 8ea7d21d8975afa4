// The Claims page answers a filter it cannot read on the filter form itself: the page with the
// user's values kept and, beside the field, what to fix (422). Scripts get a JSON 422 instead.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClaim } from "../../src/claims/claims.service.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { loginAgent, makeUser, startTestApp, type Agent, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
let researcher: Agent;
let projectId: number;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await makeUser(app.db, "admin");
  const annotator = await makeUser(app.db, "annotator");
  const project = await makeProject(app.db, admin, [annotator]);
  projectId = project.id;
  const article = await makeArticle(app.db, admin, project.id, "The talks resumed on Monday.");
  const quote = "The talks resumed on Monday.";
  await createClaim(app.db.prisma, annotator, article.id, {
    ...spanOf(article.body, quote),
    quote,
    type: "direct",
    stance: "favor",
    speaker: { name: "Hikmat Hajiyev" },
  });
  researcher = await loginAgent(app, (await makeUser(app.db, "researcher")).email);
});
afterAll(() => app.close());

/** The filter form's field with `id`, its error message (if any) and whether it is marked invalid. */
function field(html: string, id: string) {
  const tag = new RegExp(`<(?:input|select)[^>]*id="${id}"[^>]*>`).exec(html)?.[0] ?? "";
  const name = /name="([^"]+)"/.exec(tag)?.[1] ?? "";
  const message = new RegExp(`<p class="field-error" id="${name}-error">([^<]*)</p>`).exec(html)?.[1];
  return {
    tag,
    value: /value="([^"]*)"/.exec(tag)?.[1],
    invalid: tag.includes('aria-invalid="true"') && tag.includes(`aria-describedby="${name}-error"`),
    message: message?.replace(/&#34;/g, '"').replace(/&#39;/g, "'"),
  };
}

const filterForm = /<form method="get" action="\/claims" class="filters card"/;

describe("a filter the Claims page cannot read", () => {
  it("answers an article id that is not a number beside the field, with every value kept", async () => {
    const response = await researcher.get(
      `/claims?project=${projectId}&article=abc&stance=favor&q=talks&sort=oldest`,
    );
    expect(response.status).toBe(422);
    expect(response.headers["content-type"]).toMatch(/text\/html/);
    expect(response.text).toMatch(filterForm);
    expect(response.text).toContain("<h1>Claims</h1>");
    const article = field(response.text, "f-article");
    expect(article.value).toBe("abc");
    expect(article.invalid).toBe(true);
    expect(article.message).toContain("“abc” is not an article id");
    expect(article.message).toContain("/articles/1234");
    // The other filters are kept as sent, and none of them is marked.
    expect(field(response.text, "f-q").value).toBe("talks");
    expect(field(response.text, "f-q").invalid).toBe(false);
    expect(response.text).toContain(`<option value="${projectId}" selected>`);
    expect(response.text).toContain('<option value="favor" selected>');
    expect(response.text).toContain('<option value="oldest" selected>');
    expect(response.text).toMatch(
      /role="alert" id="filter-problems">No claims are shown: one filter needs fixing/,
    );
    // No rows, no count, no export of filters that mean nothing.
    expect(response.text).not.toContain("data-count-url");
    expect(response.text).not.toContain("/export/claims.csv");
    expect(response.text).not.toContain("The talks resumed on Monday.</a>");
  });

  it("answers an article date range that ends before it starts beside the 'to' date, both dates kept", async () => {
    const response = await researcher.get(`/claims?from=2024-03-05&to=2024-03-01&stance=favor`);
    expect(response.status).toBe(422);
    expect(response.text).toMatch(filterForm);
    expect(field(response.text, "f-from").value).toBe("2024-03-05");
    const to = field(response.text, "f-to");
    expect(to.value).toBe("2024-03-01");
    expect(to.invalid).toBe(true);
    expect(to.message).toBe(
      "“Article date to” (1 March 2024) is before “Article date from” (5 March 2024), so no claim " +
        "could match. Pick a day on or after 5 March 2024, or clear one of the two dates.",
    );
    expect(response.text).toContain('<option value="favor" selected>');
  });

  it("does the same for the claim dates, and says which two dates when both ranges are backwards", async () => {
    const response = await researcher.get(
      `/claims?from=2024-03-05&to=2024-03-01&claimFrom=2025-01-02&claimTo=2025-01-01`,
    );
    expect(response.status).toBe(422);
    expect(field(response.text, "f-to").message).toContain("“Article date to” (1 March 2024)");
    expect(field(response.text, "f-claimTo").message).toContain(
      "“Claim date to” (1 January 2025) is before “Claim date from” (2 January 2025)",
    );
    expect(response.text).toContain("No claims are shown: 2 filters need fixing");
  });

  it("names a date that is no day, and a choice that is not on the list, in the form's words", async () => {
    const response = await researcher.get(`/claims?claimFrom=2023-02-30&type=opinion`);
    expect(response.status).toBe(422);
    expect(field(response.text, "f-claimFrom").message).toBe(
      "“2023-02-30” is not a day between the years 1 and 9999. Pick a day in the calendar.",
    );
    expect(field(response.text, "f-type").message).toBe(
      "Choose the type from the list: “opinion” is not one of its choices.",
    );
  });

  it("says so when a hand-made address gives a filter twice, and words a bad page size", async () => {
    const twice = await researcher.get(`/claims?article=1&article=2`);
    expect(twice.status).toBe(422);
    expect(field(twice.text, "f-article").message).toBe(
      "The page address gives “Article id” 2 times: choose one value and show the claims again.",
    );
    const limit = await researcher.get(`/claims?limit=5000`);
    expect(limit.status).toBe(422);
    expect(limit.text).toMatch(/role="alert">limit must be a whole number of claims a page, from 1 to 500\./);
  });

  it("accepts a range of one day, and a broken page link keeps the form with a way back", async () => {
    const oneDay = await researcher.get(`/claims?from=2020-11-03&to=2020-11-03`);
    expect(oneDay.status).toBe(200);
    expect(oneDay.text).toContain("The talks resumed on Monday.</a>");
    const broken = await researcher.get(`/claims?cursor=not-a-cursor`);
    expect(broken.status).toBe(422);
    expect(broken.text).toMatch(filterForm);
    expect(broken.text).toMatch(
      /class="flash flash-error" role="alert">The page link is broken[^<]*first page/,
    );
  });
});

describe("the same mistakes in the API, the count and the exports", () => {
  it("stay a JSON 422 naming the parameter and what to send", async () => {
    const article = await researcher.get("/api/v1/claims?article=abc");
    expect(article.status).toBe(422);
    expect(article.body.error).toMatchObject({ code: "invalid", field: "article" });
    expect(article.body.error.message).toContain("article must be an id");

    const range = await researcher.get("/api/v1/claims?from=2024-03-05&to=2024-03-01");
    expect(range.status).toBe(422);
    expect(range.body.error).toEqual({
      code: "invalid",
      field: "to",
      message:
        "to (2024-03-01) is before from (2024-03-05), so no claim could match. " +
        "Send a to on or after from, or leave one of them out.",
    });
    const claimRange = await researcher.get("/api/v1/claims?claimFrom=2024-03-05&claimTo=2024-03-01");
    expect(claimRange.body.error.field).toBe("claimTo");
  });

  it("are refused by the Claims page's own JSON clients, the count and the exports before any byte", async () => {
    const asJson = await researcher.get("/claims?article=abc").set("Accept", "application/json");
    expect(asJson.status).toBe(422);
    expect(asJson.body.error.field).toBe("article");
    for (const path of ["/claims/count", "/claims/charts/speakers.svg", "/export/claims.csv"]) {
      const response = await researcher
        .get(`${path}?from=2024-03-05&to=2024-03-01`)
        .set("Accept", "application/json");
      expect(response.status, path).toBe(422);
      expect(response.headers["content-disposition"], path).toBeUndefined();
      expect(response.body.error.field, path).toBe("to");
    }
  });
});
