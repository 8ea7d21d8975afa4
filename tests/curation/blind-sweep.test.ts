import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeArticle, makeProject } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

const SECRET = "Bo-only-note-7f3a";

/**
 * A blind project before curation: an annotator asks for a colleague's claims and the gold layer
 * every way the product offers (pages, API, search, exports, agreement, curation) and never gets
 * them. Bo's claim carries a note nobody else wrote, so any leak shows in a response body.
 */
describe("a blind project keeps every other layer from annotators", () => {
  let app: TestApp;
  let ann: Agent;
  let token: string;
  let bo: CurrentUser;
  let projectId: number;
  let articleId: number;
  let boClaimId: number;
  let goldClaimId: number;

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await makeUser(app.db, "admin");
    const annUser = await makeUser(app.db, "annotator", { name: "Ann" });
    bo = await makeUser(app.db, "annotator", { name: "Bo" });
    projectId = (await makeProject(app.db, admin, [annUser, bo])).id;
    await app.db.prisma.project.update({ where: { id: projectId }, data: { blind: true } });
    articleId = (await makeArticle(app.db, admin, projectId)).id;
    const claim = (annotatorId: number, layer: "annotator" | "gold", note: string) =>
      app.db.prisma.claim.create({
        data: {
          articleId,
          projectId,
          annotatorId,
          layer,
          start: 0,
          end: 4,
          quote: "BAKU",
          prefix: "",
          suffix: "",
          type: "direct",
          note,
        },
      });
    boClaimId = (await claim(bo.id, "annotator", SECRET)).id;
    goldClaimId = (await claim(admin.id, "gold", SECRET)).id;
    await claim(annUser.id, "annotator", "Ann's own note");
    ann = await loginAgent(app, annUser.email);
    token = await tokenFor(ann);
  });
  afterAll(async () => {
    await app?.close();
  });

  const reads = () => [
    `/articles/${articleId}`,
    `/articles/${articleId}?layer=all`,
    `/articles/${articleId}?layer=${bo.id}`,
    `/articles/${articleId}?layer=gold`,
    `/api/v1/articles/${articleId}?layer=all`,
    `/api/v1/articles/${articleId}?layer=${bo.id}`,
    `/api/v1/articles/${articleId}?layer=gold`,
    `/claims`,
    `/claims?annotator=${bo.id}`,
    `/claims?layer=gold`,
    `/claims?q=BAKU`,
    `/claims/count?layer=gold`,
    `/api/v1/claims?annotator=${bo.id}`,
    `/api/v1/claims?layer=gold`,
    `/api/v1/claims?q=BAKU&layer=gold`,
    `/export/claims.csv?layer=gold`,
    `/export/claims.jsonl?annotator=${bo.id}`,
    `/projects/${projectId}/agreement`,
    `/projects/${projectId}/agreement/fields.csv`,
    `/api/v1/projects/${projectId}/agreement`,
    `/articles/${articleId}/curate`,
    `/articles/${articleId}/curate/state`,
    `/projects/${projectId}`,
  ];

  it("answers every read without the colleague's or the gold claims", async () => {
    for (const path of reads()) {
      const response = await ann.get(path);
      expect(response.status, path).toBeLessThan(500);
      expect(response.text, path).not.toContain(SECRET);
      if (response.headers["content-type"]?.includes("json") && response.status === 200) {
        const ids = JSON.stringify(response.body).match(/"id":(\d+)/g) ?? [];
        expect(ids, path).not.toContain(`"id":${boClaimId}`);
        expect(ids, path).not.toContain(`"id":${goldClaimId}`);
      }
    }
  });

  it("serves the same secret to a researcher, so the sweep above would see a leak", async () => {
    const researcher = await makeUser(app.db, "researcher");
    const agent = await loginAgent(app, researcher.email);
    for (const path of [
      `/api/v1/articles/${articleId}?layer=all`,
      `/api/v1/articles/${articleId}?layer=gold`,
    ]) {
      expect((await agent.get(path).expect(200)).text, path).toContain(SECRET);
    }
  });

  it("refuses to change or decide on another's claim or a gold claim", async () => {
    const send = (method: "patch" | "delete" | "post", path: string, body: object = {}) =>
      ann[method](path).set("X-CSRF-Token", token).send(body);
    expect((await send("patch", `/api/v1/claims/${boClaimId}`, { version: 1, note: "x" })).status).toBe(403);
    expect((await send("patch", `/api/v1/claims/${goldClaimId}`, { version: 1, note: "x" })).status).toBe(
      403,
    );
    expect((await send("delete", `/api/v1/claims/${goldClaimId}`, { version: 1 })).status).toBe(403);
    expect((await send("post", `/api/v1/claims/${boClaimId}/reject`)).status).toBe(403);
    expect((await send("post", `/api/v1/articles/${articleId}/curated`, { curated: true })).status).toBe(403);
    const untouched = await app.db.prisma.claim.findMany({ where: { id: { in: [boClaimId, goldClaimId] } } });
    expect(untouched.map((claim) => [claim.note, claim.version, claim.deletedAt])).toEqual([
      [SECRET, 1, null],
      [SECRET, 1, null],
    ]);
  });
});
