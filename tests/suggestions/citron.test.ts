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

const BODY =
  "🎉 Mayor Ana Reis opened the bridge. “It took ten years,” she said. The river is high, officials warned.";

interface Span {
  start: number;
  end: number;
  text: string;
}

/** Citron's JSON format: export of claims as documents, and import of a model's output as suggestions. */
describe("Citron documents", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let agent: Agent;
  let token: string;
  let projectId: number;
  let articleId: number;
  let body: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    projectId = (await makeProject(app.db, admin)).id;
    const article = await makeArticle(app.db, admin, projectId, BODY);
    articleId = article.id;
    body = article.body;
    const reis = await app.db.prisma.speaker.create({ data: { projectId, name: "Ana Reis" } });
    const claim = (text: string, cue: string | null, mention: string | null, speakerId: number | null) => {
      const content = spanOf(body, text);
      const cueSpan = cue ? spanOf(body, cue) : null;
      const mentionSpan = mention ? spanOf(body, mention) : null;
      return app.db.prisma.claim.create({
        data: {
          articleId,
          projectId,
          annotatorId: admin.id,
          ...content,
          quote: text,
          prefix: "",
          suffix: "",
          type: "direct",
          speakerId,
          cueStart: cueSpan?.start ?? null,
          cueEnd: cueSpan?.end ?? null,
          mentionStart: mentionSpan?.start ?? null,
          mentionEnd: mentionSpan?.end ?? null,
        },
      });
    };
    await claim("“It took ten years,”", "said", "she", reis.id);
    await claim("The river is high", "warned", "officials", null);
    await claim("Mayor Ana Reis opened the bridge.", null, null, reis.id);
    agent = await loginAgent(app, admin.email);
    token = await tokenFor(agent);
  });
  afterAll(async () => {
    await app?.close();
  });

  const spanText = (text: string, span: Span) => Array.from(text).slice(span.start, span.end).join("");

  it("exports each article as one document whose spans are the text at their code-point offsets", async () => {
    const response = await agent.get(`/export/claims.citron.jsonl?project=${projectId}`).expect(200);
    expect(response.headers["content-disposition"]).toMatch(/claims-.*\.citron\.jsonl/);
    const documents = response.text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(documents).toHaveLength(1);
    const [document] = documents;
    expect(document.text).toBe(body);
    expect(document.quotes).toHaveLength(2); // the claim without a cue has no Citron quote
    const [said, warned] = document.quotes;
    expect(said).toMatchObject({
      cue: { text: "said" },
      sources: [{ text: "she" }],
      contents: [{ text: "“It took ten years,”" }],
      coreferences: [{ text: "Ana Reis" }],
    });
    expect(warned).toMatchObject({
      cue: { text: "warned" },
      sources: [{ text: "officials" }],
      coreferences: [],
    });
    for (const quote of document.quotes) {
      for (const span of [quote.cue, ...quote.sources, ...quote.contents, ...quote.coreferences]) {
        expect(spanText(document.text, span)).toBe(span.text);
      }
    }
  });

  it("imports a Citron document as external suggestions, and refuses spans whose text is not the article's", async () => {
    const exported = (await agent.get(`/export/claims.citron.jsonl?project=${projectId}`)).text.trim();
    const document = JSON.parse(exported);
    const stored = await agent
      .post(`/api/v1/articles/${articleId}/suggestions/citron`)
      .set("X-CSRF-Token", token)
      .send({ source: "citron", document })
      .expect(201);
    expect(stored.body).toMatchObject({ source: "citron", stored: 2 });
    const listed = (await agent.get(`/api/v1/articles/${articleId}/suggestions`).expect(200)).body
      .suggestions;
    const fromCitron = listed.filter((suggestion: { source: string }) => suggestion.source === "citron");
    expect(fromCitron).toEqual([
      expect.objectContaining({
        quote: "“It took ten years,”",
        type: "direct",
        speaker: { name: "Ana Reis" },
        cue: expect.objectContaining({ text: "said" }),
      }),
      expect.objectContaining({
        quote: "The river is high",
        type: "indirect",
        speaker: { name: "officials" },
      }),
    ]);

    const shifted = structuredClone(document);
    shifted.quotes[0].cue.start += 1;
    shifted.quotes[0].cue.end += 1;
    const refused = await agent
      .post(`/api/v1/articles/${articleId}/suggestions/citron`)
      .set("X-CSRF-Token", token)
      .send({ source: "citron", document: shifted })
      .expect(422);
    expect(refused.body.error.message).toContain("document.quotes.0.cue: the article's text at");
    expect(refused.body.error.message).toContain('not "said"');
  });
});
