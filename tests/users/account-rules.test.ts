// Account rules that protect data when people leave or lose control of an account: resets and
// deactivations revoke API tokens, removed members see nothing of the project, password guessing
// through the profile is throttled, deletes name their version, and logged-out saves say so.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ThrottleLimits } from "../../src/auth/login-throttle.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  TEST_PASSWORD,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

let app: TestApp;
let admin: CurrentUser;
let adminAgent: Agent;
const limits: ThrottleLimits = {
  perAccountAddress: { freeFailures: 3, firstDelayMs: 60_000, maxDelayMs: 600_000 },
  perAddress: { freeFailures: 50, firstDelayMs: 60_000, maxDelayMs: 600_000 },
  perAccount: { freeFailures: 100, firstDelayMs: 1000, maxDelayMs: 60_000 },
  forgetAfterMs: 3_600_000,
};

beforeAll(async () => {
  app = await startTestApp({ throttleLimits: limits });
  admin = await makeUser(app.db, "admin");
  adminAgent = await loginAgent(app, admin.email);
});
afterAll(() => app.close());

async function adminAction(userId: number, action: string, extra: object = {}) {
  const user = await app.db.prisma.user.findUniqueOrThrow({ where: { id: userId } });
  return adminAgent
    .post(`/admin/users/${userId}/${action}`)
    .type("form")
    .send({ version: user.version, _csrf: await tokenFor(adminAgent, `/admin/users/${userId}`), ...extra });
}

const withToken = (token: string) =>
  request(app.url).get("/api/v1/claims").set("Authorization", `Bearer ${token}`);

describe("API tokens of an account that may be in the wrong hands", () => {
  it.each([["password"], ["deactivate"]])(
    "an admin's %s action revokes every token of the user",
    async (action) => {
      const user = await makeUser(app.db, "researcher");
      const tokens = [
        (await createApiToken(app.db.prisma, user.id, "read script", "read")).token,
        (await createApiToken(app.db.prisma, user.id, "write script", "write")).token,
      ];
      for (const token of tokens) expect((await withToken(token)).status).toBe(200);
      expect((await adminAction(user.id, action)).status).toBe(302);
      for (const token of tokens) expect((await withToken(token)).status).toBe(401);
      if (action === "deactivate") {
        expect((await adminAction(user.id, "reactivate")).status).toBe(302);
        for (const token of tokens) expect((await withToken(token)).status).toBe(401);
      }
      const revoked = await app.db.prisma.apiToken.findMany({ where: { userId: user.id } });
      expect(revoked.every((token) => token.revokedAt !== null)).toBe(true);
    },
  );

  it("the profile and token pages say so", async () => {
    const user = await makeUser(app.db, "annotator");
    const agent = await loginAgent(app, user.email);
    expect((await agent.get("/profile")).text).toContain("all your API tokens are revoked");
    expect((await agent.get("/profile/tokens")).text).toContain("revokes all your tokens");
  });
});

describe("a member removed from a project", () => {
  let member: CurrentUser;
  let agent: Agent;
  let token: string;
  let projectId: number;
  let articleId: number;

  beforeAll(async () => {
    member = await makeUser(app.db, "annotator");
    const project = await makeProject(app.db, admin, [member]);
    projectId = project.id;
    const article = await makeArticle(app.db, admin, project.id);
    articleId = article.id;
    agent = await loginAgent(app, member.email);
    token = (await createApiToken(app.db.prisma, member.id, "script", "read")).token;
    const quote = "Fans cheered.";
    const saved = await agent
      .post(`/api/v1/articles/${article.id}/claims`)
      .set("X-CSRF-Token", await tokenFor(agent))
      .send({ ...spanOf(article.body, quote), quote, type: "direct", note: "member's claim" });
    expect(saved.status).toBe(201);
    expect((await agent.get("/api/v1/claims")).body.total).toBe(1);
    const remove = await adminAgent
      .post(`/projects/${project.id}/members/${member.id}/remove`)
      .type("form")
      .send({ _csrf: await tokenFor(adminAgent, `/projects/${project.id}`) });
    expect(remove.status).toBe(302);
  });

  it("sees none of its claims in the Claims page, its count, its charts or the API", async () => {
    const page = await agent.get("/claims");
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("Fans cheered.");
    expect((await agent.get("/claims/count")).body.total).toBe(0);
    expect((await agent.get("/api/v1/claims")).body.total).toBe(0);
    expect((await withToken(token)).body.total).toBe(0);
    expect((await agent.get(`/api/v1/claims?project=${projectId}`)).body.claims).toEqual([]);
    const chart = await agent.get("/claims/charts/speakers.svg").buffer(true);
    expect(chart.status).toBe(200);
    expect(String(chart.body)).not.toContain("(no speaker)");
  });

  it("sees neither the project nor its articles anywhere", async () => {
    expect((await agent.get("/projects")).text).not.toContain(`/projects/${projectId}"`);
    expect((await agent.get("/")).text).not.toContain(`/articles/${articleId}"`);
    for (const path of [
      `/projects/${projectId}`,
      `/articles/${articleId}`,
      `/api/v1/articles/${articleId}`,
      `/api/v1/projects/${projectId}`,
      `/api/v1/projects/${projectId}/speakers`,
      `/projects/${projectId}/speakers`,
    ]) {
      expect((await agent.get(path)).status, path).toBe(404);
    }
  });

  it("cannot export (annotators never can) and researchers still see the claim", async () => {
    expect((await agent.get("/export/claims.csv")).status).toBe(403);
    const researcher = await loginAgent(app, (await makeUser(app.db, "researcher")).email);
    expect((await researcher.get(`/api/v1/claims?project=${projectId}`)).body.total).toBe(1);
  });
});

