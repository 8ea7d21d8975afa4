import { parse } from "csv-parse/sync";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimColumns } from "../../src/exports/export-query.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

let app: TestApp;
let admin: CurrentUser;
let annotator: CurrentUser;
let researcherAgent: Agent;
let annotatorAgent: Agent;
let projectId: number;
const created: Record<string, { id: number; quote: string; start: number; end: number; note: string }> = {};

// Quotes, commas and line breaks inside fields, an emoji before the quote, formula-looking cells.
const BODY = [
  "🎉🙂 Crowds gathered.",
  'He said: "We will win, and they will lose." It was late.',
  "Casualties: -3 reported,\nthen =SUM(A1) appeared on a sign.",
].join("\n\n");

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin");
  annotator = await makeUser(app.db, "annotator", { name: "Ann Otator" });
  const researcher = await makeUser(app.db, "researcher");
  const project = await makeProject(app.db, admin, [annotator]);
  projectId = project.id;
  const article = await makeArticle(app.db, admin, project.id, BODY);
  annotatorAgent = await loginAgent(app, annotator.email);
  researcherAgent = await loginAgent(app, researcher.email);
  const claims = [
    { key: "emoji", quote: "Crowds gathered.", type: "outlet", note: "@home crowd", stance: "neutral" },
    {
      key: "commas",
      quote: 'He said: "We will win, and they will lose."',
      type: "direct",
      note: "+1 for clarity",
      stance: "favor",
      speaker: { name: "=Evil Name" },
    },
    {
      key: "newline",
      quote: "Casualties: -3 reported,\nthen =SUM(A1) appeared on a sign.",
      type: "outlet",
      note: "-3 dead",
      stance: "against",
      target: "Armenia",
    },
  ];
  for (const claim of claims) {
    const { key, ...body } = claim;
    const response = await annotatorAgent
      .post(`/api/v1/articles/${article.id}/claims`)
      .set("X-CSRF-Token", await tokenFor(annotatorAgent))
      .send({ ...spanOf(article.body, claim.quote), ...body });
    expect(response.status).toBe(201);
    created[key] = response.body;
  }
});
afterAll(() => app.close());

interface WebAnnotation {
  id: string;
  type: string;
  target: { source: string; selector: { type: string; exact?: string; start?: number; end?: number }[] };
  body: { purpose: string; value: string }[];
}

function unneutralise(cell: string): string {
  return /^'[=+@\t\r-]/.test(cell) ? cell.slice(1) : cell;
}

describe("CSV export", () => {
  it("has the documented header and one row per claim, read back exactly by a real CSV parser", async () => {
    const response = await researcherAgent.get(`/export/claims.csv?project=${projectId}`).buffer(true);
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers["content-disposition"]).toMatch(
      /^attachment; filename="claims-project-\d+-[a-z0-9-]*exported-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const records = parse(response.text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0]!)).toEqual([...claimColumns]);
    // RFC 4180: CRLF between records; the line break inside the quote stays as it was.
    expect(response.text.startsWith(`${claimColumns.join(",")}\r\n`)).toBe(true);
    expect(response.text.endsWith("\r\n")).toBe(true);
    expect(response.text).toContain("reported,\nthen");
    expect(records).toHaveLength(3);
    const byId = new Map(records.map((record) => [Number(record.claim_id), record]));
    for (const claim of Object.values(created)) {
      const record = byId.get(claim.id)!;
      expect(unneutralise(record.quote!)).toBe(claim.quote);
      expect(Number(record.start)).toBe(claim.start);
      expect(Number(record.end)).toBe(claim.end);
      expect(record.annotator).toBe(annotator.email);
      expect(record.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(record.version).toBe("1");
    }
    const commas = byId.get(created.commas!.id)!;
    expect(commas.quote).toBe('He said: "We will win, and they will lose."');
    expect(commas.speaker_name).toBe("'=Evil Name");
    expect(commas.stance).toBe("favor");
    expect(commas.article_published_at).toBe("2020-11-03T00:00:00.000Z");
    const newline = byId.get(created.newline!.id)!;
    expect(newline.quote).toBe("Casualties: -3 reported,\nthen =SUM(A1) appeared on a sign.");
    expect(newline.note).toBe("'-3 dead");
    expect(newline.target).toBe("Armenia");
    expect(byId.get(created.emoji!.id)!.note).toBe("'@home crowd");
  });

  it("adds a byte order mark for Excel only when asked", async () => {
    const plain = await researcherAgent.get(`/export/claims.csv?project=${projectId}`).responseType("blob");
    const excel = await researcherAgent
      .get(`/export/claims.csv?project=${projectId}&excel=1`)
      .responseType("blob");
    expect((plain.body as Buffer).subarray(0, 3).toString("hex")).not.toBe("efbbbf");
    expect((excel.body as Buffer).subarray(0, 3).toString("hex")).toBe("efbbbf");
  });

  it("names the CSV for Excel apart from the plain CSV, so one download does not replace the other", async () => {
    const fileName = (response: { headers: Record<string, string> }) =>
      /^attachment; filename="([^"]+)"$/.exec(response.headers["content-disposition"] ?? "")?.[1];
    const query = `project=${projectId}&stance=favor`;
    const plain = fileName(await researcherAgent.get(`/export/claims.csv?${query}`).buffer(true));
    const excel = fileName(await researcherAgent.get(`/export/claims.csv?${query}&excel=1`).buffer(true));
    const notExcel = fileName(await researcherAgent.get(`/export/claims.csv?${query}&excel=0`).buffer(true));
    expect(plain).toMatch(/^claims-project-[\d-]+-favor-exported-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(excel).toBe(plain!.replace(/\.csv$/, "-excel.csv"));
    expect(notExcel).toBe(plain);
  });

  it("exports exactly the filtered set", async () => {
    const response = await researcherAgent.get(
      `/export/claims.csv?project=${projectId}&stance=against&type=outlet`,
    );
    const records = parse(response.text, { columns: true }) as Record<string, string>[];
    expect(records.map((record) => Number(record.claim_id))).toEqual([created.newline!.id]);
    const none = await researcherAgent.get(`/export/claims.csv?project=${projectId}&q=nonexistentword`);
    expect(parse(none.text, { columns: true })).toEqual([]);
  });

  it("explains a bad filter with 422", async () => {
    const response = await researcherAgent
      .get(`/export/claims.csv?from=yesterday`)
      .set("Accept", "application/json");
    expect(response.status).toBe(422);
    expect(response.body.error.message).toMatch(/from must be a date written YYYY-MM-DD/);
  });

  // Filters that look right but that Postgres would refuse must be caught before the first byte
  // too, or the client would get a 200 and a broken file.
  it.each([
    ["claims.csv", "from=2021-02-30", /from is not a real date/],
    ["claims.csv?excel=1", "claimTo=0000-01-01", /claimTo is not a real date/],
    ["claims.jsonl", "project=3000000000", /project must be an id/],
    ["claims.jsonld", "to=2021-13-01", /to is not a real date/],
    ["claims.jsonld", "type=quote", /type must be one of/],
    ["articles.jsonl", "article=99999999999", /article must be an id/],
  ])("answers 422 before the first byte: %s?%s", async (path, filter, message) => {
    const response = await researcherAgent
      .get(`/export/${path}${path.includes("?") ? "&" : "?"}${filter}`)
      .set("Accept", "application/json");
    expect(response.status).toBe(422);
    expect(response.headers["content-disposition"]).toBeUndefined();
    expect(response.body.error.message).toMatch(message);
  });

  it("refuses annotators (403)", async () => {
    expect((await annotatorAgent.get(`/export/claims.csv`)).status).toBe(403);
    expect((await request(app.url).get(`/export/claims.csv`).set("Accept", "application/json")).status).toBe(
      401,
    );
  });
});

