import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  csrfFrom,
  loginAgent,
  makeUser,
  startTestApp,
  TEST_PASSWORD,
  tokenFor,
  type TestApp,
} from "../helpers/test-app.js";

let app: TestApp;
let adminEmail: string;
beforeAll(async () => {
  app = await startTestApp({ env: { TRUST_PROXY: "1" } });
  adminEmail = (await makeUser(app.db, "admin")).email;
});
afterAll(() => app.close());

describe("security headers", () => {
  it("sends a Content-Security-Policy without inline script or eval, and the usual helmet headers", async () => {
    const response = await request(app.url).get("/login");
    const csp = response.headers["content-security-policy"] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["x-powered-by"]).toBeUndefined();
    expect(response.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("pages carry no inline script", async () => {
    const response = await request(app.url).get("/login");
    expect(response.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(response.text).not.toMatch(/\son[a-z]+="/);
  });
});

describe("cookies", () => {
  /** The login form's cookie and the session cookie, both set over `proto` (as a proxy says). */
  async function cookiesOver(proto = "http") {
    const page = await request(app.url).get("/login").set("X-Forwarded-Proto", proto);
    const csrf = page.headers["set-cookie"]![0]!;
    const login = await request(app.url)
      .post("/login")
      .set("X-Forwarded-Proto", proto)
      .set("Cookie", csrf.split(";")[0]!)
      .type("form")
      .send({ email: adminEmail, password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });
    expect(login.status).toBe(302);
    return { csrf, session: login.headers["set-cookie"]![0]! };
  }

  it("are HttpOnly and SameSite=Lax, and not Secure over plain HTTP", async () => {
    const { csrf, session } = await cookiesOver();
    expect(csrf).toMatch(/^claimant\.csrf=/);
    expect(session).toMatch(/^claimant\.sid=/);
    for (const cookie of [csrf, session]) {
      expect(cookie).toContain("HttpOnly");
      expect(cookie).toContain("SameSite=Lax");
      expect(cookie).not.toContain("Secure");
    }
  });

  it("are Secure when the request came over TLS through a trusted proxy", async () => {
    const { csrf, session } = await cookiesOver("https");
    expect(csrf).toContain("Secure");
    expect(session).toContain("Secure");
  });
});

describe("CSRF protection", () => {
  it("refuses a form without the token, and one with a token from another session", async () => {
    const agent = await loginAgent(app, adminEmail);
    const missing = await agent.post("/profile").type("form").send({ name: "Mallory", version: 1 });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain("Reload the page and try again");

    const other = await loginAgent(app, adminEmail);
    const foreign = await agent
      .post("/profile")
      .type("form")
      .send({ name: "Mallory", version: 1, _csrf: await tokenFor(other) });
    expect(foreign.status).toBe(403);
  });

  it("accepts the token in the X-CSRF-Token header for fetch, and answers JSON errors as JSON", async () => {
    const agent = await loginAgent(app, adminEmail);
    const page = await agent.get("/profile");
    const metaToken = /<meta name="csrf-token" content="([^"]+)">/.exec(page.text)![1]!;
    const version = /name="version" value="(\d+)"/.exec(page.text)![1]!;
    const withHeader = await agent
      .post("/profile")
      .set("X-CSRF-Token", metaToken)
      .send({ name: "Header Person", version: Number(version) });
    expect(withHeader.status).toBe(302);

    const refused = await agent
      .post("/profile")
      .set("Accept", "application/json")
      .send({ name: "No Token", version: Number(version) + 1 });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({ code: "csrf", message: expect.stringContaining("Reload the page") });
  });

  it("refuses a login form posted without a token", async () => {
    const response = await request(app.url)
      .post("/login")
      .type("form")
      .send({ email: adminEmail, password: "x" });
    expect(response.status).toBe(403);
  });
});

describe("error pages", () => {
  it("answers unknown pages with the app's own 404 page, and /api paths with JSON", async () => {
    const agent = await loginAgent(app, adminEmail);
    const page = await agent.get("/no/such/page");
    expect(page.status).toBe(404);
    expect(page.headers["content-type"]).toMatch(/html/);
    expect(page.text).toContain("Not found");
    expect(page.text).toContain("Claimant");
    const api = await agent.get("/api/v1/nothing-here");
    expect(api.status).toBe(404);
    expect(api.body).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("limits body size with a clear 413 and no stack trace", async () => {
    const agent = await loginAgent(app, adminEmail);
    const page = await agent.get("/profile");
    const response = await agent
      .post("/profile")
      .type("form")
      .send({ name: "x".repeat(300_000), _csrf: csrfFrom(page.text) });
    expect(response.status).toBe(413);
    expect(response.text).toContain("too large");
    expect(response.text).not.toMatch(/at .+\.(ts|js):\d+/);
  });

  it("escapes user text in pages", async () => {
    const user = await makeUser(app.db, "annotator", { name: `<script>alert("x")</script>` });
    const agent = await loginAgent(app, adminEmail);
    const page = await agent.get(`/admin/users/${user.id}`);
    expect(page.text).not.toContain(`<script>alert("x")</script>`);
    expect(page.text).toContain("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;");
  });
});
