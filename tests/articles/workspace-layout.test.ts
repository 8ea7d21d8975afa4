import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { layoutSegments, type LayoutSpan } from "../../src/text/highlight-layout.js";
import { snapToSentences } from "../../src/text/sentence-snap.js";
import { sentenceSpansInCodePoints } from "../../src/text/sentences.js";
import { CodePointIndex, codePointLength } from "../../src/text/code-points.js";
import { layerOptions, layoutParagraphs, scriptJson } from "../../src/articles/workspace.present.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeArticle, makeProject, SAMPLE_BODY, spanOf } from "../helpers/factories.js";
import { loginAgent, makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

const ids = (segments: ReturnType<typeof layoutSegments>) =>
  segments.map((segment) => [segment.start, segment.end, [...segment.ids]]);

/** Obviously correct and quadratic: every covering span, per code point, merged into runs. */
function referenceLayout(length: number, cuts: number[], spans: LayoutSpan[]) {
  const ordered = spans
    .map((span, order) => ({ ...span, order }))
    .filter((span) => span.end > span.start)
    .sort((a, b) => a.start - b.start || b.end - a.end || a.order - b.order);
  const bounds = new Set([0, length, ...cuts, ...ordered.flatMap((span) => [span.start, span.end])]);
  const points = [...bounds].filter((point) => point >= 0 && point <= length).sort((a, b) => a - b);
  return points.slice(0, -1).map((start, i) => {
    const end = points[i + 1]!;
    return [
      start,
      end,
      ordered.filter((span) => span.start <= start && span.end >= end).map((span) => span.id),
    ];
  });
}

describe("layoutSegments: highlights as segments between boundaries", () => {
  it("splits overlapping claims into three runs, the middle one covered by both", () => {
    const segments = layoutSegments(
      20,
      [],
      [
        { id: 1, start: 0, end: 10 },
        { id: 2, start: 5, end: 15 },
      ],
    );
    expect(ids(segments)).toEqual([
      [0, 5, [1]],
      [5, 10, [1, 2]],
      [10, 15, [2]],
      [15, 20, []],
    ]);
  });

  it("lists a nested claim last, so it is the innermost one", () => {
    const segments = layoutSegments(
      20,
      [],
      [
        { id: 7, start: 5, end: 10 },
        { id: 3, start: 0, end: 20 },
      ],
    );
    expect(ids(segments)).toEqual([
      [0, 5, [3]],
      [5, 10, [3, 7]],
      [10, 20, [3]],
    ]);
  });

  it("keeps identical spans together in one segment, and claims that touch apart", () => {
    const segments = layoutSegments(
      12,
      [],
      [
        { id: 1, start: 2, end: 6 },
        { id: 2, start: 2, end: 6 },
        { id: 3, start: 6, end: 9 },
      ],
    );
    expect(ids(segments)).toEqual([
      [0, 2, []],
      [2, 6, [1, 2]],
      [6, 9, [3]],
      [9, 12, []],
    ]);
  });

  it("cuts at sentence boundaries too, so every segment stays inside one sentence", () => {
    const segments = layoutSegments(30, [0, 10, 11, 20, 21, 30], [{ id: 1, start: 4, end: 25 }]);
    expect(ids(segments)).toEqual([
      [0, 4, []],
      [4, 10, [1]],
      [10, 11, [1]],
      [11, 20, [1]],
      [20, 21, [1]],
      [21, 25, [1]],
      [25, 30, []],
    ]);
  });

  it("ignores empty spans and clamps spans to the text", () => {
    const segments = layoutSegments(
      10,
      [],
      [
        { id: 1, start: 4, end: 4 },
        { id: 2, start: -3, end: 3 },
        { id: 3, start: 8, end: 99 },
      ],
    );
    expect(ids(segments)).toEqual([
      [0, 3, [2]],
      [3, 8, []],
      [8, 10, [3]],
    ]);
  });

  it("agrees with a brute-force layout on random overlapping, nested and identical spans", () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let round = 0; round < 200; round += 1) {
      const length = 1 + random(60);
      const spans: LayoutSpan[] = [];
      const count = random(12);
      for (let id = 1; id <= count; id += 1) {
        const start = random(length + 1);
        spans.push({ id, start, end: start + random(length + 1 - start) });
        if (random(4) === 0) spans.push({ id: `copy${id}`, start, end: spans[spans.length - 1]!.end });
      }
      const cuts = Array.from({ length: random(5) }, () => random(length + 1));
      expect(ids(layoutSegments(length, cuts, spans))).toEqual(referenceLayout(length, cuts, spans));
    }
  });

  it("lays out 1,000 claims over a 10,000-word text well under 200 ms", () => {
    const words = Array.from({ length: 10_000 }, (_, i) => (i % 97 === 0 ? "naïve🎉" : `word${i % 13}`));
    const body = words.join(" ");
    const length = codePointLength(body);
    const sentenceCuts: number[] = [];
    for (let at = 0; at < length; at += 120) sentenceCuts.push(at, Math.min(length, at + 118));
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const claims = Array.from({ length: 1_000 }, (_, i) => {
      const start = random(length - 400);
      return { id: i + 1, start, end: start + 1 + random(400) };
    });
    const started = performance.now();
    const segments = layoutSegments(length, sentenceCuts, claims);
    const elapsed = performance.now() - started;
    expect(segments[0]!.start).toBe(0);
    expect(segments[segments.length - 1]!.end).toBe(length);
    for (let i = 1; i < segments.length; i += 1) expect(segments[i]!.start).toBe(segments[i - 1]!.end);
    expect(elapsed).toBeLessThan(200);
    console.info(
      `layoutSegments: 1,000 claims, 10,000 words, ${segments.length} segments in ${elapsed.toFixed(1)} ms`,
    );
  });
});

