// Hostile import lines and uploads: each bad line or file is reported on its own, the import goes
// on with the next, and nothing is ever stopped "on a server error".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProject } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

let app: TestApp;
let agent: Agent;
let projectId: number;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await makeUser(app.db, "admin");
  agent = await loginAgent(app, admin.email);
  projectId = (await makeProject(app.db, admin)).id;
});
afterAll(() => app.close());

const good = (n: number) => JSON.stringify({ title: `Good ${n}`, body: `Good article ${n} says hello.` });

/** Bad lines, each with the field its report must name (or a word of the message). */
const badLines: [string, string, string][] = [
  ["not JSON", "{title: nope}", "not valid JSON"],
  ["a JSON array", "[1, 2, 3]", "one JSON object"],
  ["a JSON string", '"just text"', "one JSON object"],
  ["null", "null", "one JSON object"],
  ["no body", JSON.stringify({ title: "T" }), "body"],
  ["a NUL in the title", JSON.stringify({ title: "T\u0000", body: "x" }), "title"],
  ["a NUL in the outlet", JSON.stringify({ title: "T", body: "x", outlet: "\u0000" }), "outlet"],
  ["an invisible body", JSON.stringify({ title: "T", body: "\u200b\u200b" }), "body"],
  ["an invisible title", JSON.stringify({ title: "\u2060", body: "x" }), "title"],
  ["Feb 30", JSON.stringify({ title: "T", body: "x", publishedAt: "2024-02-30" }), "publishedAt"],
  ["year 0", JSON.stringify({ title: "T", body: "x", publishedAt: "0000-01-01" }), "publishedAt"],
  ["year 10000", JSON.stringify({ title: "T", body: "x", publishedAt: "10000-01-01" }), "publishedAt"],
  ["a javascript: URL", JSON.stringify({ title: "T", body: "x", url: "javascript:alert(1)" }), "url"],
  ["a file: URL", JSON.stringify({ title: "T", body: "x", url: "file:///etc/passwd" }), "url"],
  ["a number as title", JSON.stringify({ title: 42, body: "x" }), "title"],
  ["a bad language", JSON.stringify({ title: "T", body: "x", language: "English!" }), "language"],
  ["a huge title", JSON.stringify({ title: "T".repeat(501), body: "x" }), "title"],
  ["deep nesting", `${"[".repeat(5000)}${"]".repeat(5000)}`, "one JSON object"],
  ["a lone surrogate only", JSON.stringify({ title: "T", body: "\ud800" }), "body"],
  ["bytes that are not UTF-8 in a title", "INVALID_UTF8", "UTF-8"],
];

/** The bytes of a line; one holds 0xFF, which UTF-8 never uses, inside an otherwise good object. */
function lineBytes(line: string): Buffer {
  if (line !== "INVALID_UTF8") return Buffer.from(line, "utf8");
  return Buffer.concat([Buffer.from('{"title": "T'), Buffer.from([0xff]), Buffer.from('", "body": "x"}')]);
}

describe("a JSON Lines import with a bad line of every kind", () => {
  let events: Record<string, unknown>[];
  beforeAll(async () => {
    const lines = [good(1), ...badLines.map(([, line]) => line), good(2)].map(lineBytes);
    const response = await agent
      .post(`/projects/${projectId}/articles/bulk`)
      .set("X-CSRF-Token", await tokenFor(agent))
      .attach("file", Buffer.concat(lines.flatMap((line) => [line, Buffer.from("\n")])), "hostile.jsonl");
    expect(response.status).toBe(200);
    events = response.text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  });

  it.each(badLines.map(([label, , word], index) => [label, index + 2, word] as const))(
    "reports %s (line %i) and goes on",
    (_label, line, word) => {
      const report = events.find((event) => event.line === line);
      expect(report?.status).toBe("invalid");
      expect(String(report?.message)).toContain(word);
    },
  );

  it("imports the good lines before and after the bad ones and never reports a server error", () => {
    expect(events.filter((event) => event.status === "imported").map((event) => event.line)).toEqual([
      1,
      badLines.length + 2,
    ]);
    expect(events.at(-1)).toMatchObject({ done: true, imported: 2, invalid: badLines.length });
    expect(events.some((event) => "error" in event)).toBe(false);
  });
});

describe("an upload with one bad file among good ones", () => {
  const badFiles: [string, string, Buffer][] = [
    ["an unknown extension", "notes.docx", Buffer.from("PK\u0003\u0004")],
    ["an empty text file", "empty.txt", Buffer.from("")],
    [
      "an HTML page without text",
      "blank.html",
      Buffer.from("<html><body><script>x()</script></body></html>"),
    ],
    ["a text file of invisible characters", "zw.txt", Buffer.from("Title\n\u200b\u200b\u200b")],
    ["a text file whose title has a NUL", "nul.txt", Buffer.from("Ti\u0000tle\nSome body text.")],
  ];
  it.each(badFiles)("reports %s and imports the others", async (_label, name, bytes) => {
    const stamp = Math.random().toString(36).slice(2);
    const response = await agent
      .post(`/projects/${projectId}/articles/upload`)
      .set("X-CSRF-Token", await tokenFor(agent))
      .attach("files", Buffer.from(`First ${stamp}\nThe first file's text ${stamp}.`), "first.txt")
      .attach("files", bytes, name)
      .attach(
        "files",
        Buffer.from(`<title>Third ${stamp}</title><p>The third file's text ${stamp}.</p>`),
        "third.html",
      );
    expect(response.status).toBe(200);
    const results = response.body.results as { file: string; status: string; message?: string }[];
    expect(results.map((result) => result.status)).toEqual(["imported", "invalid", "imported"]);
    expect(results[1]!.message).toBeTruthy();
  });

  it("reads a UTF-16 text file (Windows Notepad's Unicode) and drops NULs from an article body", async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from("Notepad title\nCafé text here.", "utf16le"),
    ]);
    const withNul = Buffer.from("Body with NUL\nBefore\u0000after.");
    const response = await agent
      .post(`/projects/${projectId}/articles/upload`)
      .set("X-CSRF-Token", await tokenFor(agent))
      .attach("files", utf16, "notepad.txt")
      .attach("files", withNul, "nul-body.txt");
    expect(response.body.results.map((result: { status: string }) => result.status)).toEqual([
      "imported",
      "imported",
    ]);
    const [first, second] = response.body.results as { articleId: number }[];
    const stored = await app.db.prisma.article.findMany({
      where: { id: { in: [first!.articleId, second!.articleId] } },
    });
    expect(stored.map((article) => article.title).sort()).toEqual(["Body with NUL", "Notepad title"]);
    expect(stored.find((article) => article.title === "Body with NUL")!.body).toBe("Beforeafter.");
  });
});
