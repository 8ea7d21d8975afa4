import { parse } from "csv-parse/sync";
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

/**
 * A worked example computed by hand. Two annotators marked the article done, a third did not (and
 * is left out). Sentences s0..s3 of the body, plus the factory's own last sentence s4.
 *   X: s0 (direct, favor, Ann)      s2 (indirect, against, Cy)
 *   Y: s0 (direct, favor, Ann)      "Cy said" of s2 (indirect, favor, Cy)      s3 (direct, -, -)
 * Sentence coverage (X, Y): s0 TT, s1 FF, s2 TT, s3 FT, s4 FF. n = 10 values, 5 true and 5 false;
 * s3 disagrees: D_o term (2² - 1 - 1)/1 = 2, so alpha = 1 - 9·2/(10² - 5² - 5²) = 1 - 18/50 = 0.64.
 * Spans: exact matches 1, overlap matches 2, |X| + |Y| = 5: exact F1 0.4, overlap F1 0.8.
 * Matched claims: (s0, s0) and (s2, "Cy said"); Y's s3 is alone.
 *   type: direct/direct, indirect/indirect: alpha 1, kappa 1.
 *   stance: favor/favor, against/favor: n = 4 (favor 3, against 1), one disagreeing unit (2):
 *     alpha = 1 - 3·2/(16 - 9 - 1) = 0; kappa: p_o = 0.5, p_e = 0.5·1 + 0.5·0 = 0.5, kappa 0.
 *   speaker: Ann/Ann, Cy/Cy: alpha 1, kappa 1.   target: none everywhere: undefined (null).
 */
