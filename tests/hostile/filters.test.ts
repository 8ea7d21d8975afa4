// Hostile filters, page sizes and cursors on every read that takes them: the researchers' desk,
// its count and charts, the claims API and every export format. Each one is a 422 that names what
// to fix, before any row (or byte of a download) is sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
let researcher: Agent;

const reads = [
  "/claims",
  "/claims/count",
  "/claims/charts/speakers.svg",
  "/api/v1/claims",
  "/export/claims.csv",
  "/export/claims.jsonl",
  "/export/claims.jsonld",
  "/export/articles.jsonl",
];

beforeAll(async () => {
  app = await startTestApp();
  const admin = await makeUser(app.db, "admin");
  const user = await makeUser(app.db, "researcher");
  researcher = await loginAgent(app, user.email);
  const project = await makeProject(app.db, admin);
  const article = await makeArticle(app.db, admin, project.id);
  const adminAgent = await loginAgent(app, admin.email);
  for (const quote of ["Fans cheered.", "BAKU, Azerbaijan, Nov.3"]) {
    const response = await adminAgent
      .post(`/api/v1/articles/${article.id}/claims`)
      .set("X-CSRF-Token", await tokenFor(adminAgent))
      .send({ ...spanOf(article.body, quote), quote, type: "direct" });
    expect(response.status).toBe(201);
  }
});
afterAll(() => app.close());

function expectRefusal(
  response: { status: number; text: string; headers: Record<string, string> },
  field: string,
) {
  expect(response.status).toBe(422);
  expect(response.headers["content-disposition"]).toBeUndefined();
  expect(response.text).toContain(field);
}

describe("impossible and out-of-range dates", () => {
  const dates = {
    "Feb 30": "2024-02-30",
    "Feb 29 of a common year": "2023-02-29",
    "year 0": "0000-01-01",
    "year 10000": "10000-01-01",
    "month 13": "2023-13-01",
    "month 0": "2023-00-10",
    "day 32": "2023-01-32",
    "no leading zeros": "1999-1-1",
    "a word": "yesterday",
    "a time": "2024-02-01T00:00:00Z",
    "a NUL": "2024-02-01%00",
  };
  const cases = reads.flatMap((path) =>
    ["from", "claimTo"].flatMap((name) =>
      Object.entries(dates).map(([label, value]) => [`${path}?${name}=${label}`, path, name, value] as const),
    ),
  );
  it.each(cases)("%s is refused", async (_name, path, name, value) => {
    const response = await researcher.get(`${path}?${name}=${value}`).set("Accept", "application/json");
    expectRefusal(response, value.includes("%00") ? "NUL" : name);
  });

  it("accepts the first and last days of the years 1-9999", async () => {
    for (const path of reads) {
      const response = await researcher.get(`${path}?from=0001-01-01&to=9999-12-31&claimTo=9999-12-31`);
      expect(response.status, path).toBe(200);
    }
  });
});

describe("ids beyond what the database holds", () => {
  const values = {
    "past INT4": "2147483648",
    "20 digits": "99999999999999999999",
    negative: "-1",
    zero: "0",
    fraction: "1.5",
    words: "abc",
    infinity: "Infinity",
    "two values": "1&project=2",
  };
  const cases = reads.flatMap((path) =>
    ["project", "article", "annotator"].flatMap((name) =>
      Object.entries(values).map(
        ([label, value]) => [`${path}?${name}=${label}`, path, name, value] as const,
      ),
    ),
  );
  it.each(cases)("%s is refused", async (_name, path, name, value) => {
    const query = value.startsWith("1&") ? `${name}=1&${name}=2` : `${name}=${value}`;
    const response = await researcher.get(`${path}?${query}`).set("Accept", "application/json");
    expectRefusal(response, name);
  });

  it.each(reads.map((path) => [path]))(
    "%s: a speaker filter of 20 digits is a name that matches nothing",
    async (path) => {
      const response = await researcher.get(`${path}?speaker=99999999999999999999`);
      expect(response.status).toBe(200);
    },
  );
});

describe("page sizes, sorts and text filters", () => {
  const values: [string, string, string][] = [
    ["limit", "0", "limit"],
    ["limit", "501", "limit"],
    ["limit", "-5", "limit"],
    ["limit", "abc", "limit"],
    ["limit", "1e9", "limit"],
    ["sort", "sideways", "sort"],
    ["type", "opinion", "type"],
    ["stance", "x".repeat(81), "stance"],
    ["q", "x".repeat(501), "q"],
  ];
  const cases = ["/claims", "/api/v1/claims"].flatMap((path) =>
    values.map(
      ([name, value, field]) => [`${path}?${name}=${value.slice(0, 12)}`, path, name, value, field] as const,
    ),
  );
  it.each(cases)("%s is refused", async (_name, path, name, value, field) => {
    const response = await researcher.get(`${path}?${name}=${value}`).set("Accept", "application/json");
    expectRefusal(response, field);
  });
});

describe("tampered and foreign cursors", () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  let real: string;
  beforeAll(async () => {
    const first = await researcher.get("/api/v1/claims?limit=1");
    real = first.body.nextCursor;
    expect(real).toBeTruthy();
  });
  const tampered: [string, () => string, string][] = [
    ["not base64 JSON", () => "%%%", ""],
    ["random bytes", () => "AAAAAAAAAA", ""],
    ["JSON of another shape", () => encode({ id: 1 }), ""],
    ["an id past INT4", () => encode({ ...decode(real), i: 2147483648 }), ""],
    ["a negative id", () => encode({ ...decode(real), i: -1 }), ""],
    ["a key that is no date", () => encode({ ...decode(real), k: "yesterday" }), ""],
    ["a key in the year 10000", () => encode({ ...decode(real), k: "+010000-01-01T00:00:00.000Z" }), ""],
    ["an extra field", () => encode({ ...decode(real), x: 1 }), ""],
    ["another sort's cursor", () => real, "&sort=oldest"],
    ["other filters' cursor", () => real, "&type=direct"],
  ];
  const cases = ["/claims", "/api/v1/claims"].flatMap((path) =>
    tampered.map(([label, make, extra]) => [`${path}: ${label}`, path, make, extra] as const),
  );
  it.each(cases)("%s is 422", async (_name, path, make, extra) => {
    const response = await researcher
      .get(`${path}?limit=1&cursor=${encodeURIComponent(make())}${extra}`)
      .set("Accept", "application/json");
    expectRefusal(response, "cursor");
  });

  it("the real cursor still gives the next page", async () => {
    const response = await researcher.get(`/api/v1/claims?limit=1&cursor=${real}`);
    expect(response.status).toBe(200);
    expect(response.body.claims).toHaveLength(1);
  });
});

function decode(cursor: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;
}