describe("code points, one definition for the server and the page script", () => {
  const body = "Fans 🎉 cheered. Naïve 👩‍👩‍👧 too.";

  it("counts code points, and maps them to UTF-16 indices and back", () => {
    const index = new CodePointIndex(body);
    expect(index.length).toBe(Array.from(body).length);
    expect(codePointLength(body)).toBe(Array.from(body).length);
    let utf16 = 0;
    Array.from(body).forEach((point, cp) => {
      expect(index.toUtf16(cp)).toBe(utf16);
      expect(index.toCodePoint(utf16)).toBe(cp);
      utf16 += point.length;
    });
    expect(index.toUtf16(index.length)).toBe(body.length);
    expect(() => index.toUtf16(index.length + 1)).toThrow(RangeError);
  });

  it("slices a claim after an emoji by its code-point offsets", () => {
    const index = new CodePointIndex(body);
    const { start, end } = spanOf(body, "cheered.");
    const [segment] = layoutSegments(index.length, [], [{ id: 1, start, end }]).filter(
      (candidate) => candidate.ids.length,
    );
    expect(index.slice(segment!.start, segment!.end)).toBe("cheered.");
    const family = spanOf(body, "👩‍👩‍👧");
    expect(index.slice(family.start, family.end)).toBe("👩‍👩‍👧");
  });
});

describe("snapToSentences: a mouse selection grows to whole sentences", () => {
  const sentences = [
    { start: 0, end: 10 },
    { start: 11, end: 25 },
    { start: 27, end: 40 },
  ];

  it("gives A..B for a selection from the middle of A into the middle of B", () => {
    expect(snapToSentences(sentences, 4, 15)).toEqual({ start: 0, end: 25, first: 0, last: 1 });
  });

  it("does not take a sentence the selection only touches at a boundary or in the gap", () => {
    expect(snapToSentences(sentences, 10, 26)).toEqual({ start: 11, end: 25, first: 1, last: 1 });
    expect(snapToSentences(sentences, 25, 27)).toBeNull();
    expect(snapToSentences(sentences, 3, 3)).toBeNull();
  });
});

describe("layoutParagraphs: the body as paragraphs of whole sentences", () => {
  const sentencesOf = (body: string) => sentenceSpansInCodePoints(new CodePointIndex(body));

  it("splits on blank lines, keeps each sentence whole, and gives the body back exactly", () => {
    const body = `${SAMPLE_BODY}\n\nLast one. With two 🎉 sentences.`;
    const sentences = sentencesOf(body);
    const paragraphs = layoutParagraphs(body, sentences);
    expect(paragraphs).toHaveLength(4);
    const rebuilt = paragraphs.map((p) => p.before + p.pieces.map((piece) => piece.text).join("")).join("");
    expect(rebuilt).toBe(body);
    const inOrder = paragraphs.flatMap((p) => p.pieces.filter((piece) => piece.kind === "sentence"));
    expect(inOrder.map((piece) => [piece.start, piece.end])).toEqual(sentences.map((s) => [s.start, s.end]));
    expect(inOrder.map((piece) => piece.index)).toEqual(sentences.map((_, i) => i));
    expect(paragraphs[1]!.pieces.map((piece) => piece.kind)).toEqual(["sentence", "gap", "sentence"]);
    expect(paragraphs[1]!.pieces[1]!.text).toBe(" ");
    expect(paragraphs[1]!.before).toBe("\n\n");
  });

  it("does not split a paragraph at a blank line inside a sentence", () => {
    const body = "One two\n\nthree. Four.";
    const paragraphs = layoutParagraphs(body, [
      { start: 0, end: 15 },
      { start: 16, end: 21 },
    ]);
    expect(paragraphs).toHaveLength(1);
    expect(paragraphs[0]!.pieces.map((piece) => piece.text)).toEqual(["One two\n\nthree.", " ", "Four."]);
  });
});

describe("embedded page data", () => {
  it("escapes < so the JSON can never close its script element", () => {
    const json = scriptJson({ body: "</script><script>alert(1)</script><!-- \u2028" });
    expect(json).not.toMatch(/</);
    expect(json).not.toContain("\u2028");
    expect(JSON.parse(json)).toEqual({ body: "</script><script>alert(1)</script><!-- \u2028" });
  });

  it("offers annotators their own layer and everyone's; others each annotator and all", () => {
    expect(layerOptions({ role: "annotator" }, []).map((option) => option.value)).toEqual(["mine", "all"]);
    expect(
      layerOptions({ role: "researcher" }, [
        { id: 4, name: "Ann", claims: 1 },
        { id: 9, name: "Bo", claims: 3 },
      ]),
    ).toEqual([
      { value: "all", label: "All annotators" },
      { value: "4", label: "Ann (1 claim)" },
      { value: "9", label: "Bo (3 claims)" },
    ]);
  });
});