describe("JSON Lines and Web Annotation exports", () => {
  it("JSON Lines carry the same fields, exact, never neutralised", async () => {
    const response = await researcherAgent.get(`/export/claims.jsonl?project=${projectId}`).buffer(true);
    const lines = response.text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(Object.keys(lines[0]!)).toEqual([...claimColumns]);
    const newline = lines.find((line) => line.claim_id === created.newline!.id)!;
    expect(newline.note).toBe("-3 dead");
    expect(newline.quote).toBe(created.newline!.quote);
  });

  it("Web Annotation export has the W3C model's required fields and both selectors", async () => {
    const response = await researcherAgent.get(`/export/claims.jsonld?project=${projectId}`).buffer(true);
    const collection = JSON.parse(response.text);
    expect(collection["@context"]).toBe("http://www.w3.org/ns/anno.jsonld");
    expect(collection.type).toBe("AnnotationCollection");
    const items = collection.first.items as WebAnnotation[];
    expect(items).toHaveLength(3);
    for (const annotation of items) {
      expect(annotation.type).toBe("Annotation");
      expect(typeof annotation.id).toBe("string");
      expect(annotation.target.source).toMatch(/^http/);
      const quote = annotation.target.selector.find((s: { type: string }) => s.type === "TextQuoteSelector");
      const position = annotation.target.selector.find(
        (s: { type: string }) => s.type === "TextPositionSelector",
      );
      expect(typeof quote?.exact).toBe("string");
      expect(position?.end).toBeGreaterThan(position!.start!);
      expect(annotation.body.some((b: { purpose: string }) => b.purpose === "classifying")).toBe(true);
    }
    const commas = items.find((item) => item.id.endsWith(`/claims/${created.commas!.id}`))!;
    expect(commas.body).toContainEqual(
      expect.objectContaining({ purpose: "identifying", value: "=Evil Name" }),
    );
    expect(commas.body).toContainEqual(expect.objectContaining({ purpose: "assessing", value: "favor" }));
  });

  it("articles export gives full bodies so body[start:end] == quote can be checked", async () => {
    const claims = (await researcherAgent.get(`/export/claims.jsonl?project=${projectId}`)).text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { article_id: number; start: number; end: number; quote: string });
    const articles = (await researcherAgent.get(`/export/articles.jsonl?project=${projectId}`)).text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { article_id: number; body: string });
    for (const claim of claims) {
      const body = Array.from(articles.find((article) => article.article_id === claim.article_id)!.body);
      expect(body.slice(claim.start, claim.end).join("")).toBe(claim.quote);
    }
  });
});
