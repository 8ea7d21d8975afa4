import fs from "node:fs";
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

const SAMPLE = fs.readFileSync("src/demo/sample-article.txt", "utf8");

interface SuggestionBody {
  key: string;
  source: string;
  start: number;
  end: number;
  quote: string;
  type: string;
  speaker: { id: number } | { name: string } | null;
  speakerMention: { start: number; end: number; text: string } | null;
  cue: { start: number; end: number; text: string } | null;
  confidence: number;
}

describe("attribution suggestions over HTTP", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let outsider: CurrentUser;
  let projectId: number;
  let articleId: number;
  let body: string;
  let hajiyevId: number;
  const agents: Record<string, Agent> = {};
  const tokens: Record<string, string> = {};
  const as = (user: CurrentUser) => agents[user.email]!;
  const write = (user: CurrentUser, method: "post" | "delete", path: string, payload?: object) =>
    as(user)[method](path).set("X-CSRF-Token", tokens[user.email]!).send(payload);
  const suggestions = async (user: CurrentUser, query = "") =>
    (await as(user).get(`/api/v1/articles/${articleId}/suggestions${query}`).expect(200)).body
      .suggestions as SuggestionBody[];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator");
    outsider = await makeUser(app.db, "annotator");
    projectId = (await makeProject(app.db, admin, [annotator])).id;
    await app.db.prisma.projectMember.update({
      where: { projectId_userId: { projectId, userId: annotator.id } },
      data: { canImport: false },
    });
    const article = await makeArticle(app.db, admin, projectId, SAMPLE.trim());
    articleId = article.id;
    body = article.body;
    hajiyevId = (
      await app.db.prisma.speaker.create({
        data: { projectId, name: "Hikmat Hajiyev", aliases: ["Hajiyev"] },
      })
    ).id;
    for (const user of [admin, annotator, outsider]) {
      agents[user.email] = await loginAgent(app, user.email);
      tokens[user.email] = await tokenFor(agents[user.email]!);
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it("suggests the sample article's attributions in the claim shape, with the registry's speaker", async () => {
    const list = await suggestions(annotator);
    const added = list.find((suggestion) => suggestion.cue?.text === "added")!;
    expect(added).toMatchObject({
      source: "built-in",
      type: "direct",
      speaker: { id: hajiyevId },
      speakerMention: { text: "the president’s assistant" },
    });
    expect(Array.from(body).slice(added.start, added.end).join("")).toBe(added.quote);
    expect(list.map((suggestion) => suggestion.cue?.text ?? null)).toEqual([
      null,
      "stressed",
      "According to",
      "added",
    ]);
  });

  it("takes a suggestion as a claim through the normal claim route, and then stops offering it to that annotator", async () => {
    const [first, second] = (await suggestions(annotator)).filter((suggestion) => suggestion.cue);
    const { key: _key, source: _source, ...claim } = first!;
    const created = await write(annotator, "post", `/api/v1/articles/${articleId}/claims`, claim).expect(201);
    expect(created.body).toMatchObject({
      quote: first!.quote,
      speaker: { id: hajiyevId },
      cue: { text: first!.cue!.text },
    });
    const mine = await suggestions(annotator, "?for=me");
    expect(mine.map((suggestion) => suggestion.key)).not.toContain(first!.key);
    expect((await suggestions(admin, "?for=me")).map((suggestion) => suggestion.key)).toContain(first!.key);

    await write(annotator, "post", `/api/v1/articles/${articleId}/suggestions/dismissals`, {
      key: second!.key,
    }).expect(204);
    expect((await suggestions(annotator, "?for=me")).map((suggestion) => suggestion.key)).not.toContain(
      second!.key,
    );
    await write(annotator, "delete", `/api/v1/articles/${articleId}/suggestions/dismissals`, {
      key: second!.key,
    }).expect(204);
    expect((await suggestions(annotator, "?for=me")).map((suggestion) => suggestion.key)).toContain(
      second!.key,
    );
    const bad = await write(annotator, "post", `/api/v1/articles/${articleId}/suggestions/dismissals`, {
      key: "x",
    }).expect(422);
    expect(bad.body.error.message).toContain("builtin:12-80");
  });

  it("stores external suggestions checked like claims, replacing the same source's earlier ones", async () => {
    const quote = "Hajiyev stressed";
    const good = {
      ...spanOf(body, quote),
      quote,
      type: "indirect",
      speaker: { name: "Hikmat Hajiyev" },
      confidence: 0.7,
    };
    const wrong = { ...good, quote: "something else" };
    const refused = await write(admin, "post", `/api/v1/articles/${articleId}/suggestions`, {
      source: "my-model",
      suggestions: [good, wrong],
    }).expect(422);
    expect(refused.body.error.message).toContain("Suggestion 2: quote does not match the article text");
    const stored = await write(admin, "post", `/api/v1/articles/${articleId}/suggestions`, {
      source: "my-model",
      suggestions: [good, good],
    }).expect(201);
    expect(stored.body).toEqual({ source: "my-model", stored: 2, replaced: 0 });
    const again = await write(admin, "post", `/api/v1/articles/${articleId}/suggestions`, {
      source: "my-model",
      suggestions: [good],
    }).expect(201);
    expect(again.body).toEqual({ source: "my-model", stored: 1, replaced: 2 });
    const external = (await suggestions(admin)).filter((suggestion) => suggestion.source === "my-model");
    expect(external).toEqual([
      expect.objectContaining({ quote, confidence: 0.7, speaker: { name: "Hikmat Hajiyev" } }),
    ]);
    const unknownSpeaker = await write(admin, "post", `/api/v1/articles/${articleId}/suggestions`, {
      source: "my-model",
      suggestions: [{ ...good, speaker: { id: 999999 } }],
    }).expect(422);
    expect(unknownSpeaker.body.error.message).toContain("is not a speaker of this project");
  });

  it("lets only admins and members allowed to import store suggestions; outsiders see nothing", async () => {
    const payload = { source: "x", suggestions: [] };
    await write(annotator, "post", `/api/v1/articles/${articleId}/suggestions`, payload).expect(403);
    await as(outsider).get(`/api/v1/articles/${articleId}/suggestions`).expect(404);
    await write(outsider, "post", `/api/v1/articles/${articleId}/suggestions`, payload).expect(404);
  });

  it("follows the project's study settings: built-in and external suggestions can each be turned off", async () => {
    const settings = async (fields: Record<string, string>) => {
      const { version } = await app.db.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
      const response = await as(admin)
        .post(`/projects/${projectId}/settings`)
        .type("form")
        .send({ ...fields, version, _csrf: tokens[admin.email] })
        .expect(302);
      return (await as(admin).get(response.headers.location!).expect(200)).text;
    };
    expect(await settings({ suggestExternal: "on" })).toContain("suggestions external");
    expect(new Set((await suggestions(admin)).map((suggestion) => suggestion.source))).toEqual(
      new Set(["my-model"]),
    );
    expect(await settings({})).toContain("suggestions off");
    expect(await suggestions(admin)).toEqual([]);
  });
});