describe("GET /articles/:id, the workspace page", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let outsider: CurrentUser;
  let researcher: CurrentUser;
  let article: Awaited<ReturnType<typeof makeArticle>>;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator", { name: "Ann Notator" });
    outsider = await makeUser(app.db, "annotator");
    researcher = await makeUser(app.db, "researcher");
    const project = await makeProject(app.db, admin, [annotator]);
    article = await makeArticle(
      app.db,
      admin,
      project.id,
      `${SAMPLE_BODY}\n\nA reader wrote "</script><script>alert(1)</script>" in the comments.`,
    );
    const quote = "Fans cheered.";
    await app.db.prisma.claim.create({
      data: {
        articleId: article.id,
        projectId: article.projectId,
        annotatorId: annotator.id,
        ...spanOf(article.body, quote),
        quote,
        prefix: "",
        suffix: "",
        type: "outlet",
      },
    });
  });
  afterAll(() => app.close());

  function pageData(html: string) {
    const match = /<script type="application\/json" id="workspace-data">([^<]*)<\/script>/.exec(html);
    if (!match) throw new Error("no workspace data on the page");
    return JSON.parse(match[1]!);
  }

  it("renders sentences with code-point offsets and embeds the claims, stances, targets and layers", async () => {
    const agent = await loginAgent(app, annotator.email);
    const response = await agent.get(`/articles/${article.id}`);
    expect(response.status).toBe(200);
    const html = response.text;
    const body = Array.from(article.body);
    const spans = [
      ...html.matchAll(/<span class="sentence" data-start="(\d+)" data-end="(\d+)" data-index="(\d+)"/g),
    ];
    expect(spans.length).toBeGreaterThan(3);
    const sentences = await app.db.prisma.sentence.findMany({
      where: { articleId: article.id },
      orderBy: { index: "asc" },
    });
    expect(spans.map((match) => [Number(match[1]), Number(match[2])])).toEqual(
      sentences.map((sentence) => [sentence.start, sentence.end]),
    );
    expect(body.slice(sentences[2]!.start, sentences[2]!.end).join("")).toBe("🎉 Fans cheered.");

    const data = pageData(html);
    expect(data.article).toMatchObject({ id: article.id, projectId: article.projectId, body: article.body });
    expect(data.claims).toHaveLength(1);
    expect(data.claims[0]).toMatchObject({
      ...spanOf(article.body, "Fans cheered."),
      type: "outlet",
      version: 1,
    });
    // The page cuts quotes from the body itself; context strings and timestamps stay out.
    for (const field of ["quote", "prefix", "suffix", "createdAt"])
      expect(data.claims[0][field]).toBeUndefined();
    expect(data.stances.map((stance: { key: string }) => stance.key)).toContain("favor");
    expect(data.targets.map((target: { name: string }) => target.name)).toContain("Azerbaijan");
    expect(data.user).toMatchObject({ id: annotator.id, role: "annotator" });
    expect(data.layer).toBe("mine");
    expect(data.layers.map((layer: { value: string }) => layer.value)).toEqual(["mine", "all"]);
  });

  it("keeps article text that looks like markup inert, and has no inline script or style", async () => {
    const agent = await loginAgent(app, annotator.email);
    const html = (await agent.get(`/articles/${article.id}`)).text;
    expect(html).toContain("&lt;/script&gt;&lt;script&gt;alert(1)");
    expect(html.match(/<script/g)).toHaveLength(3); // app.js, the JSON data, workspace.js
    for (const tag of html.match(/<script[^>]*>/g)!) expect(tag).toMatch(/ src="|type="application\/json"/);
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/);
  });

  it("answers 404 to an annotator outside the project, and for ids that are not articles", async () => {
    const agent = await loginAgent(app, outsider.email);
    expect((await agent.get(`/articles/${article.id}`)).status).toBe(404);
    expect((await agent.get(`/articles/999999`)).status).toBe(404);
    expect((await agent.get(`/articles/abc`)).status).toBe(404);
  });

  it("shows researchers and admins every annotator with claims as a layer", async () => {
    for (const user of [researcher, admin]) {
      const agent = await loginAgent(app, user.email);
      const data = pageData((await agent.get(`/articles/${article.id}`)).text);
      expect(data.layer).toBe("all");
      expect(data.layers).toEqual([
        { value: "all", label: "All annotators" },
        { value: String(annotator.id), label: "Ann Notator (1 claim)" },
      ]);
      expect(data.canWrite).toBe(user.role === "admin");
      expect(data.claims).toHaveLength(1);
    }
  });

  it("sends a logged-out visitor to the login page and back", async () => {
    const response = await fetch(`${app.url}/articles/${article.id}`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(
      `/login?next=${encodeURIComponent(`/articles/${article.id}`)}`,
    );
  });
});
