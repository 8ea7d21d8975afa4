import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeArticle, makeProject } from "../helpers/factories.js";
import { loginAgent, makeUser, startTestApp, type Agent, type TestApp } from "../helpers/test-app.js";

describe("a blind project", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let ann: CurrentUser;
  let bo: CurrentUser;
  let researcher: CurrentUser;
  let articleId: number;
  const agents: Record<string, Agent> = {};

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    ann = await makeUser(app.db, "annotator", { name: "Ann" });
    bo = await makeUser(app.db, "annotator", { name: "Bo" });
    researcher = await makeUser(app.db, "researcher");
    const project = await makeProject(app.db, admin, [ann, bo]);
    await app.db.prisma.project.update({ where: { id: project.id }, data: { blind: true } });
    articleId = (await makeArticle(app.db, admin, project.id)).id;
    for (const [user, quote] of [
      [ann, "BAKU"],
      [bo, "BAKU, Azerbaijan"],
    ] as const) {
      await app.db.prisma.claim.create({
        data: {
          articleId,
          projectId: project.id,
          annotatorId: user.id,
          start: 0,
          end: quote.length,
          quote,
          prefix: "",
          suffix: "",
          type: "direct",
        },
      });
    }
    for (const user of [ann, bo, researcher]) agents[user.email] = await loginAgent(app, user.email);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("shows annotators only their own layer, in the workspace and the API", async () => {
    const agent = agents[ann.email]!;
    const own = await agent.get(`/api/v1/articles/${articleId}`).expect(200);
    expect(own.body.claims.map((claim: { quote: string }) => claim.quote)).toEqual(["BAKU"]);
    for (const layer of ["all", String(bo.id)]) {
      const refused = await agent.get(`/api/v1/articles/${articleId}?layer=${layer}`).expect(403);
      expect(refused.body.error.message).toContain("This project is blind");
    }
    const page = await agent.get(`/articles/${articleId}?layer=all`).expect(200);
    expect(page.text).toContain("My claims (blind project)");
    expect(page.text).not.toContain('value="all"');
    expect(page.text).toContain(">Blind</span>");
    const data = JSON.parse(
      /<script type="application\/json" id="workspace-data">(.*?)<\/script>/s.exec(page.text)![1]!,
    );
    expect(data.claims.map((claim: { annotator: { id: number } }) => claim.annotator.id)).toEqual([ann.id]);
    const listed = await agent.get(`/api/v1/claims?article=${articleId}`).expect(200);
    expect(listed.body.claims.map((claim: { annotator: { id: number } }) => claim.annotator.id)).toEqual([
      ann.id,
    ]);
  });

  it("lets researchers see every layer", async () => {
    const all = await agents[researcher.email]!.get(`/api/v1/articles/${articleId}?layer=all`).expect(200);
    expect(all.body.claims).toHaveLength(2);
  });
});
