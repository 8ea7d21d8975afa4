import { parse } from "csv-parse/sync";
import { claimsPerSpeaker } from "../../src/claims/claims.summary.js";
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

const BODY = "Ann said one thing. Bo said two things. Cy said three. Di said four.";

interface ClaimBody {
  id: number;
  version: number;
  layer: string;
  quote: string;
  stance: string | null;
  sources?: number[];
  annotator: { id: number };
}

/**
 * Curation of the agreement test's worked example (tests/agreement/agreement-api.test.ts): X and
 * Y agree exactly on s0, differ in span and stance on s2, and only Y claims s3. A third annotator
 * curates; the project is blind.
 */
describe("curation into the gold layer", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let x: CurrentUser;
  let y: CurrentUser;
  let curator: CurrentUser;
  let researcher: CurrentUser;
  let projectId: number;
  let articleId: number;
  let body: string;
  const ids: Record<string, number> = {};
  const agents: Record<string, Agent> = {};
  const tokens: Record<string, string> = {};

  const as = (user: CurrentUser) => agents[user.email]!;
  const write = (user: CurrentUser, method: "post" | "patch" | "delete", path: string, payload?: object) =>
    as(user)[method](path).set("X-CSRF-Token", tokens[user.email]!).send(payload);

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    x = await makeUser(app.db, "annotator", { name: "Annotator X" });
    y = await makeUser(app.db, "annotator", { name: "Annotator Y" });
    curator = await makeUser(app.db, "annotator", { name: "Curator C" });
    researcher = await makeUser(app.db, "researcher");
    const project = await makeProject(app.db, admin, [x, y, curator]);
    projectId = project.id;
    const prisma = app.db.prisma;
    await prisma.project.update({ where: { id: projectId }, data: { blind: true } });
    await prisma.projectMember.update({
      where: { projectId_userId: { projectId, userId: curator.id } },
      data: { isCurator: true },
    });
    const article = await makeArticle(app.db, admin, projectId, BODY);
    articleId = article.id;
    body = article.body;
    const stance = async (key: string) =>
      (await prisma.stanceLabel.findFirstOrThrow({ where: { projectId, key } })).id;
    const speaker = async (name: string) => (await prisma.speaker.create({ data: { projectId, name } })).id;
    const [favor, against, ann, cy] = [
      await stance("favor"),
      await stance("against"),
      await speaker("Ann"),
      await speaker("Cy"),
    ];
    const claim = async (
      name: string,
      annotator: CurrentUser,
      text: string,
      type: "direct" | "indirect",
      stanceId: number | null,
      speakerId: number | null,
    ) => {
      const { start, end } = spanOf(body, text);
      const row = await prisma.claim.create({
        data: {
          articleId,
          projectId,
          annotatorId: annotator.id,
          start,
          end,
          quote: text,
          prefix: "",
          suffix: "",
          type,
          stanceId,
          speakerId,
        },
      });
      ids[name] = row.id;
    };
    await claim("x0", x, "Ann said one thing.", "direct", favor, ann);
    await claim("x2", x, "Cy said three.", "indirect", against, cy);
    await claim("y0", y, "Ann said one thing.", "direct", favor, ann);
    await claim("y2", y, "Cy said", "indirect", favor, cy);
    await claim("y3", y, "Di said four.", "direct", null, null);
    await prisma.articleCompletion.createMany({
      data: [
        { articleId, userId: x.id },
        { articleId, userId: y.id },
      ],
    });
    for (const user of [admin, x, y, curator, researcher]) {
      agents[user.email] = await loginAgent(app, user.email);
      tokens[user.email] = await tokenFor(agents[user.email]!);
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it("refuses the curation page and every curation write to annotators and researchers who are not curators", async () => {
    for (const user of [x, researcher]) {
      await as(user).get(`/articles/${articleId}/curate`).expect(403);
      await write(user, "post", `/api/v1/articles/${articleId}/accept-exact`).expect(403);
      await write(user, "post", `/api/v1/projects/${projectId}/accept-exact`).expect(403);
      await write(user, "post", `/api/v1/claims/${ids.y3}/reject`).expect(403);
      await write(user, "post", `/api/v1/articles/${articleId}/curated`, { curated: true }).expect(403);
      const gold = await write(user, "post", `/api/v1/articles/${articleId}/gold`, {
        ...spanOf(body, "Di said four."),
        quote: "Di said four.",
        type: "direct",
      }).expect(403);
      expect(gold.body.error.message).toContain("curators");
    }
    await as(x).get(`/projects/${projectId}/agreement`).expect(403);
    expect(await app.db.prisma.claim.count({ where: { layer: "gold" } })).toBe(0);
  });

  it("shows the curator every annotator's claims side by side with their differences", async () => {
    const page = await as(curator).get(`/articles/${articleId}/curate`).expect(200);
    expect(page.text).toContain("Annotator X");
    expect(page.text).toContain("Annotator Y");
    expect(page.text).toContain("exact agreement");
    expect(page.text).toContain("differs: span");
    expect(page.text).toContain("differs: stance");
    expect(page.text).not.toContain("differs: type");
    expect(page.text).toMatch(/<strong>5<\/strong> annotator claims waiting/);
  });

  it("accepts the exact agreement of the article as one gold claim with both sources", async () => {
    const outcome = await write(curator, "post", `/api/v1/articles/${articleId}/accept-exact`).expect(200);
    expect(outcome.body).toEqual({ goldClaims: 1, sources: 2, curated: 0 });
    const again = await write(curator, "post", `/api/v1/articles/${articleId}/accept-exact`).expect(200);
    expect(again.body).toEqual({ goldClaims: 0, sources: 0, curated: 0 });
    const gold = await as(curator).get(`/api/v1/articles/${articleId}?layer=gold`).expect(200);
    expect(gold.body.claims).toHaveLength(1);
    expect(gold.body.claims[0]).toMatchObject({
      layer: "gold",
      quote: "Ann said one thing.",
      stance: "favor",
      speaker: { name: "Ann" },
      annotator: { id: curator.id },
      sources: [ids.x0, ids.y0],
    });
  });

  it("merges the two versions of s2 with the curator's choice of fields, and refuses to decide a claim twice", async () => {
    const merged = await write(curator, "post", `/api/v1/articles/${articleId}/gold`, {
      ...spanOf(body, "Cy said three."),
      quote: "Cy said three.",
      type: "indirect",
      stance: "against",
      speaker: { name: "Cy" },
      sources: [ids.x2, ids.y2],
    }).expect(201);
    expect(merged.body).toMatchObject({ layer: "gold", stance: "against", sources: [ids.x2, ids.y2] });
    const twice = await write(curator, "post", `/api/v1/articles/${articleId}/gold`, {
      ...spanOf(body, "Cy said"),
      quote: "Cy said",
      type: "indirect",
      sources: [ids.y2],
    }).expect(409);
    expect(twice.body.error.message).toContain(`already in gold claim ${merged.body.id}`);
    const notASource = await write(curator, "post", `/api/v1/articles/${articleId}/gold`, {
      ...spanOf(body, "Cy said"),
      quote: "Cy said",
      type: "indirect",
      sources: [merged.body.id],
    }).expect(422);
    expect(notASource.body.error.message).toContain("not a live annotator claim on this article");
  });

  it("rejects a claim, undoes the rejection, and then accepts it with an edit", async () => {
    await write(curator, "post", `/api/v1/claims/${ids.y3}/reject`).expect(204);
    await write(curator, "post", `/api/v1/claims/${ids.y3}/reject`).expect(409);
    await write(curator, "delete", `/api/v1/claims/${ids.y3}/reject`).expect(204);
    await write(curator, "delete", `/api/v1/claims/${ids.y3}/reject`).expect(409);
    const accepted = await write(curator, "post", `/api/v1/articles/${articleId}/gold`, {
      ...spanOf(body, "Di said four."),
      quote: "Di said four.",
      type: "indirect",
      sources: [ids.y3],
    }).expect(201);
    expect(accepted.body).toMatchObject({ type: "indirect", sources: [ids.y3] });
  });

  it("protects gold claims: curators only, versioned, deleting sends the sources back to curation", async () => {
    const gold = (await as(curator).get(`/api/v1/articles/${articleId}?layer=gold`)).body
      .claims as ClaimBody[];
    const di = gold.find((claim) => claim.quote === "Di said four.")!;
    const byAnnotator = await write(x, "patch", `/api/v1/claims/${di.id}`, {
      version: di.version,
      note: "mine",
    });
    expect(byAnnotator.status).toBe(403);
    const byResearcher = await write(researcher, "patch", `/api/v1/claims/${di.id}`, {
      version: di.version,
      note: "r",
    });
    expect(byResearcher.status).toBe(403);
    const edited = await write(curator, "patch", `/api/v1/claims/${di.id}`, {
      version: di.version,
      note: "checked",
    });
    expect(edited.status).toBe(200);
    const stale = await write(admin, "patch", `/api/v1/claims/${di.id}`, {
      version: di.version,
      note: "late",
    });
    expect(stale.status).toBe(409);
    await write(curator, "delete", `/api/v1/claims/${di.id}`, { version: di.version + 1 }).expect(204);
    let page = await as(curator).get(`/articles/${articleId}/curate`).expect(200);
    expect(page.text).toMatch(/<strong>1<\/strong> annotator claim waiting/);
    await write(curator, "post", `/api/v1/claims/${di.id}/restore`, { version: di.version + 2 }).expect(200);
    page = await as(curator).get(`/articles/${articleId}/curate`).expect(200);
    expect(page.text).toMatch(/<strong>0<\/strong> annotator claims waiting/);
  });

  it("keeps the blind layers closed until the article is curated, then opens them and the gold layer", async () => {
    await as(x).get(`/api/v1/articles/${articleId}?layer=all`).expect(403);
    await as(x).get(`/api/v1/articles/${articleId}?layer=gold`).expect(403);
    const before = await as(x).get(`/api/v1/claims?layer=gold`).expect(200);
    expect(before.body.total).toBe(0);
    const workspace = await as(x).get(`/articles/${articleId}`).expect(200);
    expect(workspace.text).not.toContain('value="gold"');

    await write(curator, "post", `/api/v1/articles/${articleId}/curated`, { curated: true }).expect(200);
    const all = await as(x).get(`/api/v1/articles/${articleId}?layer=all`).expect(200);
    expect(all.body.claims).toHaveLength(5);
    const gold = await as(x).get(`/api/v1/articles/${articleId}?layer=gold`).expect(200);
    expect(gold.body.claims).toHaveLength(3);
    const listed = await as(x).get(`/api/v1/claims?layer=gold`).expect(200);
    expect(listed.body.total).toBe(3);
    const own = await as(x).get(`/api/v1/claims`).expect(200);
    expect(own.body.claims.map((claim: ClaimBody) => claim.annotator.id)).toEqual([x.id, x.id]);
    const page = await as(x).get(`/articles/${articleId}?layer=gold`).expect(200);
    expect(page.text).toContain("Gold layer (3 claims)");
    expect(page.text).toContain("read-only here");
  });

  it("leaves the agreement figures to the annotators' layer", async () => {
    const report = (await as(admin).get(`/api/v1/projects/${projectId}/agreement`).expect(200)).body;
    expect(report.sentenceAlpha.alpha).toBeCloseTo(0.64, 10);
    expect(report.span.micro.exactF1).toBeCloseTo(0.4, 10);
    expect(report.span.micro.overlapF1).toBeCloseTo(0.8, 10);
  });

  it("takes layer=gold in the claims list, its count and every export; the default stays the annotators'", async () => {
    const annotators = await as(researcher).get(`/api/v1/claims?project=${projectId}`).expect(200);
    expect(annotators.body.total).toBe(5);
    const gold = await as(researcher).get(`/api/v1/claims?project=${projectId}&layer=gold`).expect(200);
    expect(gold.body.total).toBe(3);
    expect(gold.body.claims.every((claim: ClaimBody) => claim.annotator.id === curator.id)).toBe(true);
    const csv = await as(researcher).get(`/export/claims.csv?project=${projectId}&layer=gold`).expect(200);
    expect(csv.headers["content-disposition"]).toContain("claims-gold-");
    const rows = parse(csv.text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((row) => row.quote).sort()).toEqual([
      "Ann said one thing.",
      "Cy said three.",
      "Di said four.",
    ]);
    expect(new Set(rows.map((row) => row.annotator))).toEqual(new Set([curator.email]));
    const jsonl = await as(researcher)
      .get(`/export/claims.jsonl?project=${projectId}&layer=gold`)
      .expect(200);
    expect(jsonl.text.trim().split("\n")).toHaveLength(3);
    const page = await as(researcher).get(`/claims?project=${projectId}&layer=gold`).expect(200);
    expect(page.text).toContain("Cy said three.");
    expect(page.text).not.toContain("Cy said</");
    const chart = await as(researcher)
      .get(`/claims/charts/speakers.svg?project=${projectId}&layer=gold`)
      .expect(200);
    expect(chart.headers["content-type"]).toContain("image/svg+xml");
    const count = async (layer?: "gold") =>
      (await claimsPerSpeaker(app.db.prisma, researcher, { project: projectId, layer }))
        .filter((row) => row.speaker === "Ann")
        .reduce((sum, row) => sum + row.count, 0);
    expect(await count()).toBe(2);
    expect(await count("gold")).toBe(1);
    const bad = await as(researcher).get(`/api/v1/claims?layer=silver`).expect(422);
    expect(bad.body.error.message).toContain("layer must be annotators");
  });

  it("accepts every exact agreement of a project at once and marks the articles with nothing left curated", async () => {
    const second = await makeArticle(app.db, admin, projectId, BODY);
    const { start, end } = spanOf(second.body, "Bo said two things.");
    for (const user of [x, y]) {
      await app.db.prisma.claim.create({
        data: {
          articleId: second.id,
          projectId,
          annotatorId: user.id,
          start,
          end,
          quote: "Bo said two things.",
          prefix: "",
          suffix: "",
          type: "direct",
        },
      });
    }
    const outcome = await write(admin, "post", `/api/v1/projects/${projectId}/accept-exact`).expect(200);
    expect(outcome.body).toEqual({ goldClaims: 1, sources: 2, curated: 1 });
    const progress = await as(admin).get(`/projects/${projectId}/assignments`).expect(200);
    expect(progress.text).toMatch(/<strong>2<\/strong> of 2 articles curated/);

    // The project page's form does the same, and says when there is nothing left to accept.
    const form = await as(admin)
      .post(`/projects/${projectId}/curation/accept-exact`)
      .type("form")
      .send({ _csrf: tokens[admin.email] })
      .expect(302);
    expect(form.headers.location).toBe(`/projects/${projectId}`);
    const page = await as(admin).get(`/projects/${projectId}`).expect(200);
    expect(page.text).toContain("Nothing to accept");
    expect(page.text).toContain("Accept every exact agreement in the project");
  });
});
