import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { loginAgent, makeUser, startTestApp, tokenFor, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
let admin: CurrentUser;
let annotator: CurrentUser;
let researcher: CurrentUser;
let article: Awaited<ReturnType<typeof makeArticle>>;
let otherProjectArticle: Awaited<ReturnType<typeof makeArticle>>;
const tokens: Record<string, string> = {};

const QUOTE =
  "Hajiyev stressed that the international community's support is the result of long-term activities.";

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin");
  annotator = await makeUser(app.db, "annotator");
  researcher = await makeUser(app.db, "researcher");
  const project = await makeProject(app.db, admin, [annotator]);
  article = await makeArticle(app.db, admin, project.id);
  otherProjectArticle = await makeArticle(app.db, admin, (await makeProject(app.db, admin)).id);
  await app.db.prisma.stanceLabel.updateMany({
    where: { projectId: project.id, key: "unclear" },
    data: { retired: true },
  });
  tokens.annotator = (await createApiToken(app.db.prisma, annotator.id, "bulk", "write")).token;
  tokens.read = (await createApiToken(app.db.prisma, annotator.id, "read", "read")).token;
  tokens.researcher = (await createApiToken(app.db.prisma, researcher.id, "r", "write")).token;
});
afterAll(() => app.close());

interface Report {
  lines: Record<string, unknown>[];
  summary: Record<string, unknown>;
}

async function bulk(
  body: string | Uint8Array,
  options: { mode?: string; token?: string; type?: string } = {},
) {
  const response = await fetch(
    `${app.url}/api/v1/claims/bulk${options.mode ? `?mode=${options.mode}` : ""}`,
    {
      method: "POST",
      headers: {
        authorization: `Bearer ${options.token ?? tokens.annotator}`,
        "content-type": options.type ?? "application/x-ndjson",
        accept: "application/json",
      },
      body,
    },
  );
  const text = await response.text();
  return { status: response.status, text };
}

async function report(body: string | Uint8Array, mode?: string): Promise<Report> {
  const answer = await bulk(body, { mode });
  expect(answer.status).toBe(200);
  const parsed = answer.text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const last = parsed.pop()!;
  expect(last).toHaveProperty("summary");
  return { lines: parsed, summary: last.summary as Record<string, unknown> };
}

const jsonl = (claims: object[]) => claims.map((claim) => JSON.stringify(claim)).join("\n") + "\n";

function claimOf(quote: string, extra: object = {}, on = article) {
  return { articleId: on.id, ...spanOf(on.body, quote), quote, type: "indirect", ...extra };
}

