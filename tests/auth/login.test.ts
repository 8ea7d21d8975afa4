import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ThrottleLimits } from "../../src/auth/login-throttle.js";
import { csrfFrom, makeUser, startTestApp, TEST_PASSWORD, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
const MINUTE = 60_000;
// Waits of minutes, so that no test races the clock: time "passes" by moving the rows back.
const limits: ThrottleLimits = {
  perAccountAddress: { freeFailures: 3, firstDelayMs: MINUTE, maxDelayMs: 8 * MINUTE },
  perAddress: { freeFailures: 8, firstDelayMs: MINUTE, maxDelayMs: 8 * MINUTE },
  perAccount: { freeFailures: 6, firstDelayMs: MINUTE / 2, maxDelayMs: MINUTE },
  forgetAfterMs: 60 * MINUTE,
};

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
    // Logged out, the visitor has no session: only the login form's own CSRF cookie.
    const cookies = (page.headers["set-cookie"] ?? []) as unknown as string[];
    expect(cookies.map((cookie) => cookie.split("=")[0])).toEqual(["claimant.csrf"]);
    const response = await agent
      .post("/login")
      .type("form")
      .send({ email: user.email.toUpperCase(), password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe("/");
    const loggedInCookie = response.headers["set-cookie"]?.[0]?.split(";")[0];
    expect(loggedInCookie).toMatch(/^claimant\.sid=/);
    expect(await app.db.prisma.session.count({ where: { userId: user.id } })).toBe(1);
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

/** Moves an account's failed-login rows `ms` into the past, as if that much time had gone by. */
async function passTime(email: string, ms: number) {
  await app.db.prisma.$executeRaw`
    UPDATE login_throttles
    SET last_failure_at = last_failure_at - make_interval(secs => ${ms / 1000}::float8),
        locked_until = locked_until - make_interval(secs => ${ms / 1000}::float8)
    WHERE account = ${email}`;
}

describe("the failed-login back-off", () => {
  it("makes an address that keeps failing on an account wait, says until when, and lets it in after", async () => {
    const user = await makeUser(app.db, "annotator");
    const ip = "192.0.2.1";
    for (let attempt = 1; attempt <= limits.perAccountAddress.freeFailures + 1; attempt += 1) {
      expect((await attemptLogin(user.email, `wrong ${attempt}`, { ip })).response.status).toBe(401);
    }
    // The fourth failure earned a one-minute wait: even the right password waits, on the form.
    const waiting = (await attemptLogin(user.email, TEST_PASSWORD, { ip })).response;
    expect(waiting.status).toBe(429);
    const retryAfter = Number(waiting.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(50);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(waiting.text).toMatch(
      /Too many failed attempts\. Try again after \d\d:\d\d:\d\d UTC \(in \d+ seconds\)/,
    );
    expect(waiting.text).toContain('action="/login"');
    expect(waiting.text).toContain(`value="${user.email}"`);
    // Refused attempts are not counted: hammering during the wait does not make it longer.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await attemptLogin(user.email, "hammer", { ip })).response.status).toBe(429);
    }
    const row = await app.db.prisma.loginThrottle.findFirstOrThrow({
      where: { account: user.email, address: ip },
    });
    expect(row.failures).toBe(limits.perAccountAddress.freeFailures + 1);

    await passTime(user.email, MINUTE + 1000);
    expect((await attemptLogin(user.email, TEST_PASSWORD, { ip })).response.status).toBe(302);
    // The right password forgave this address's failures on the account.
    expect(await app.db.prisma.loginThrottle.count({ where: { account: user.email, address: ip } })).toBe(0);
  });

  it("does not let an outsider keep the real user out, the admin included", async () => {
    const admin = await makeUser(app.db, "admin");
    // An outsider hammers the admin's email from one address, then from a few more.
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const status = (await attemptLogin(admin.email, `guess ${attempt}`, { ip: "203.0.113.66" })).response
        .status;
      expect([401, 429]).toContain(status);
    }
    for (let octet = 1; octet <= 4; octet += 1) {
      expect((await attemptLogin(admin.email, "guess", { ip: `203.0.113.${octet}` })).response.status).toBe(
        401,
      );
    }
    // The account as a whole is past its free failures (6): addresses that failed on it now wait.
    expect((await attemptLogin(admin.email, TEST_PASSWORD, { ip: "203.0.113.1" })).response.status).toBe(429);
    expect((await attemptLogin(admin.email, TEST_PASSWORD, { ip: "203.0.113.66" })).response.status).toBe(
      429,
    );
    // The admin's own address has no failures on the account: the right password gets in at once.
    const { agent, response } = await attemptLogin(admin.email, TEST_PASSWORD, { ip: "198.51.100.200" });
    expect(response.status).toBe(302);
    expect((await agent.get("/admin/users")).status).toBe(200);
  });

  it("makes an address that fails across many accounts wait, and no other address", async () => {
    const ip = "192.0.2.200";
    for (let attempt = 1; attempt <= limits.perAddress.freeFailures + 1; attempt += 1) {
      const { response } = await attemptLogin(`someone${attempt}@example.org`, "wrong", { ip });
      expect(response.status).toBe(401);
    }
    const user = await makeUser(app.db, "annotator");
    expect((await attemptLogin(user.email, TEST_PASSWORD, { ip })).response.status).toBe(429);
    expect((await attemptLogin(user.email, TEST_PASSWORD, { ip: "192.0.2.201" })).response.status).toBe(302);
  });
});
