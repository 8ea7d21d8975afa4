import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfFrom, makeUser, startTestApp, TEST_PASSWORD, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
const limits = { perAccount: 3, perAddress: 6, windowMs: 60_000, lockMs: 60_000 };

beforeAll(async () => {
  app = await startTestApp({ throttleLimits: limits, env: { TRUST_PROXY: "true" } });
  await makeUser(app.db, "admin"); // so /login is not replaced by first-admin set-up
});
afterAll(() => app.close());

async function attemptLogin(email: string, password: string, options: { next?: string; ip?: string } = {}) {
  const agent = request.agent(app.url);
  const page = await agent.get("/login");
  const response = await agent
    .post("/login")
    .set("X-Forwarded-For", options.ip ?? "203.0.113.1")
    .type("form")
    .send({ email, password, next: options.next, _csrf: csrfFrom(page.text) });
  return { agent, response };
}

describe("logging in", () => {
  it("logs in with the right password, changes the session id and records the login", async () => {
    const user = await makeUser(app.db, "annotator");
    const agent = request.agent(app.url);
    const page = await agent.get("/login");
    const anonymousCookie = page.headers["set-cookie"]?.[0]?.split(";")[0];
    const response = await agent
      .post("/login")
      .type("form")
      .send({ email: user.email.toUpperCase(), password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe("/");
    const loggedInCookie = response.headers["set-cookie"]?.[0]?.split(";")[0];
    expect(loggedInCookie).toBeDefined();
    expect(loggedInCookie).not.toBe(anonymousCookie);
    const dashboard = await agent.get("/");
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain(user.name);
    const stored = await app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.lastLoginAt).toBeInstanceOf(Date);
  });

  it("gives a wrong email and a wrong password the same answer", async () => {
    const user = await makeUser(app.db, "annotator");
    const wrongPassword = await attemptLogin(user.email, "not the password", { ip: "198.51.100.7" });
    const wrongEmail = await attemptLogin("nobody@example.org", TEST_PASSWORD, { ip: "198.51.100.8" });
    expect(wrongPassword.response.status).toBe(401);
    expect(wrongEmail.response.status).toBe(401);
    const message = (html: string) =>
      /<p class="flash flash-error" role="alert">([^<]+)<\/p>/.exec(html)?.[1];
    expect(message(wrongPassword.response.text)).toBeTruthy();
    expect(message(wrongPassword.response.text)).toBe(message(wrongEmail.response.text));
    expect(wrongPassword.response.text).toContain(`value="${user.email}"`);
  });

  it("sends a logged-out visitor to /login and back to where they were going", async () => {
    const user = await makeUser(app.db, "admin");
    const visit = await request(app.url).get("/admin/users?sort=name");
    expect(visit.status).toBe(302);
    expect(visit.headers.location).toBe("/login?next=%2Fadmin%2Fusers%3Fsort%3Dname");
    const { response } = await attemptLogin(user.email, TEST_PASSWORD, {
      next: "/admin/users?sort=name",
      ip: "198.51.100.9",
    });
    expect(response.headers.location).toBe("/admin/users?sort=name");
  });

  it.each(["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])(
    "refuses to redirect off-site after login (%s)",
    async (next) => {
      const user = await makeUser(app.db, "researcher");
      const { response } = await attemptLogin(user.email, TEST_PASSWORD, { next, ip: "198.51.100.10" });
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe("/");
    },
  );

  it("logs out on the server: the old session cookie no longer works", async () => {
    const user = await makeUser(app.db, "annotator");
    const { agent, response: login } = await attemptLogin(user.email, TEST_PASSWORD, { ip: "198.51.100.12" });
    const cookie = login.headers["set-cookie"]?.[0]?.split(";")[0];
    const page = await agent.get("/");
    expect(page.status).toBe(200);
    const logout = await agent
      .post("/logout")
      .type("form")
      .send({ _csrf: csrfFrom(page.text) });
    expect(logout.status).toBe(302);
    expect(logout.headers.location).toBe("/login");
    const replay = await request(app.url).get("/").set("Cookie", cookie!);
    expect(replay.status).toBe(302);
    expect(replay.headers.location).toMatch(/^\/login/);
  });

  it("refuses a deactivated user with a message that says so", async () => {
    const user = await makeUser(app.db, "annotator");
    await app.db.prisma.user.update({ where: { id: user.id }, data: { active: false } });
    const { response } = await attemptLogin(user.email, TEST_PASSWORD, { ip: "198.51.100.11" });
    expect(response.status).toBe(401);
    expect(response.text).toContain("deactivated");
  });
});

describe("throttling failed logins", () => {
  it("locks an account after repeated failures, with a 429 page that says when to retry", async () => {
    const user = await makeUser(app.db, "annotator");
    for (let attempt = 1; attempt <= limits.perAccount; attempt += 1) {
      const { response } = await attemptLogin(user.email, "wrong", { ip: `192.0.2.${attempt}` });
      expect(response.status).toBe(401);
    }
    // Even the right password is refused while the account is locked, from any address.
    const { response } = await attemptLogin(user.email, TEST_PASSWORD, { ip: "192.0.2.99" });
    expect(response.status).toBe(429);
    expect(Number(response.headers["retry-after"])).toBeGreaterThan(0);
    expect(response.text).toContain("Too many failed attempts");
    expect(response.text).toMatch(/Try again after \d\d:\d\d UTC/);
  });

  it("locks a client address that fails across many accounts", async () => {
    const ip = "192.0.2.200";
    for (let attempt = 1; attempt <= limits.perAddress; attempt += 1) {
      const { response } = await attemptLogin(`someone${attempt}@example.org`, "wrong", { ip });
      expect(response.status).toBe(401);
    }
    const user = await makeUser(app.db, "annotator");
    expect((await attemptLogin(user.email, TEST_PASSWORD, { ip })).response.status).toBe(429);
    expect((await attemptLogin(user.email, TEST_PASSWORD, { ip: "192.0.2.201" })).response.status).toBe(302);
  });
});
