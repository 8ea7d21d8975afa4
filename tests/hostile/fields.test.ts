// Hostile values in the fields people and scripts send: article metadata, names, labels, claims.
// Each is refused with a 422 that names the field (or, where docs/limits.md says so, cleaned), and
// anything accepted renders on every page that shows it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
let adminAgent: Agent;
let annotatorAgent: Agent;
let projectId: number;
let article: Awaited<ReturnType<typeof makeArticle>>;

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin");
  const annotator = await makeUser(app.db, "annotator");
  adminAgent = await loginAgent(app, admin.email);
  annotatorAgent = await loginAgent(app, annotator.email);
  const project = await makeProject(app.db, admin, [annotator]);
  projectId = project.id;
  article = await makeArticle(app.db, admin, projectId);
});
afterAll(() => app.close());

async function send(agent: Agent, method: "post" | "patch" | "delete", path: string, body: object) {
  return agent[method](path)
    .set("X-CSRF-Token", await tokenFor(agent))
    .set("Accept", "application/json")
    .send(body);
}

let articleCounter = 0;
function newArticle(extra: object) {
  articleCounter += 1;
  return send(adminAgent, "post", `/api/v1/projects/${projectId}/articles`, {
    title: `Hostile ${articleCounter}`,
    body: `Body number ${articleCounter} said something.`,
    ...extra,
  });
}

describe("article dates", () => {
  const refused = {
    "Feb 30": "2024-02-30",
    "year 0": "0000-06-01",
    "year 10000": "10000-01-01",
    "hour 25": "2020-11-03T25:00:00Z",
    "minute 60": "2020-11-03T10:60Z",
    "zone +24:00": "2020-11-03T10:00+24:00",
    "a zone that moves it past 9999": "9999-12-31T23:00:00-05:00",
    "a zone that moves it before year 1": "0001-01-01T00:30:00+01:00",
    "a JavaScript date string": "Tue Nov 03 2020",
    "a bare number": "1604361600000",
    "a word": "last Tuesday",
    "two digits": "20-11-03",
  };
  it.each(Object.entries(refused))(
    "publishedAt %s is refused with 422, never moved to another day",
    async (_l, value) => {
      const response = await newArticle({ publishedAt: value });
      expect(response.status).toBe(422);
      expect(response.body.error.field).toBe("publishedAt");
    },
  );

  const accepted = {
    "the first day of year 1": ["0001-01-01", "0001-01-01T00:00:00.000Z"],
    "the last second of 9999": ["9999-12-31T23:59:59Z", "9999-12-31T23:59:59.000Z"],
    "Feb 29 of a leap year": ["2024-02-29", "2024-02-29T00:00:00.000Z"],
    "a time with an offset": ["2020-11-03T10:00+04:00", "2020-11-03T06:00:00.000Z"],
  };
  it.each(Object.entries(accepted))("publishedAt %s is stored as that instant", async (_l, [value, iso]) => {
    const response = await newArticle({ publishedAt: value });
    expect(response.status).toBe(201);
    expect(response.body.publishedAt).toBe(iso);
  });

  it("articles dated in year 1 and year 9999 render and sort on every page that lists them", async () => {
    const early = await newArticle({ publishedAt: "0001-01-01" });
    const late = await newArticle({ publishedAt: "9999-12-31" });
    for (const created of [early, late]) {
      const body = created.body.body as string;
      const response = await send(adminAgent, "post", `/api/v1/articles/${created.body.id}/claims`, {
        ...spanOf(body, "said"),
        quote: "said",
        type: "direct",
      });
      expect(response.status).toBe(201);
    }
    for (const path of [
      "/",
      `/projects/${projectId}`,
      `/articles/${early.body.id}`,
      `/articles/${late.body.id}`,
      "/claims?sort=published_asc",
      "/claims?sort=published_desc",
      "/claims/charts/stance-over-time.svg",
      "/export/claims.csv",
      "/export/claims.jsonld",
      "/export/articles.jsonl",
    ]) {
      const response = await adminAgent.get(path);
      expect(response.status, path).toBe(200);
    }
    const page = await adminAgent.get("/claims?sort=published_asc");
    expect(page.text).toContain("0001-01-01");
  });
});

describe("article URLs", () => {
  const refused = {
    "javascript:": "javascript:alert(document.cookie)",
    "JavaScript: in capitals": "JaVaScRiPt:alert(1)",
    "javascript: after spaces": "   javascript:alert(1)",
    "data:": "data:text/html,<script>alert(1)</script>",
    "file:": "file:///etc/passwd",
    "ftp:": "ftp://example.org/a",
    "mailto:": "mailto:someone@example.org",
    "no host": "http://",
    "scheme-relative": "//evil.example/a",
    "no scheme": "example.org/a",
    "vbscript:": "vbscript:msgbox(1)",
    "too long": `https://example.org/${"a".repeat(2001)}`,
  };
  it.each(Object.entries(refused))("%s is refused with 422", async (_l, url) => {
    const response = await newArticle({ url });
    expect(response.status).toBe(422);
    expect(response.body.error.field).toBe("url");
  });

  it("an https URL is kept and shown as the article's link", async () => {
    const response = await newArticle({ url: "https://example.org/news/1?a=1#x" });
    expect(response.status).toBe(201);
    const page = await adminAgent.get(`/articles/${response.body.id}`);
    expect(page.text).toContain('href="https://example.org/news/1?a=1#x"');
  });

  it("a javascript: URL can never be stored, even by a script writing to the database", async () => {
    await expect(
      app.db.prisma.article.update({ where: { id: article.id }, data: { url: "javascript:alert(1)" } }),
    ).rejects.toThrow();
  });
});

