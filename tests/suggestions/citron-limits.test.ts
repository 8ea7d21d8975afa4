import fs from "node:fs";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { suggestAttributions } from "../../src/suggestions/suggest.js";
import {
  EXTERNAL_SUGGESTIONS_PER_ARTICLE_MAX,
  SUGGESTED_CHARACTERS_PER_ARTICLE_MAX,
  SUGGESTIONS_PER_REQUEST_MAX,
} from "../../src/suggestions/suggestions.schema.js";
import { SUGGEST_INLINE_MAX, builtinSuggestions } from "../../src/suggestions/suggestions.service.js";
import { makeProject } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

/** CPU time of this process (app and test) since `since`: steadier than wall time on a busy machine. */
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const SAMPLE = fs.readFileSync("src/demo/sample-article.txt", "utf8").trim();
// "Ann said x." repeated: every sentence's cue, source and content at known offsets.
const SENTENCE = "Ann said yes. ";

interface CitronSpan {
  start: number;
  end: number;
  text: string;
}
const spanAt = (sentence: number, from: number, text: string): CitronSpan => ({
  start: sentence * SENTENCE.length + from,
  end: sentence * SENTENCE.length + from + text.length,
  text,
});
/** A quote of the n-th sentence with `contents` content spans (the same words each time). */
const quote = (n: number, contents: number, source = "Ann") => ({
  cue: spanAt(n, 4, "said"),
  sources: [spanAt(n, 0, "Ann")],
  coreferences: [{ ...spanAt(n, 0, "Ann"), text: source }],
  contents: Array.from({ length: contents }, () => spanAt(n, 9, "yes.")),
});

