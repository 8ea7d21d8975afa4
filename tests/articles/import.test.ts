import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodePointIndex } from "../../src/text/code-points.js";
import {
  csrfFrom,
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

let app: TestApp;
let adminAgent: Agent;
let projectId: number;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await makeUser(app.db, "admin");
  adminAgent = await loginAgent(app, admin.email);
  projectId = (await app.db.prisma.project.create({ data: { name: "Imports" } })).id;
});
afterAll(() => app.close());

const base = () => `/projects/${projectId}/articles`;

async function paste(agent: Agent, fields: Record<string, string>) {
  const token = csrfFrom((await agent.get(`${base()}/new`)).text);
  return agent
    .post(base())
    .type("form")
    .send({ ...fields, _csrf: token });
}

async function upload(agent: Agent, files: [string, string][], fields: Record<string, string> = {}) {
  let request = agent
    .post(`${base()}/upload`)
    .set("X-CSRF-Token", await tokenFor(agent))
    .set("Accept", "application/json");
  for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
  for (const [name, content] of files) request = request.attach("files", Buffer.from(content), name);
  return request;
}

async function bulk(agent: Agent, content: string) {
  const response = await agent
    .post(`${base()}/bulk`)
    .set("X-CSRF-Token", await tokenFor(agent))
    .set("Accept", "application/x-ndjson, application/json")
    .attach("file", Buffer.from(content), "articles.jsonl")
    .buffer(true)
    .parse((res, done) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => done(null, text));
    });
  const events = (response.body as string)
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { response, events };
}

const articleNamed = (title: string) =>
  app.db.prisma.article.findFirstOrThrow({ where: { projectId, title }, include: { sentences: true } });

describe("pasting one article", () => {
  it("imports it, normalised and split into sentences, then shows the article", async () => {
    const response = await paste(adminAgent, {
      title: "Pasted piece",
      outlet: "Trend",
      publishedAt: "2020-11-03",
      url: "https://example.org/pasted",
      body: "First sentence here.  \r\nStill the first paragraph. \r\n\r\n\r\nSecond paragraph.",
    });
    expect(response.status).toBe(302);
    const article = await articleNamed("Pasted piece");
    expect(response.headers.location).toBe(`/articles/${article.id}`);
    expect(article.body).toBe("First sentence here.\nStill the first paragraph.\n\nSecond paragraph.");
    expect(article.publishedAt?.toISOString()).toBe("2020-11-03T00:00:00.000Z");
    expect(article.sentences).toHaveLength(3);
    const shown = await adminAgent.get(response.headers.location!);
    expect(shown.text).toContain("Imported the article, split into 3 sentences.");
  });

  it("says one sentence for an article of one", async () => {
    const response = await paste(adminAgent, { title: "One-liner", body: "Only this sentence." });
    expect(response.status).toBe(302);
    const shown = await adminAgent.get(response.headers.location!);
    expect(shown.text).toContain("Imported the article, split into 1 sentence.");
  });

  it("explains every bad field (422) and keeps what was typed", async () => {
    const response = await paste(adminAgent, {
      title: "",
      body: "   ",
      url: "example.org/no-scheme",
      publishedAt: "last Tuesday",
      outlet: "Kept Outlet",
    });
    expect(response.status).toBe(422);
    for (const message of [
      "Give the article a title.",
      "Paste the article text.",
      "Enter a full URL starting with http:// or https://",
      "Enter the date as YYYY-MM-DD",
    ]) {
      expect(response.text).toContain(message);
    }
    expect(response.text).toContain('value="Kept Outlet"');
  });

  it("refuses the same URL twice (409) and links to the article already there", async () => {
    const response = await paste(adminAgent, {
      title: "Again",
      body: "Different text.",
      url: "https://example.org/pasted",
    });
    expect(response.status).toBe(409);
    expect(response.text).toContain("An article with this URL is already in the project.");
    const existing = await articleNamed("Pasted piece");
    expect(response.text).toContain(`href="/articles/${existing.id}"`);
  });
});

