import request from "supertest";
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
let annotator: CurrentUser;
let agent: Agent;
let article: Awaited<ReturnType<typeof makeArticle>>;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await makeUser(app.db, "admin");
  annotator = await makeUser(app.db, "annotator");
  const project = await makeProject(app.db, admin, [annotator]);
  article = await makeArticle(app.db, admin, project.id);
  agent = await loginAgent(app, annotator.email);
});
afterAll(() => app.close());

async function createToken(scope: "read" | "write"): Promise<string> {
  const created = await agent
    .post("/profile/tokens")
    .type("form")
    .send({ name: `script ${scope}`, scope, _csrf: await tokenFor(agent, "/profile/tokens") });
  expect(created.status).toBe(302);
  const page = await agent.get("/profile/tokens");
  const token = /data-testid="new-token">([^<]+)</.exec(page.text)?.[1];
  expect(token).toMatch(/^clm_/);
  expect((await agent.get("/profile/tokens")).text).not.toContain(token!);
  return token!;
}

const quote = "BAKU, Azerbaijan, Nov.3";

describe("personal API tokens", () => {
  it("are stored hashed, never in clear", async () => {
    const token = await createToken("read");
    const rows = await app.db.prisma.apiToken.findMany({ where: { userId: annotator.id } });
    expect(rows.some((row) => row.tokenHash === token)).toBe(false);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.tokenHash))).toBe(true);
  });

  it("let a script read with a read-only token, but not write (403)", async () => {
    const token = await createToken("read");
    const read = await request(app.url)
      .get(`/api/v1/articles/${article.id}`)
      .set("Authorization", `Bearer ${token}`);
    expect(read.status).toBe(200);
    expect(read.body.body).toBe(article.body);
    const write = await request(app.url)
      .post(`/api/v1/articles/${article.id}/claims`)
      .set("Authorization", `Bearer ${token}`)
      .send({ ...spanOf(article.body, quote), quote, type: "outlet" });
    expect(write.status).toBe(403);
    expect(write.body.error.message).toMatch(/read-only/);
  });

  it("let a read-write token create claims without a CSRF token (no cookies involved)", async () => {
    const token = await createToken("write");
    const write = await request(app.url)
      .post(`/api/v1/articles/${article.id}/claims`)
      .set("Authorization", `Bearer ${token}`)
      .send({ ...spanOf(article.body, quote), quote, type: "outlet" });
    expect(write.status).toBe(201);
    expect(write.body.annotator.id).toBe(annotator.id);
  });

  it("stop working once revoked (401), and unknown tokens get 401 too", async () => {
    const token = await createToken("read");
    const row = await app.db.prisma.apiToken.findFirstOrThrow({
      where: { userId: annotator.id, revokedAt: null },
      orderBy: { id: "desc" },
    });
    const revoke = await agent
      .post(`/profile/tokens/${row.id}/revoke`)
      .type("form")
      .send({ _csrf: await tokenFor(agent, "/profile/tokens") });
    expect(revoke.status).toBe(302);
    const after = await request(app.url)
      .get(`/api/v1/articles/${article.id}`)
      .set("Authorization", `Bearer ${token}`);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("unauthorized");
    const unknown = await request(app.url)
      .get(`/api/v1/articles/${article.id}`)
      .set("Authorization", "Bearer clm_nope");
    expect(unknown.status).toBe(401);
  });
});