describe("suggestions per request and per article stay within their limits", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let agent: Agent;
  let token: string;
  let projectId: number;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    projectId = (await makeProject(app.db, admin)).id;
    agent = await loginAgent(app, admin.email);
    token = await tokenFor(agent);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** An article of `sentences` sentences, made directly (no sentence splitting needed here). */
  async function article(body = SENTENCE.repeat(2000)) {
    return app.db.prisma.article.create({
      data: { projectId, title: "Limits", body, bodyHash: randomUUID() },
    });
  }
  const post = (path: string, payload: object) =>
    agent.post(`/api/v1${path}`).set("X-CSRF-Token", token).send(payload);
  const stored = (articleId: number) => app.db.prisma.externalSuggestion.count({ where: { articleId } });

  it("refuses a Citron document of 2,000 quotes × 50 contents (100,000 suggestions) with a 413 naming the limit", async () => {
    const { id } = await article();
    const document = { quotes: Array.from({ length: 2000 }, (_, n) => quote(n, 50)) };
    const cpu = process.cpuUsage();
    const response = await post(`/articles/${id}/suggestions/citron`, { source: "citron", document }).expect(
      413,
    );
    expect(cpuMs(cpu)).toBeLessThan(5_000);
    expect(response.body.error).toMatchObject({
      code: "too_large",
      limit: { name: "suggestionsPerRequest", value: SUGGESTIONS_PER_REQUEST_MAX },
    });
    expect(response.body.error.message).toContain("makes 100,000 suggestions");
    expect(response.body.error.message).toContain(
      "Split document.quotes into parts of at most 2,000 contents",
    );
    expect(await stored(id)).toBe(0);
  });

  it("stores exactly 2,000 after expansion, and refuses 2,001 (Citron or plain)", async () => {
    const { id } = await article();
    const document = { quotes: Array.from({ length: 40 }, (_, n) => quote(n, 50)) };
    const ok = await post(`/articles/${id}/suggestions/citron`, { source: "citron", document }).expect(201);
    expect(ok.body).toMatchObject({ stored: 2000 });
    document.quotes.push(quote(40, 1));
    const over = await post(`/articles/${id}/suggestions/citron`, { source: "citron", document }).expect(413);
    expect(over.body.error.message).toContain("makes 2,001 suggestions");
    expect(await stored(id)).toBe(2000);

    const plain = Array.from({ length: 2001 }, (_, n) => ({
      ...spanAt(n % 2000, 9, "yes."),
      quote: "yes.",
      type: "direct",
    }));
    const refused = await post(`/articles/${id}/suggestions`, { source: "m", suggestions: plain }).expect(
      413,
    );
    expect(refused.body.error.limit).toEqual({ name: "suggestionsPerRequest", value: 2000 });
    expect(refused.body.error.message).toContain('"replace": false');
  });

  it("stores every field of a suggestion, in the order sent", async () => {
    const { id } = await article();
    const speaker = await app.db.prisma.speaker.create({ data: { projectId, name: "Ann Example" } });
    const sent = [
      {
        ...spanAt(1, 9, "yes."),
        quote: "yes.",
        type: "indirect",
        speaker: { name: "Ann", role: "mayor", affiliation: "City" },
        speakerMention: { start: SENTENCE.length, end: SENTENCE.length + 3 },
        cue: { start: SENTENCE.length + 4, end: SENTENCE.length + 8 },
        confidence: 0.25,
      },
      { ...spanAt(0, 9, "yes."), quote: "yes.", type: "direct", speaker: { id: speaker.id } },
    ];
    await post(`/articles/${id}/suggestions`, { source: "m", suggestions: sent }).expect(201);
    const rows = await app.db.prisma.externalSuggestion.findMany({
      where: { articleId: id },
      orderBy: { id: "asc" },
    });
    expect(rows.map(({ id: _id, createdAt: _at, ...row }) => row)).toEqual([
      {
        articleId: id,
        source: "m",
        start: SENTENCE.length + 9,
        end: SENTENCE.length + 13,
        quote: "yes.",
        type: "indirect",
        speakerId: null,
        speakerName: "Ann",
        speakerRole: "mayor",
        speakerAffiliation: "City",
        mentionStart: SENTENCE.length,
        mentionEnd: SENTENCE.length + 3,
        cueStart: SENTENCE.length + 4,
        cueEnd: SENTENCE.length + 8,
        confidence: 0.25,
        createdById: admin.id,
      },
      {
        articleId: id,
        source: "m",
        start: 9,
        end: 13,
        quote: "yes.",
        type: "direct",
        speakerId: speaker.id,
        speakerName: null,
        speakerRole: null,
        speakerAffiliation: null,
        mentionStart: null,
        mentionEnd: null,
        cueStart: null,
        cueEnd: null,
        confidence: null,
        createdById: admin.id,
      },
    ]);
  });

  it("keeps at most 5,000 external suggestions per article, however many requests add to them", async () => {
    const { id } = await article();
    const part = (from: number) => ({
      quotes: Array.from({ length: 40 }, (_, n) => quote(from + n, 50)),
    });
    await post(`/articles/${id}/suggestions/citron`, { source: "a", document: part(0) }).expect(201);
    await post(`/articles/${id}/suggestions/citron`, {
      source: "a",
      replace: false,
      document: part(40),
    }).expect(201);
    const third = await post(`/articles/${id}/suggestions/citron`, {
      source: "b",
      document: part(80),
    }).expect(413);
    expect(third.body.error.limit).toEqual({
      name: "externalSuggestionsPerArticle",
      value: EXTERNAL_SUGGESTIONS_PER_ARTICLE_MAX,
    });
    expect(third.body.error.message).toContain("already has 4,000 external suggestions from other sources");
    expect(await stored(id)).toBe(4000);
    // Up to the limit exactly.
    const half = { quotes: Array.from({ length: 20 }, (_, n) => quote(80 + n, 50)) };
    await post(`/articles/${id}/suggestions/citron`, { source: "b", document: half }).expect(201);
    expect(await stored(id)).toBe(EXTERNAL_SUGGESTIONS_PER_ARTICLE_MAX);

    // What the workspace then loads: every suggestion, and no more than the limit allows.
    const response = await agent.get(`/api/v1/articles/${id}/suggestions?for=me`).expect(200);
    const external = response.body.suggestions.filter((s: { source: string }) => s.source !== "built-in");
    expect(external).toHaveLength(EXTERNAL_SUGGESTIONS_PER_ARTICLE_MAX);
    expect(response.text.length).toBeLessThan(5_000_000);

    // Replacing a source's suggestions frees their room.
    await post(`/articles/${id}/suggestions/citron`, { source: "a", document: part(0) }).expect(201);
    expect(await stored(id)).toBe(3000);
  }, 90_000);

  it("keeps the characters an article's suggestions span within 2,000,000, cues and mentions included", async () => {
    const body = SENTENCE.repeat(100); // 1,400 characters
    const { id } = await article(body);
    // A 4-character quote whose cue is the whole article: small to send, large to load.
    const suggestion = {
      ...spanAt(0, 9, "yes."),
      quote: "yes.",
      type: "direct",
      cue: { start: 0, end: body.length },
    };
    const perRequest = 1000;
    const requests = Math.floor(SUGGESTED_CHARACTERS_PER_ARTICLE_MAX / (perRequest * (body.length + 4)));
    for (let r = 0; r < requests; r++) {
      await post(`/articles/${id}/suggestions`, {
        source: `model ${r}`,
        suggestions: Array.from({ length: perRequest }, () => suggestion),
      }).expect(201);
    }
    const refused = await post(`/articles/${id}/suggestions`, {
      source: "one more",
      suggestions: Array.from({ length: perRequest }, () => suggestion),
    }).expect(413);
    expect(refused.body.error.limit).toEqual({
      name: "suggestedCharactersPerArticle",
      value: SUGGESTED_CHARACTERS_PER_ARTICLE_MAX,
    });
    expect(refused.body.error.message).toContain("span at most 2,000,000");
    expect(await stored(id)).toBe(requests * perRequest);
  });

  it("refuses quotes that do not fit their span quickly, even when the span is a whole long article", async () => {
    const body = SENTENCE.repeat(70_000); // 980,000 characters
    const { id } = await article(body);
    const cpu = process.cpuUsage();
    const response = await post(`/articles/${id}/suggestions`, {
      source: "m",
      suggestions: Array.from({ length: 2000 }, () => ({
        start: 0,
        end: body.length,
        quote: "x",
        type: "direct",
      })),
    }).expect(422);
    // Without the length check first: 148 s, quoting back 2,000 spans of 980,000 characters.
    expect(cpuMs(cpu)).toBeLessThan(5_000);
    expect(response.body.error.message).toContain(
      "Suggestion 1: quote does not match the article text at 0..980000: the quote has 1 characters, the span 980000.",
    );
  });

  it("names a speaker only from a source or coreference a speaker's name can be (200 characters)", async () => {
    const long = `Ann ${"and her colleagues ".repeat(12)}`.trim();
    const body = `${long} said yes. Ann said yes.`;
    const { id } = await article(body);
    const at = (text: string, from = 0) => {
      const start = body.indexOf(text, from);
      return { start, end: start + text.length, text };
    };
    const document = {
      quotes: [
        { cue: at("said"), sources: [at(long)], contents: [at("yes.")] },
        {
          cue: at("said", body.indexOf("Ann said")),
          sources: [at("Ann", long.length)],
          coreferences: [at(long)],
          contents: [at("yes.", long.length + 10)],
        },
      ],
    };
    expect(long.length).toBeGreaterThan(200);
    await post(`/articles/${id}/suggestions/citron`, { source: "citron", document }).expect(201);
    const rows = await app.db.prisma.externalSuggestion.findMany({
      where: { articleId: id },
      orderBy: { start: "asc" },
    });
    expect(rows.map((row) => [row.speakerName, row.mentionEnd! - row.mentionStart!])).toEqual([
      [null, long.length],
      [null, 3],
    ]);
  });

  it("runs the built-in suggester over long articles in a worker thread, with the registry's speakers", async () => {
    let body = "";
    while (body.length <= SUGGEST_INLINE_MAX) body += `${SAMPLE}\n\n`;
    const { id } = await article(body);
    const hajiyev = await app.db.prisma.speaker.create({
      data: { projectId, name: "Hikmat Hajiyev", aliases: ["Hajiyev"] },
    });
    const response = await agent.get(`/api/v1/articles/${id}/suggestions`).expect(200);
    const builtin = response.body.suggestions.filter((s: { source: string }) => s.source === "built-in");
    const expected = suggestAttributions(body, [
      { id: hajiyev.id, name: hajiyev.name, aliases: hajiyev.aliases },
    ]);
    expect(builtin.length).toBe(expected.length);
    expect(
      // The target is the service's proposal from the project's targets (target-proposal.test.ts).
      builtin.map(
        ({ key: _k, source: _s, speakerName: _n, target: _t, ...rest }: Record<string, unknown>) => rest,
      ),
    ).toEqual(expected);
    expect(
      builtin.some((s: { speaker: unknown }) => JSON.stringify(s.speaker) === `{"id":${hajiyev.id}}`),
    ).toBe(true);

    // A 200,000-character article: this thread keeps turning while the worker reads it (on this
    // thread the suggestions would be ready before any timer could fire).
    let long = "";
    while (long.length < 200_000) long += `${SAMPLE}\n\n`;
    let turns = 0;
    const timer = setInterval(() => (turns += 1), 1);
    const found = await builtinSuggestions(long, []);
    clearInterval(timer);
    expect(turns).toBeGreaterThan(5);
    expect(found).toEqual(suggestAttributions(long));
  });
});