describe("bulk claims: storing", () => {
  it("stores every line, names one new speaker once, and answers ids in line order", async () => {
    const speaker = { name: "Bulk Speaker Alpha", role: "Minister" };
    const lines = [
      claimOf(QUOTE, { speaker, speakerMention: spanOf(article.body, "Hajiyev"), stance: "favor" }),
      claimOf("Fans cheered.", { type: "outlet" }),
      claimOf("BAKU", { speaker: { name: "bulk speaker alpha" }, target: "armenia", note: "n" }),
    ];
    const { lines: reports, summary } = await report(jsonl(lines));
    expect(summary).toMatchObject({
      mode: "all",
      lines: 3,
      valid: 3,
      invalid: 0,
      stored: 3,
      committed: true,
    });
    expect(reports.map((entry) => entry.line)).toEqual([1, 2, 3]);
    const ids = reports.map((entry) => entry.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const speakers = await app.db.prisma.speaker.findMany({
      where: { name: { in: ["Bulk Speaker Alpha"] } },
    });
    expect(speakers).toHaveLength(1);
    const stored = await app.db.prisma.claim.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    expect(stored.map((claim) => claim.quote)).toEqual([QUOTE, "Fans cheered.", "BAKU"]);
    expect(stored[2]!.speakerId).toBe(speakers[0]!.id);
    const audit = await app.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "claim.bulk_create", subjectId: `${ids[0]}-${ids[2]}` },
    });
    expect(audit.after).toEqual({ via: "bulk upload", count: 3, ids });
    expect(stored[2]!.note).toBe("n");
  });

  it("stores the same claim as the single route does, with an audit entry for the batch", async () => {
    const claim = claimOf(QUOTE, {
      speaker: { name: "Audit Twin" },
      speakerMention: spanOf(article.body, "Hajiyev"),
      cue: spanOf(article.body, "stressed"),
      stance: "against",
      target: "ceasefire",
      note: "twin",
    });
    const { lines } = await report(jsonl([claim]));
    const bulkId = lines[0]!.id as number;
    const agent = await loginAgent(app, annotator.email);
    const { articleId, ...body } = claim;
    const single = await agent
      .post(`/api/v1/articles/${articleId}/claims`)
      .set("X-CSRF-Token", await tokenFor(agent))
      .set("Accept", "application/json")
      .send(body);
    expect(single.status).toBe(201);
    // Both read back through the API: every field but the id and the times is the same.
    const shown = await agent.get(`/api/v1/articles/${articleId}`).set("Accept", "application/json");
    expect(shown.status).toBe(200);
    const claims = shown.body.claims as Record<string, unknown>[];
    const byId = (id: number) => claims.find((entry) => entry.id === id)!;
    const differing = ["id", "createdAt", "updatedAt"];
    const without = (value: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(value).filter(([key]) => !differing.includes(key)));
    expect(without(byId(bulkId))).toEqual(without(byId(single.body.id as number)));
    const audit = await app.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "claim.bulk_create", subjectId: `${bulkId}-${bulkId}` },
    });
    expect(audit).toMatchObject({
      actorId: annotator.id,
      subjectType: "claims",
      after: { count: 1, ids: [bulkId] },
    });
    const row = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: bulkId } });
    expect(audit.createdAt.toISOString()).toBe(row.createdAt.toISOString());
    expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("all-or-nothing by default: one refused line and nothing is stored", async () => {
    const before = await app.db.prisma.claim.count();
    const { lines, summary } = await report(
      jsonl([claimOf("BAKU"), { ...claimOf("BAKU"), quote: "ROME" }, claimOf("Fans cheered.")]),
    );
    expect(summary).toMatchObject({ lines: 3, valid: 2, invalid: 1, stored: 0, committed: false });
    expect(summary.message).toMatch(/Nothing was stored/);
    // Only the refused line is reported: no id is given before the whole upload is stored.
    expect(lines).toEqual([{ line: 2, ok: false, errors: [expect.objectContaining({ field: "quote" })] }]);
    expect(await app.db.prisma.claim.count()).toBe(before);
  });

  it("mode=valid stores the valid lines and reports the others", async () => {
    const { lines, summary } = await report(
      jsonl([claimOf("BAKU"), { ...claimOf("BAKU"), quote: "ROME" }, claimOf("Fans cheered.")]),
      "valid",
    );
    expect(summary).toMatchObject({
      mode: "valid",
      lines: 3,
      valid: 2,
      invalid: 1,
      stored: 2,
      committed: true,
    });
    const ids = [lines[0]!.id, lines[2]!.id] as number[];
    expect(await app.db.prisma.claim.count({ where: { id: { in: ids } } })).toBe(2);
  });

  it("takes CRLF line ends, skips blank lines but keeps their numbers, and a last line without newline", async () => {
    const body = `${JSON.stringify(claimOf("BAKU"))}\r\n\r\n   \n${JSON.stringify(claimOf("Fans cheered."))}`;
    const { lines, summary } = await report(body);
    expect(lines.map((entry) => entry.line)).toEqual([1, 4]);
    expect(summary).toMatchObject({ stored: 2 });
  });

  it("reads an upload sent in pieces cut mid-line, reporting every line once", async () => {
    const count = 2_500;
    const text = jsonl(Array.from({ length: count }, () => claimOf("Fans cheered.")));
    const bytes = new TextEncoder().encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        // Cut at odd places, inside lines and inside multi-byte characters' neighbours.
        for (let at = 0; at < bytes.length; at += 997) controller.enqueue(bytes.slice(at, at + 997));
        controller.close();
      },
    });
    const response = await fetch(`${app.url}/api/v1/claims/bulk?mode=valid`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.annotator}`, "content-type": "application/x-ndjson" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const lines = (await response.text()).trimEnd().split("\n");
    expect(lines).toHaveLength(count + 1);
    expect(JSON.parse(lines.at(-1)!).summary).toMatchObject({ stored: count, invalid: 0 });
  });
});

describe("bulk claims: each line checked exactly as the single route checks it", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["offsets past the body", { start: 5, end: 999_999, quote: "x" }],
    ["an empty span", { start: 5, end: 5, quote: "" }],
    ["a quote that is not the text there", { start: 0, end: 4, quote: "ROME" }],
    ["an unknown stance", { stance: "furious" }],
    ["a retired stance", { stance: "unclear" }],
    ["an unknown target", { target: "Mars" }],
    ["an unknown type", { type: "rumour" }],
    ["a negative offset", { start: -1 }],
    ["a fractional offset", { end: 4.5 }],
    ["an offset past INT4", { end: 2_147_483_648 }],
    ["a speaker id of another project", { speaker: { id: 2_000_000_000 } }],
    ["an empty speaker name", { speaker: { name: "   " } }],
    ["a mention past the body", { speakerMention: { start: 1, end: 999_999 } }],
    ["a cue with end before start", { cue: { start: 9, end: 3 } }],
    ["a note too long", { note: "n".repeat(5001) }],
    ["a NUL in the quote", { quote: "BA\u0000KU" }],
  ];

  it.each(cases)("%s", async (_what, change) => {
    const claim = { ...claimOf("BAKU"), ...change };
    const { articleId, ...body } = claim;
    const agent = await loginAgent(app, annotator.email);
    const single = await agent
      .post(`/api/v1/articles/${articleId as number}/claims`)
      .set("X-CSRF-Token", await tokenFor(agent))
      .set("Accept", "application/json")
      .send(body);
    expect(single.status).toBe(422);
    const { lines } = await report(jsonl([claim]));
    const errors = lines[0]!.errors as { field?: string; message: string }[];
    expect(lines[0]).toMatchObject({ line: 1, ok: false });
    expect(errors.map((problem) => problem.message).join(" ")).toBe(single.body.error.message);
    expect(errors[0]!.field).toBe(single.body.error.field);
  });

  it("an article of a project the user is not in is refused as the single route refuses it (404 there)", async () => {
    const claim = claimOf("BAKU", {}, otherProjectArticle);
    const { lines } = await report(jsonl([claim]));
    expect(lines[0]).toMatchObject({
      ok: false,
      errors: [{ field: "articleId", message: expect.stringMatching(/No such article/) }],
    });
  });

  it("a new name like an existing speaker's is refused on every line naming it until confirmed", async () => {
    await report(jsonl([claimOf("BAKU", { speaker: { name: "Zoë Müller" } })]));
    const { lines, summary } = await report(
      jsonl([
        claimOf("BAKU", { speaker: { name: "Zoe Muller" } }),
        claimOf("Fans cheered.", { speaker: { name: "Zoe Muller" } }),
        claimOf("Fans cheered.", { speaker: { name: "Zoe Muller", confirmNew: true } }),
      ]),
      "valid",
    );
    expect(lines[0]).toMatchObject({
      ok: false,
      errors: [{ field: "speaker", message: /looks like "Zoë Müller"/ }],
    });
    expect(lines[1]).toMatchObject({ ok: false });
    expect(lines[2]).toMatchObject({ ok: true, id: expect.any(Number) });
    expect(summary).toMatchObject({ stored: 1, invalid: 2 });
  });
});

describe("bulk claims: hostile uploads", () => {
  it("reports lines that are not claims, each with what to fix", async () => {
    const tooLong = `{"quote":"${"x".repeat(5 * 1024 * 1024)}"}`;
    const body = Buffer.concat([
      Buffer.from(`not json\n[1,2]\n"text"\n${tooLong}\n`),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]),
      Buffer.from(`{"articleId": 0}\n{"articleId": "1e99"}\n`),
      Buffer.from(`${JSON.stringify(claimOf("BAKU"))}\n`),
    ]);
    const { lines, summary } = await report(body, "valid");
    const messages = lines.map((entry) =>
      (entry.errors as { message: string }[] | undefined)?.map((problem) => problem.message).join(" "),
    );
    expect(messages[0]).toMatch(/not JSON/);
    expect(messages[1]).toMatch(/JSON object/);
    expect(messages[2]).toMatch(/JSON object/);
    expect(messages[3]).toMatch(/bytes, longer than any claim/);
    expect(messages[4]).toMatch(/not valid UTF-8/);
    expect(messages[5]).toMatch(/articleId must be an id/);
    expect(messages[6]).toMatch(/articleId must be an id/);
    expect(lines[7]).toMatchObject({ line: 8, ok: true });
    expect(summary).toMatchObject({ lines: 8, invalid: 7, stored: 1 });
  });

  it.each<[string, { type?: string; mode?: string; token?: string }, number, RegExp]>([
    ["a body that is not JSON Lines", { type: "application/json" }, 415, /JSON Lines/],
    ["an unknown mode", { mode: "some" }, 422, /mode must be "all"/],
    ["a read-only token", { token: "read" }, 403, /read-only/],
    ["a researcher", { token: "researcher" }, 403, /./],
  ])("refuses %s before reading it", async (_what, options, status, message) => {
    const token = options.token ? tokens[options.token] : undefined;
    const answer = await bulk(jsonl([claimOf("BAKU")]), { ...options, token });
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.text).error.message).toMatch(message);
  });

  it("asks a session user for the CSRF token like every other write", async () => {
    const agent = await loginAgent(app, annotator.email);
    const response = await agent
      .post("/api/v1/claims/bulk")
      .set("Content-Type", "application/x-ndjson")
      .set("Accept", "application/json")
      .send(jsonl([claimOf("BAKU")]));
    expect(response.status).toBe(403);
    const ok = await agent
      .post("/api/v1/claims/bulk")
      .set("X-CSRF-Token", await tokenFor(agent))
      .set("Content-Type", "application/x-ndjson")
      .send(jsonl([claimOf("BAKU")]));
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/"committed":true/);
  });
});
