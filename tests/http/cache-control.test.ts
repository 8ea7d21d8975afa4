// Answers about someone (pages, JSON, downloads) are never stored by a browser or a proxy cache;
// the public static files keep their caching.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAgent, makeUser, startTestApp, type Agent, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
let researcher: Agent;
beforeAll(async () => {
  app = await startTestApp({ env: { NODE_ENV: "production", SESSION_SECRET: "x".repeat(40) } });
  researcher = await loginAgent(app, (await makeUser(app.db, "researcher")).email);
});
afterAll(() => app.close());

describe("Cache-Control", () => {
  it.each([
    ["the login page", "/login", 200],
    ["a logged-out visit's redirect", "/projects", 302],
    ["an unknown page", "/no/such/page", 404],
    ["the health check", "/healthz", 200],
  ])("is no-store on %s (%s)", async (_what, path, status) => {
    const response = await request(app.url).get(path);
    expect(response.status).toBe(status);
    expect(response.headers["cache-control"]).toBe("no-store");
  });

  it("is no-store on a logged-in page, a JSON answer, a JSON error and an export", async () => {
    const answers = {
      page: await researcher.get("/profile"),
      json: await researcher.get("/api/v1/claims"),
      jsonError: await researcher.get("/api/v1/projects/999999"),
      export: await researcher.get("/export/claims.csv"),
      session: await researcher.get("/api/v1/session"),
    };
    expect(answers.page.status).toBe(200);
    expect(answers.json.status).toBe(200);
    expect(answers.json.headers["content-type"]).toMatch(/json/);
    expect(answers.jsonError.status).toBe(404);
    expect(answers.export.status).toBe(200);
    expect(answers.export.headers["content-disposition"]).toMatch(/^attachment/);
    for (const [what, response] of Object.entries(answers)) {
      expect(response.headers["cache-control"], what).toBe("no-store");
    }
  });

  it("leaves the static files cacheable", async () => {
    for (const path of ["/static/css/app.css", "/static/favicon.svg"]) {
      const response = await request(app.url).get(path);
      expect(response.status).toBe(200);
      expect(response.headers["cache-control"]).toBe("public, max-age=3600");
    }
  });
});