describe("uploading files", () => {
  it("imports .txt (first line as title) and .html (clean paragraphs) files together", async () => {
    const html = `<html><head><title>Ceasefire holds</title><style>body{}</style>
      <script>var secret = 1;</script></head><body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
      <h1>Ceasefire holds</h1><p>The ceasefire held overnight, <a href="https://x.example/">officials</a> said.</p>
      <p>Shelling stopped at dawn. Residents returned.</p></body></html>`;
    const response = await upload(
      adminAgent,
      [
        ["report.txt", "Text file title\n\nThe body of the text file. It has two sentences."],
        ["page.html", html],
        ["notes.pdf", "%PDF"],
        ["empty.txt", "Only a title"],
      ],
      { outlet: "Wire" },
    );
    expect(response.status).toBe(200);
    const results = response.body.results as { file: string; status: string; message?: string }[];
    expect(results.map((r) => [r.file, r.status])).toEqual([
      ["report.txt", "imported"],
      ["page.html", "imported"],
      ["notes.pdf", "invalid"],
      ["empty.txt", "invalid"],
    ]);
    expect(results[2]!.message).toContain("only .txt and .html");
    expect(results[3]!.message).toContain("no article text");

    const text = await articleNamed("Text file title");
    expect(text.body).toBe("The body of the text file. It has two sentences.");
    expect(text.outlet).toBe("Wire");
    expect(text.sentences).toHaveLength(2);

    const page = await articleNamed("Ceasefire holds");
    expect(page.body).toBe(
      "Ceasefire holds\n\nThe ceasefire held overnight, officials said.\n\nShelling stopped at dawn. Residents returned.",
    );
    const index = new CodePointIndex(page.body);
    const sentences = [...page.sentences]
      .sort((a, b) => a.index - b.index)
      .map((s) => index.slice(s.start, s.end));
    expect(sentences).toEqual([
      "Ceasefire holds",
      "The ceasefire held overnight, officials said.",
      "Shelling stopped at dawn.",
      "Residents returned.",
    ]);

    const again = await upload(adminAgent, [["page.html", html]]);
    expect(again.body.results[0]).toMatchObject({ status: "duplicate", articleId: page.id });
  });

  it("refuses files that are not text, each with its own message, and imports the rest", async () => {
    // 2,000 bytes of a fixed pseudo-random sequence: what a mislabelled binary file looks like.
    let seed = 7;
    const random = Buffer.from(
      Array.from({ length: 2000 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256),
    );
    const controls = `Title\n\n${"\u0001\u0002\u0003 abc ".repeat(200)}`;
    const cp1252 = Buffer.from([
      ...Buffer.from("Caf", "latin1"),
      0xe9,
      ...Buffer.from(" news\n\nThe caf", "latin1"),
      0xe9,
      ...Buffer.from(" reopened on Monday, its owner said.", "latin1"),
    ]);
    let request = adminAgent
      .post(`${base()}/upload`)
      .set("X-CSRF-Token", await tokenFor(adminAgent))
      .set("Accept", "application/json");
    request = request
      .attach("files", random, "random.txt")
      .attach("files", Buffer.from(controls), "controls.txt")
      // UTF-16 without its byte-order mark: every other byte a NUL.
      .attach(
        "files",
        Buffer.from("Wide title\n\nText saved as UTF-16 without a mark.", "utf16le"),
        "wide.txt",
      )
      .attach("files", cp1252, "windows.txt")
      .attach("files", Buffer.from("Good file\n\nThe harbour reopened, officials said."), "good.txt");
    const response = await request.expect(200);
    const results = response.body.results as { file: string; status: string; message?: string }[];
    expect(results.map((r) => [r.file, r.status])).toEqual([
      ["random.txt", "invalid"],
      ["controls.txt", "invalid"],
      ["wide.txt", "invalid"],
      ["windows.txt", "imported"],
      ["good.txt", "imported"],
    ]);
    for (const refused of results.slice(0, 3)) expect(refused.message).toMatch(/not text|binary/);
    expect((await articleNamed("Café news")).body).toBe("The café reopened on Monday, its owner said.");
  });

  it("explains an upload without files, or a typed title for several files (422 JSON)", async () => {
    const none = await upload(adminAgent, [], { outlet: "x" });
    expect(none.status).toBe(422);
    expect(none.body.error.message).toContain("Choose at least one .txt or .html file.");
    const titled = await upload(
      adminAgent,
      [
        ["a.txt", "A\nbody a"],
        ["b.txt", "B\nbody b"],
      ],
      { title: "One title" },
    );
    expect(titled.status).toBe(422);
    expect(titled.body.error.message).toContain("Leave Title empty");
  });

  it("refuses a file over 5 MB with a message naming it", async () => {
    const big = "Big title\n" + "x".repeat(5 * 1024 * 1024);
    const response = await upload(adminAgent, [["big.txt", big]]);
    expect(response.status).toBe(422);
    expect(response.body.error.message).toBe(
      "“big.txt” is larger than 5 MB. Upload files of at most 5 MB each.",
    );
    expect(await app.db.prisma.article.count({ where: { projectId, title: "Big title" } })).toBe(0);
  });

  it("needs the CSRF header", async () => {
    const response = await adminAgent
      .post(`${base()}/upload`)
      .set("Accept", "application/json")
      .attach("files", Buffer.from("T\nbody"), "x.txt");
    expect(response.status).toBe(403);
  });
});

describe("bulk import from JSON Lines", () => {
  const line = (fields: Record<string, unknown>) => JSON.stringify(fields);
  const file = [
    line({
      title: "Bulk A",
      body: "Alpha text. It is good.",
      url: "https://example.org/a",
      publishedAt: "2020-10-01",
    }),
    '{"title": "Broken", "body": ',
    line({ title: "No body", outlet: "Somewhere" }),
    line({ title: "Bulk B", body: "Beta text.", url: "https://example.org/b" }),
    line({ title: "Same URL as A", body: "Other text.", url: "https://example.org/a" }),
    line({ title: "Same body as B", body: "Beta text.\n" }),
    "",
    line({ title: "Bulk C", body: "Gamma text.", language: "de" }),
  ].join("\n");

  it("streams a report per line: good lines imported, bad ones explained, duplicates refused", async () => {
    const { response, events } = await bulk(adminAgent, file);
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toContain("application/x-ndjson");
    expect(events[0]).toEqual({ total: 7 });
    const byLine = new Map(events.filter((e) => "line" in e).map((e) => [e.line, e]));
    expect([...byLine.keys()]).toEqual([1, 2, 3, 4, 5, 6, 8]);
    expect(byLine.get(1)).toMatchObject({ status: "imported" });
    expect(byLine.get(2)).toMatchObject({
      status: "invalid",
      message: expect.stringMatching(/^not valid JSON: /),
    });
    expect(byLine.get(3)).toMatchObject({ status: "invalid", message: "body: Paste the article text." });
    expect(byLine.get(4)).toMatchObject({ status: "imported" });
    expect(byLine.get(5)).toMatchObject({
      status: "duplicate",
      articleId: byLine.get(1)!.articleId,
      message: "An article with this URL is already in the project: the one from line 1 of this file.",
    });
    expect(byLine.get(6)).toMatchObject({
      status: "duplicate",
      articleId: byLine.get(4)!.articleId,
      message: expect.stringContaining("exactly this text"),
    });
    expect(byLine.get(8)).toMatchObject({ status: "imported" });
    expect(events.at(-1)).toEqual({ done: true, imported: 3, duplicates: 2, invalid: 2, total: 7 });

    const titles = (
      await app.db.prisma.article.findMany({ where: { projectId, title: { startsWith: "Bulk" } } })
    )
      .map((a) => a.title)
      .sort();
    expect(titles).toEqual(["Bulk A", "Bulk B", "Bulk C"]);
    expect((await articleNamed("Bulk C")).language).toBe("de");
  });

  it("imports nothing new when the same file comes again", async () => {
    const before = await app.db.prisma.article.count({ where: { projectId } });
    const { events } = await bulk(adminAgent, file);
    expect(events.at(-1)).toEqual({ done: true, imported: 0, duplicates: 5, invalid: 2, total: 7 });
    expect(await app.db.prisma.article.count({ where: { projectId } })).toBe(before);
  });

  it("explains a request without a file", async () => {
    const response = await adminAgent
      .post(`${base()}/bulk`)
      .set("X-CSRF-Token", await tokenFor(adminAgent))
      .set("Accept", "application/json")
      .field("nothing", "here");
    expect(response.status).toBe(422);
    expect(response.body.error.message).toContain("Choose a JSON Lines file");
  });
});

describe("who may import", () => {
  it("gives a non-member annotator 404 and a member without import rights 403", async () => {
    const outsider = await loginAgent(app, (await makeUser(app.db, "annotator")).email);
    const member = await makeUser(app.db, "annotator");
    await app.db.prisma.projectMember.create({ data: { projectId, userId: member.id } });
    const memberAgent = await loginAgent(app, member.email);
    for (const [agent, status] of [
      [outsider, 404],
      [memberAgent, 403],
    ] as const) {
      expect((await agent.get(`${base()}/new`)).status).toBe(status);
      expect((await agent.get(`${base()}/import`)).status).toBe(status);
      const token = await tokenFor(agent);
      const posted = await agent.post(base()).type("form").send({ title: "X", body: "Y", _csrf: token });
      expect(posted.status).toBe(status);
      expect((await upload(agent, [["x.txt", "X\nY"]])).status).toBe(status);
      expect((await bulk(agent, line({ title: "X", body: "Y" }))).response.status).toBe(status);
    }
    expect(await app.db.prisma.article.count({ where: { projectId, title: "X" } })).toBe(0);
  });

  it("lets a member with import rights add articles", async () => {
    const member = await makeUser(app.db, "annotator");
    await app.db.prisma.projectMember.create({ data: { projectId, userId: member.id, canImport: true } });
    const agent = await loginAgent(app, member.email);
    expect((await agent.get(`/projects/${projectId}`)).text).toContain("Add articles");
    const response = await paste(agent, { title: "By a member", body: "Member text." });
    expect(response.status).toBe(302);
    expect((await articleNamed("By a member")).createdById).toBe(member.id);
  });
});

function line(fields: Record<string, unknown>) {
  return JSON.stringify(fields);
}
