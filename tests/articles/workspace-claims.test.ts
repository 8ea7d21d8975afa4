import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspaceClaims } from "../../src/articles/workspace-claims.js";
import { listArticleClaims, type Layer } from "../../src/claims/claims.service.js";
import { ForbiddenError } from "../../src/errors.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

/** The API's claim JSON without what the workspace page leaves out. */
function asOnPage(claim: Awaited<ReturnType<typeof listArticleClaims>>[number]) {
  const { quote: _q, prefix: _p, suffix: _s, createdAt: _c, updatedAt: _u, ...rest } = claim;
  return rest;
}

describe("workspaceClaims: the page's claims in one statement", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let other: CurrentUser;
  let article: Awaited<ReturnType<typeof makeArticle>>;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator", { name: "Ann Önder" });
    other = await makeUser(app.db, "annotator", { name: "Other" });
    const project = await makeProject(app.db, admin, [annotator, other]);
    article = await makeArticle(app.db, admin, project.id);
    const stances = await app.db.prisma.stanceLabel.findMany({ where: { projectId: project.id } });
    const targets = await app.db.prisma.target.findMany({ where: { projectId: project.id } });
    const speaker = await app.db.prisma.speaker.create({
      data: { projectId: project.id, name: "Hikmat Hajiyev", role: "Assistant", affiliation: "Office" },
    });
    const claim = (annotatorId: number, quote: string, extra: object = {}) =>
      app.db.prisma.claim.create({
        data: {
          articleId: article.id,
          projectId: project.id,
          annotatorId,
          ...spanOf(article.body, quote),
          quote,
          prefix: "",
          suffix: "",
          type: "indirect",
          ...extra,
        },
      });
    // After the emoji, offsets in code points differ from UTF-16: mention and cue texts must agree.
    const mention = spanOf(article.body, "the president’s assistant");
    const cue = spanOf(article.body, "added");
    const full = await claim(annotator.id, '"The Armenians are still committing military provocations,"', {
      type: "direct",
      speakerId: speaker.id,
      stanceId: stances[1]!.id,
      targetId: targets[0]!.id,
      mentionStart: mention.start,
      mentionEnd: mention.end,
      cueStart: cue.start,
      cueEnd: cue.end,
      note: "checked",
      version: 3,
    });
    const own = await claim(annotator.id, "Fans cheered.");
    const theirs = await claim(other.id, "Fans cheered.", { type: "outlet" });
    await claim(other.id, "Hajiyev stressed", { deletedAt: new Date() });
    const gold = await claim(admin.id, "Fans cheered.", { layer: "gold" });
    await app.db.prisma.curationDecision.createMany({
      data: [
        { sourceClaimId: theirs.id, articleId: article.id, goldClaimId: gold.id },
        { sourceClaimId: own.id, articleId: article.id, goldClaimId: gold.id },
        { sourceClaimId: full.id, articleId: article.id, goldClaimId: null },
      ],
    });
  });
  afterAll(() => app.close());

  const everything = { seesOthers: true, seesGold: true };

  it.each<[string, () => CurrentUser, (user: CurrentUser) => Layer]>([
    ["all annotators", () => admin, () => "all"],
    ["the annotator's own", () => annotator, () => "mine"],
    ["another annotator's", () => admin, () => other.id],
    ["the gold layer, with its sources", () => admin, () => "gold"],
  ])("reads %s exactly as listArticleClaims does", async (_name, who, layerOf) => {
    const user = who();
    const layer = layerOf(user);
    const expected = (await listArticleClaims(app.db.prisma, user, article, layer)).map(asOnPage);
    expect(expected.length).toBeGreaterThan(0);
    expect(await workspaceClaims(app.db.prisma, user, article, layer, everything)).toEqual(expected);
  });

  it("refuses others' layers without seeing others, and gold without seeing gold", async () => {
    const blind = { seesOthers: false, seesGold: false };
    await expect(workspaceClaims(app.db.prisma, annotator, article, "all", blind)).rejects.toThrow(
      ForbiddenError,
    );
    await expect(workspaceClaims(app.db.prisma, annotator, article, other.id, blind)).rejects.toThrow(
      ForbiddenError,
    );
    await expect(workspaceClaims(app.db.prisma, annotator, article, "gold", blind)).rejects.toThrow(
      ForbiddenError,
    );
    expect(await workspaceClaims(app.db.prisma, annotator, article, "mine", blind)).toHaveLength(2);
  });
});