describe("project agreement over HTTP", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let x: CurrentUser;
  let y: CurrentUser;
  let z: CurrentUser;
  let outsider: CurrentUser;
  let researcher: CurrentUser;
  let projectId: number;
  let articleId: number;
  const agents: Record<string, Agent> = {};

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    x = await makeUser(app.db, "annotator", { name: "Annotator X" });
    y = await makeUser(app.db, "annotator", { name: "Annotator Y" });
    z = await makeUser(app.db, "annotator", { name: "Annotator Z" });
    outsider = await makeUser(app.db, "annotator", { name: "Outsider" });
    researcher = await makeUser(app.db, "researcher");
    const project = await makeProject(app.db, admin, [x, y, z]);
    projectId = project.id;
    const article = await makeArticle(app.db, admin, projectId, BODY);
    articleId = article.id;
    const prisma = app.db.prisma;
    const stance = async (key: string) =>
      (await prisma.stanceLabel.findFirstOrThrow({ where: { projectId, key } })).id;
    const speaker = async (name: string) => (await prisma.speaker.create({ data: { projectId, name } })).id;
    const [favor, against, ann, cy] = await Promise.all([
      stance("favor"),
      stance("against"),
      speaker("Ann"),
      speaker("Cy"),
    ]);
    const claim = async (
      annotator: CurrentUser,
      text: string,
      type: "direct" | "indirect",
      stanceId: number | null,
      speakerId: number | null,
    ) => {
      const { start, end } = spanOf(article.body, text);
      await prisma.claim.create({
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
    };
    await claim(x, "Ann said one thing.", "direct", favor, ann);
    await claim(x, "Cy said three.", "indirect", against, cy);
    await claim(y, "Ann said one thing.", "direct", favor, ann);
    await claim(y, "Cy said", "indirect", favor, cy);
    await claim(y, "Di said four.", "direct", null, null);
    await claim(z, "Bo said two things.", "direct", favor, null);
    await prisma.articleCompletion.createMany({
      data: [
        { articleId, userId: x.id },
        { articleId, userId: y.id },
      ],
    });
    for (const user of [admin, x, outsider, researcher])
      agents[user.email] = await loginAgent(app, user.email);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("matches the hand-computed example", async () => {
    const response = await agents[admin.email]!.get(`/api/v1/projects/${projectId}/agreement`).expect(200);
    const report = response.body;
    expect(report.articles).toBe(1);
    expect(report.annotators.map((a: { id: number }) => a.id)).toEqual([x.id, y.id]);
    expect(report.sentenceAlpha.alpha).toBeCloseTo(0.64, 10);
    expect(report.sentenceAlpha).toMatchObject({ units: 5, values: 10 });
    expect(report.span.micro.exactF1).toBeCloseTo(0.4, 10);
    expect(report.span.micro.overlapF1).toBeCloseTo(0.8, 10);
    expect(report.span.pairs).toEqual([
      expect.objectContaining({ claimsA: 2, claimsB: 3, exactMatches: 1, overlapMatches: 2, articles: 1 }),
    ]);
    expect(report.fields.type.alpha).toBe(1);
    expect(report.fields.type.pairs[0].kappa).toBe(1);
    expect(report.fields.stance.alpha).toBeCloseTo(0, 10);
    expect(report.fields.stance.pairs[0]).toMatchObject({ kappa: 0, items: 2, observedAgreement: 0.5 });
    expect(report.fields.stance.pairs[0].confusion).toEqual({
      values: ["against", "favor"],
      counts: [
        [0, 1],
        [0, 1],
      ],
      distinctValues: 2,
      otherValues: 0,
    });
    expect(report.fields.speaker.alpha).toBe(1);
    expect(report.fields.target.alpha).toBeNull();
    expect(report.fields.target.pairs[0].kappa).toBeNull();
    expect(report.byArticle).toEqual([
      {
        id: articleId,
        title: expect.any(String),
        annotators: 2,
        sentenceAlpha: expect.closeTo(0.64, 10),
        overlapF1: 0.8,
      },
    ]);
  });

  it("narrows to chosen annotators and articles, and refuses malformed lists with 422", async () => {
    const agent = agents[researcher.email]!;
    const narrowed = await agent
      .get(`/api/v1/projects/${projectId}/agreement?annotators=${x.id},${z.id}`)
      .expect(200);
    expect(narrowed.body.articles).toBe(0);
    expect(narrowed.body.sentenceAlpha.alpha).toBeNull();
    const both = await agent
      .get(
        `/api/v1/projects/${projectId}/agreement?annotators=${x.id}&annotators=${y.id}&articles=${articleId}`,
      )
      .expect(200);
    expect(both.body.scope).toEqual({ annotators: [x.id, y.id], articles: [articleId] });
    expect(both.body.articles).toBe(1);
    for (const bad of ["annotators=abc", "annotators=99999999999", "articles=1,,x", "articles=-3"]) {
      const response = await agent.get(`/api/v1/projects/${projectId}/agreement?${bad}`).expect(422);
      expect(response.body.error.message).toMatch(/must be an id/);
    }
  });

  it("is for admins, researchers and curators: other annotators get 403, non-members 404", async () => {
    await agents[x.email]!.get(`/api/v1/projects/${projectId}/agreement`).expect(403);
    await agents[x.email]!.get(`/projects/${projectId}/agreement`).expect(403);
    await agents[outsider.email]!.get(`/api/v1/projects/${projectId}/agreement`).expect(404);
    expect((await agents[x.email]!.get(`/projects/${projectId}`).expect(200)).text).not.toContain(
      "/agreement",
    );
    // An admin makes X a curator on the project page.
    const adminAgent = agents[admin.email]!;
    await adminAgent
      .post(`/projects/${projectId}/members`)
      .type("form")
      .send({ member: "existing", userId: x.id, isCurator: "on", _csrf: await tokenFor(adminAgent) })
      .expect(302);
    await agents[x.email]!.get(`/api/v1/projects/${projectId}/agreement`).expect(200);
    expect((await agents[x.email]!.get(`/projects/${projectId}`).expect(200)).text).toContain(
      `href="/projects/${projectId}/agreement"`,
    );
    await agents[admin.email]!.get(`/api/v1/projects/2147483647/agreement`).expect(404);
  });

  it("shows the figures on the page and downloads each table as CSV that a parser reads", async () => {
    const page = await agents[admin.email]!.get(`/projects/${projectId}/agreement`).expect(200);
    expect(page.text).toContain("0.640");
    expect(page.text).toContain("too few to be meaningful");
    const fields = await agents[admin.email]!.get(`/projects/${projectId}/agreement/fields.csv`).expect(200);
    expect(fields.headers["content-type"]).toMatch(/^text\/csv/);
    const rows = parse(fields.text, { columns: true }) as Record<string, string>[];
    expect(rows.find((row) => row.measure === "sentence_alpha")).toMatchObject({ value: "0.64", units: "5" });
    expect(rows.find((row) => row.measure === "stance_kappa")).toMatchObject({ value: "0", units: "2" });
    expect(fields.text).toMatch(/\r\n$/);
    const confusion = parse(
      (await agents[admin.email]!.get(`/projects/${projectId}/agreement/confusion.csv`).expect(200)).text,
      { columns: true },
    ) as Record<string, string>[];
    // Only the cells that occur.
    expect(confusion.filter((row) => row.field === "stance")).toEqual([
      expect.objectContaining({ value_a: "against", value_b: "favor", count: "1" }),
      expect.objectContaining({ value_a: "favor", value_b: "favor", count: "1" }),
    ]);
    await agents[admin.email]!.get(`/projects/${projectId}/agreement/nonsense.csv`).expect(422);
  });
});