describe("versioned deletes and 409s", () => {
  let agent: Agent;
  let articleBody: string;
  let articleId: number;

  beforeAll(async () => {
    const annotator = await makeUser(app.db, "annotator");
    const project = await makeProject(app.db, admin, [annotator]);
    const article = await makeArticle(app.db, admin, project.id);
    articleBody = article.body;
    articleId = article.id;
    agent = await loginAgent(app, annotator.email);
  });

  async function create() {
    const quote = "Fans cheered.";
    const response = await agent
      .post(`/api/v1/articles/${articleId}/claims`)
      .set("X-CSRF-Token", await tokenFor(agent))
      .send({ ...spanOf(articleBody, quote), quote, type: "direct" });
    return response.body as { id: number; version: number };
  }

  it("refuses a delete without a version (422), like an edit without one", async () => {
    const claim = await create();
    const response = await agent
      .delete(`/api/v1/claims/${claim.id}`)
      .set("X-CSRF-Token", await tokenFor(agent));
    expect(response.status).toBe(422);
    expect(response.body.error.field).toBe("version");
    expect(await app.db.prisma.claim.findUnique({ where: { id: claim.id } })).toMatchObject({
      deletedAt: null,
    });
  });

  it("answers a stale edit or delete with 409 carrying the current version", async () => {
    const claim = await create();
    const csrf = await tokenFor(agent);
    const edited = await agent
      .patch(`/api/v1/claims/${claim.id}`)
      .set("X-CSRF-Token", csrf)
      .send({ version: 1, note: "a" });
    expect(edited.status).toBe(200);
    const staleEdit = await agent
      .patch(`/api/v1/claims/${claim.id}`)
      .set("X-CSRF-Token", csrf)
      .send({ version: 1, note: "b" });
    expect(staleEdit.status).toBe(409);
    expect(staleEdit.body.error.current.version).toBe(2);
    expect(staleEdit.body.error.currentVersion).toBe(2);
    const staleDelete = await agent
      .delete(`/api/v1/claims/${claim.id}`)
      .set("X-CSRF-Token", csrf)
      .send({ version: 1 });
    expect(staleDelete.status).toBe(409);
    expect(staleDelete.body.error.currentVersion).toBe(2);
  });
});

describe("wrong current passwords on the password form", () => {
  it("earn the login back-off: past the free failures a 429 with Retry-After, even with the right one", async () => {
    const user = await makeUser(app.db, "researcher");
    const agent = await loginAgent(app, user.email);
    const change = async (currentPassword: string) =>
      agent
        .post("/profile/password")
        .type("form")
        .send({
          currentPassword,
          newPassword: "a brand new password",
          confirmPassword: "a brand new password",
          _csrf: await tokenFor(agent, "/profile/password"),
        });
    for (let attempt = 0; attempt <= limits.perAccountAddress.freeFailures; attempt += 1) {
      expect((await change(`wrong guess ${attempt}`)).status).toBe(422);
    }
    const locked = await change(TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    const stored = await app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.version).toBe(user.version);
  });
});

describe("a save after the session has ended", () => {
  it("says plainly that the user is logged out (401), not that the form came from elsewhere", async () => {
    const user = await makeUser(app.db, "annotator");
    const agent = await loginAgent(app, user.email);
    const csrf = await tokenFor(agent);
    await app.db.prisma.session.deleteMany({ where: { userId: user.id } });
    const response = await agent
      .post("/api/v1/articles/1/claims")
      .set("X-CSRF-Token", csrf)
      .send({ start: 0, end: 1, quote: "x", type: "direct" });
    expect(response.status).toBe(401);
    expect(response.body.error.message).toMatch(/^You are logged out/);
    const again = await loginAgent(app, user.email);
    expect((await again.get("/api/v1/claims")).status).toBe(200);
  });
});
