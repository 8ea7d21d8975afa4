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
let annotator: CurrentUser;
let otherAnnotator: CurrentUser;
let outsider: CurrentUser;
let researcher: CurrentUser;
let article: Awaited<ReturnType<typeof makeArticle>>;
const agents: Record<string, Agent> = {};

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin");
  annotator = await makeUser(app.db, "annotator");
  otherAnnotator = await makeUser(app.db, "annotator");
  outsider = await makeUser(app.db, "annotator");
  researcher = await makeUser(app.db, "researcher");
  const project = await makeProject(app.db, admin, [annotator, otherAnnotator]);
  article = await makeArticle(app.db, admin, project.id);
  for (const [name, user] of Object.entries({ admin, annotator, otherAnnotator, outsider, researcher })) {
    agents[name] = await loginAgent(app, user.email);
  }
});
afterAll(() => app.close());

async function send(who: string, method: "post" | "patch" | "delete", path: string, body?: object) {
  const agent = agents[who]!;
  return agent[method](path)
    .set("X-CSRF-Token", await tokenFor(agent))
    .set("Accept", "application/json")
    .send(body);
}

function claimBody(quote: string, extra: object = {}) {
  return { ...spanOf(article.body, quote), quote, type: "indirect", ...extra };
}

const QUOTE =
  "Hajiyev stressed that the international community's support is the result of long-term activities.";

describe("creating claims through the API", () => {
  it("creates a claim with a new speaker, mention, cue, stance and target, and returns it with id and version", async () => {
    const response = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody(QUOTE, {
        speaker: { name: "Hikmat Hajiyev", role: "Assistant to the President" },
        speakerMention: spanOf(article.body, "Hajiyev"),
        cue: spanOf(article.body, "stressed"),
        stance: "favor",
        target: "Azerbaijan",
        note: "first",
      }),
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      id: expect.any(Number),
      version: 1,
      quote: QUOTE,
      type: "indirect",
      speaker: { id: expect.any(Number), name: "Hikmat Hajiyev", role: "Assistant to the President" },
      speakerMention: { text: "Hajiyev" },
      cue: { text: "stressed" },
      stance: "favor",
      target: "Azerbaijan",
      annotator: { id: annotator.id },
    });
    expect(Array.from(response.body.prefix as string).length).toBeLessThanOrEqual(32);
    expect(response.body.suffix).toBe(
      Array.from(article.body)
        .slice(response.body.end, response.body.end + 32)
        .join(""),
    );
  });

  it("counts offsets in code points: a quote after an emoji round-trips", async () => {
    const response = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody("Fans cheered.", { type: "outlet" }),
    );
    expect(response.status).toBe(201);
    expect(Array.from(article.body).slice(response.body.start, response.body.end).join("")).toBe(
      "Fans cheered.",
    );
  });

  it.each([
    [
      "offsets outside the body",
      { start: 5, end: 999_999, quote: "x" },
      "end",
      /past the end of the article body/,
    ],
    ["an empty span", { start: 5, end: 5, quote: "" }, "end", /must be greater than start/],
    [
      "a quote that is not the text there",
      { start: 0, end: 4, quote: "ROME" },
      "quote",
      /does not match the article text at 0..4, which is "BAKU"/,
    ],
    [
      "an unknown stance",
      { ...claimBodyFor("BAKU"), stance: "furious" },
      "stance",
      /not one of this project's stances: favor, against, neutral, unclear/,
    ],
    [
      "an unknown type",
      { ...claimBodyFor("BAKU"), type: "rumour" },
      "type",
      /type must be one of direct, indirect, mixed, outlet/,
    ],
  ])("refuses %s with 422 naming the field", async (_what, body, field, message) => {
    const response = await send("annotator", "post", `/api/v1/articles/${article.id}/claims`, {
      type: "direct",
      ...body,
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("invalid");
    expect(response.body.error.field).toBe(field);
    expect(response.body.error.message).toMatch(message);
  });
});

function claimBodyFor(quote: string) {
  return { start: 0, end: Array.from(quote).length, quote };
}

describe("editing and deleting", () => {
  it("updates with the version read; a stale version gets 409 with the current claim, nothing overwritten", async () => {
    const created = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody(QUOTE),
    );
    const first = await send("annotator", "patch", `/api/v1/claims/${created.body.id}`, {
      version: 1,
      stance: "against",
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 2, stance: "against" });
    const stale = await send("annotator", "patch", `/api/v1/claims/${created.body.id}`, {
      version: 1,
      stance: "neutral",
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/Nothing was overwritten/);
    expect(stale.body.error.current).toMatchObject({ version: 2, stance: "against" });
  });

  it("lets annotators change only their own claims, and admins anyone's", async () => {
    const created = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody(QUOTE),
    );
    const byOther = await send("otherAnnotator", "patch", `/api/v1/claims/${created.body.id}`, {
      version: 1,
      note: "mine now",
    });
    expect(byOther.status).toBe(403);
    const byAdmin = await send("admin", "patch", `/api/v1/claims/${created.body.id}`, {
      version: 1,
      note: "checked",
    });
    expect(byAdmin.status).toBe(200);
  });

  it("deletes softly: gone from the article's claims, kept in the database", async () => {
    const created = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody(QUOTE, { note: "to delete" }),
    );
    const deleted = await send("annotator", "delete", `/api/v1/claims/${created.body.id}?version=1`);
    expect(deleted.status).toBe(204);
    const listed = await agents.annotator!.get(`/api/v1/articles/${article.id}`);
    expect(listed.body.claims.map((claim: { id: number }) => claim.id)).not.toContain(created.body.id);
    const row = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.deletedAt).toBeInstanceOf(Date);
  });
});

describe("who sees what", () => {
  it("gives the article with body, sentences and the caller's own claims by default", async () => {
    const response = await agents.annotator!.get(`/api/v1/articles/${article.id}`);
    expect(response.status).toBe(200);
    expect(response.body.body).toBe(article.body);
    expect(response.body.sentences[0]).toEqual({
      start: 0,
      end: Array.from("BAKU, Azerbaijan, Nov.3").length,
    });
    expect(response.body.claims.length).toBeGreaterThan(0);
    expect(
      response.body.claims.every(
        (claim: { annotator: { id: number } }) => claim.annotator.id === annotator.id,
      ),
    ).toBe(true);
  });

  it("shows other annotators' claims as a separate layer on request, and every layer to researchers", async () => {
    await send("otherAnnotator", "post", `/api/v1/articles/${article.id}/claims`, claimBody(QUOTE));
    const mine = await agents.annotator!.get(`/api/v1/articles/${article.id}`);
    const all = await agents.annotator!.get(`/api/v1/articles/${article.id}?layer=all`);
    expect(all.body.claims.length).toBeGreaterThan(mine.body.claims.length);
    const researcherView = await agents.researcher!.get(`/api/v1/articles/${article.id}`);
    expect(researcherView.body.claims.length).toBe(all.body.claims.length);
  });

  it("hides another project's article from an annotator (404), and researchers cannot write (403)", async () => {
    expect((await agents.outsider!.get(`/api/v1/articles/${article.id}`)).status).toBe(404);
    const write = await send("outsider", "post", `/api/v1/articles/${article.id}/claims`, claimBody(QUOTE));
    expect(write.status).toBe(404);
    const researcherWrite = await send(
      "researcher",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody(QUOTE),
    );
    expect(researcherWrite.status).toBe(403);
  });
});
