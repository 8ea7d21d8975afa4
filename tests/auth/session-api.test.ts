// GET /api/v1/session: who is logged in and this session's CSRF token, so that a page whose token
// went stale (its user logged in again elsewhere) can save again; and what a write answers once
// the session has ended, whichever way it ended.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { loginAgent, makeUser, startTestApp, tokenFor, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const LOGGED_OUT = /^You are logged out, so this was not saved\./;

describe("GET /api/v1/session", () => {
  it("answers the user and a CSRF token that this session's writes accept", async () => {
    const user = await makeUser(app.db, "annotator", { name: "Sam Session" });
    const agent = await loginAgent(app, user.email);
    const session = await agent.get("/api/v1/session");
    expect(session.status).toBe(200);
    expect(session.headers["cache-control"]).toBe("no-store");
    expect(session.body).toEqual({
      user: { id: user.id, name: "Sam Session", role: "annotator" },
      csrfToken: expect.stringMatching(/^\S{16,}$/),
    });
    const write = await agent
      .post("/api/v1/projects")
      .set("X-CSRF-Token", session.body.csrfToken)
      .send({ name: "x" });
    // The token passed: an annotator may not create projects, which is a role answer, not a CSRF one.
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe("forbidden");
  });

  it("answers 401 with the usual JSON error when logged out", async () => {
    const response = await request(app.url).get("/api/v1/session").set("Accept", "application/json");
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: "unauthorized" });
  });

  it("gives a bearer token's caller no CSRF token (it writes without one)", async () => {
    const user = await makeUser(app.db, "researcher");
    const { token } = await createApiToken(app.db.prisma, user.id, "t", "read");
    const response = await request(app.url).get("/api/v1/session").set("Authorization", `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      user: { id: user.id, name: user.name, role: "researcher" },
      csrfToken: null,
    });
  });
});

describe("a write after the session ended", () => {
  async function claimWrite(ended: "logout" | "deactivated") {
    const admin = await makeUser(app.db, "admin");
    const user = await makeUser(app.db, "annotator");
    const project = await makeProject(app.db, admin, [user]);
    const article = await makeArticle(app.db, admin, project.id);
    const agent = await loginAgent(app, user.email);
    const csrf = await tokenFor(agent);
    if (ended === "logout") {
      await agent.post("/logout").type("form").send({ _csrf: csrf });
    } else {
      await app.db.prisma.user.update({ where: { id: user.id }, data: { active: false } });
    }
    const quote = article.body.slice(0, 4);
    const response = await agent
      .post(`/api/v1/articles/${article.id}/claims`)
      .set("X-CSRF-Token", csrf)
      .send({ ...spanOf(article.body, quote), quote, type: "direct" });
    return { response, agent, user, csrf, article, quote };
  }

  it.each(["logout", "deactivated"] as const)(
    "answers 401 'You are logged out…' (%s), not a CSRF error",
    async (ended) => {
      const { response, agent } = await claimWrite(ended);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe("unauthorized");
      expect(response.body.error.message).toMatch(LOGGED_OUT);
      expect((await agent.get("/api/v1/session")).status).toBe(401);
    },
  );

  it("after logging in again, refuses the old token as CSRF (403) and accepts the session's new one", async () => {
    const { user, csrf, article, quote } = await claimWrite("logout");
    const again = await loginAgent(app, user.email);
    // The same browser: the old page's token, the new session's cookie.
    const body = { ...spanOf(article.body, quote), quote, type: "direct" };
    const stale = await again
      .post(`/api/v1/articles/${article.id}/claims`)
      .set("X-CSRF-Token", csrf)
      .send(body);
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe("csrf");
    const fresh = (await again.get("/api/v1/session")).body.csrfToken as string;
    const saved = await again
      .post(`/api/v1/articles/${article.id}/claims`)
      .set("X-CSRF-Token", fresh)
      .send(body);
    expect(saved.status).toBe(201);
  });
});