describe("NUL bytes in every kind of text field", () => {
  const cases: [string, () => Promise<{ status: number; body: { error?: { field?: string } } }>, string][] = [
    ["article title", () => newArticle({ title: "A\u0000B" }), "title"],
    ["article outlet", () => newArticle({ outlet: "A\u0000B" }), "outlet"],
    ["article byline", () => newArticle({ byline: "A\u0000B" }), "byline"],
    ["article URL", () => newArticle({ url: "https://example.org/\u0000" }), "url"],
    ["article language", () => newArticle({ language: "e\u0000n" }), "language"],
    ["project name", () => send(adminAgent, "post", "/api/v1/projects", { name: "P\u0000" }), "name"],
    [
      "project description",
      () => send(adminAgent, "post", "/api/v1/projects", { name: "P", description: "\u0000" }),
      "description",
    ],
    [
      "stance label",
      () => send(adminAgent, "post", "/api/v1/projects", { name: "P", stances: ["a\u0000"] }),
      "stances.0",
    ],
    [
      "speaker name",
      () => send(annotatorAgent, "post", `/api/v1/projects/${projectId}/speakers`, { name: "S\u0000" }),
      "name",
    ],
    [
      "speaker role",
      () =>
        send(annotatorAgent, "post", `/api/v1/projects/${projectId}/speakers`, { name: "S", role: "\u0000" }),
      "role",
    ],
    [
      "speaker alias",
      () =>
        send(annotatorAgent, "post", `/api/v1/projects/${projectId}/speakers`, {
          name: "S",
          aliases: ["\u0000"],
        }),
      "aliases.0",
    ],
    ["claim note", () => claim({ note: "n\u0000" }), "note"],
    ["claim stance", () => claim({ stance: "favor\u0000" }), "stance"],
    ["claim target", () => claim({ target: "\u0000" }), "target"],
    ["claim quote", () => claim({ quote: "Fans\u0000cheered." }), "quote"],
    ["inline speaker name", () => claim({ speaker: { name: "X\u0000" } }), "speaker.name"],
  ];
  it.each(cases)("%s: 422 naming the field", async (_l, run, field) => {
    const response = await run();
    expect(response.status).toBe(422);
    expect(response.body.error?.field).toBe(field);
  });

  it("the login form refuses a NUL in the email with 422", async () => {
    const page = await adminAgent.get("/login");
    expect(page.status).toBe(302);
    const anonymous = (await import("supertest")).default.agent(app.url);
    const form = await anonymous.get("/login");
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    const response = await anonymous
      .post("/login")
      .type("form")
      .send({ email: "a\u0000@example.org", password: "x", _csrf: token });
    expect(response.status).toBe(422);
    expect(response.text).toContain("NUL");
  });
});

function claim(extra: object) {
  const quote = "Fans cheered.";
  return send(annotatorAgent, "post", `/api/v1/articles/${article.id}/claims`, {
    ...spanOf(article.body, quote),
    quote,
    type: "direct",
    ...extra,
  });
}

describe("numbers beyond the database's integer range in bodies", () => {
  const cases: [string, object, string][] = [
    ["start past INT4", { start: 2147483648, end: 2147483649 }, "start"],
    ["end as 1e20", { end: 1e20 }, "end"],
    ["a fractional start", { start: 1.5 }, "start"],
    ["speaker id past INT4", { speaker: { id: 2147483648 } }, "speaker"],
    ["speaker id 1e20", { speaker: { id: 1e20 } }, "speaker"],
    ["speaker id negative", { speaker: { id: -3 } }, "speaker"],
    ["mention end past INT4", { speakerMention: { start: 0, end: 2147483648 } }, "speakerMention.end"],
    ["cue start negative", { cue: { start: -1, end: 2 } }, "cue.start"],
  ];
  it.each(cases)("a claim with %s is 422", async (_l, extra, field) => {
    const response = await claim(extra);
    expect(response.status).toBe(422);
    expect(response.body.error.field).toMatch(new RegExp(`^${field.replace(".", "\\.")}`));
  });

  it.each([
    ["past INT4", 2147483648],
    ["negative", -1],
    ["a fraction", 1.5],
    ["a string", "one"],
    ["missing", undefined],
  ])("a claim edit or delete with version %s is 422", async (_l, version) => {
    const created = await claim({});
    expect(created.status).toBe(201);
    const id = (created.body as unknown as { id: number }).id;
    const patch = await send(annotatorAgent, "patch", `/api/v1/claims/${id}`, { version, note: "x" });
    expect(patch.status).toBe(422);
    expect(patch.body.error.field).toBe("version");
    const remove = await send(annotatorAgent, "delete", `/api/v1/claims/${id}`, { version });
    expect(remove.status).toBe(422);
    await send(annotatorAgent, "delete", `/api/v1/claims/${id}`, { version: 1 });
  });

  it.each([["2147483648"], ["99999999999999999999"], ["-1"]])(
    "the workspace and the article API with layer=%s do not fail",
    async (layer) => {
      const page = await adminAgent.get(`/articles/${article.id}?layer=${layer}`);
      expect(page.status).toBe(200);
      const api = await adminAgent.get(`/api/v1/articles/${article.id}?layer=${layer}`);
      expect(api.status).toBe(422);
    },
  );
});

describe("invisible text and lone surrogates", () => {
  const invisible = {
    "zero-width spaces": "\u200b\u200b\u200b",
    "no-break spaces": "\u00a0\u00a0",
    "word joiners": "\u2060\u2060",
    "a byte-order mark": "\ufeff",
    "direction marks": "\u200e\u200f",
    "soft hyphens": "\u00ad\u00ad",
    "combining marks alone": "\u0301\u0301",
  };
  it.each(Object.entries(invisible))("an article body of only %s is refused", async (_l, body) => {
    const response = await newArticle({ body });
    expect(response.status).toBe(422);
    expect(response.body.error.field).toBe("body");
  });
  it.each(Object.entries(invisible))("a title of only %s is refused", async (_l, title) => {
    const response = await newArticle({ title });
    expect(response.status).toBe(422);
    expect(response.body.error.field).toBe("title");
  });
  it.each(Object.entries(invisible))("a speaker name of only %s is refused", async (_l, name) => {
    const response = await send(annotatorAgent, "post", `/api/v1/projects/${projectId}/speakers`, { name });
    expect(response.status).toBe(422);
  });

  it("a lone surrogate in a body becomes U+FFFD and shifts no offset", async () => {
    const created = await newArticle({ body: 'Before \ud800 after. "Quoted words," she said.' });
    expect(created.status).toBe(201);
    const body = created.body.body as string;
    expect(body).toContain("\ufffd");
    const quote = '"Quoted words,"';
    const span = spanOf(body, quote);
    expect(span.start).toBe(Array.from("Before \ufffd after. ").length);
    const saved = await send(annotatorAgent, "post", `/api/v1/articles/${created.body.id}/claims`, {
      ...span,
      quote,
      type: "direct",
    });
    expect(saved.status).toBe(201);
    expect(saved.body.prefix).toBe("Before \ufffd after. ");
  });

  it("a quote sent with a lone surrogate matches the stored U+FFFD at the same offsets", async () => {
    const created = await newArticle({ body: "Lone \udc00 here, said Ann." });
    const quote = "Lone \udc00 here";
    const response = await send(annotatorAgent, "post", `/api/v1/articles/${created.body.id}/claims`, {
      start: 0,
      end: 11,
      quote,
      type: "direct",
    });
    expect(response.status).toBe(201);
    expect(response.body.quote).toBe("Lone \ufffd here");
  });
});

describe("label keys that collide", () => {
  const cases: [string, string[]][] = [
    ["differ in punctuation", ["Favor", "favor!"]],
    ["differ in accents", ["Neutral", "Neutrál"]],
    ["differ in spacing and case", ["Strongly favor", "strongly_FAVOR"]],
    ["have no letter or digit", ["!!!"]],
    ["are emoji only", ["👍"]],
  ];
  it.each(cases)("stance labels that %s are refused when a project is created", async (_l, stances) => {
    const response = await send(adminAgent, "post", "/api/v1/projects", {
      name: `Keys ${Math.random()}`,
      stances,
    });
    expect(response.status).toBe(422);
    expect(response.body.error.field).toBe("stances");
  });

  it("a stance label added later whose key is taken is a 409, and a keyless one a 422", async () => {
    const project = await makeProject(app.db, admin);
    const page = await adminAgent.get(`/projects/${project.id}`);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const taken = await adminAgent
      .post(`/projects/${project.id}/stances`)
      .type("form")
      .send({ name: "FAVOR!", _csrf: token });
    expect(taken.status).toBe(409);
    const keyless = await adminAgent
      .post(`/projects/${project.id}/stances`)
      .type("form")
      .send({ name: "???", _csrf: token });
    expect(keyless.status).toBe(422);
  });

  it("a target differing only in case from another is a 409", async () => {
    const project = await makeProject(app.db, admin);
    const page = await adminAgent.get(`/projects/${project.id}`);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const response = await adminAgent
      .post(`/projects/${project.id}/targets`)
      .type("form")
      .send({ name: "AZERBAIJAN", _csrf: token });
    expect(response.status).toBe(409);
  });
});
