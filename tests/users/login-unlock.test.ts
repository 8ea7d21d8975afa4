// An admin sees a user's failed-login waits on the user's page and can clear them (audited).
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ThrottleLimits } from "../../src/auth/login-throttle.js";
import {
  csrfFrom,
  loginAgent,
  makeUser,
  startTestApp,
  TEST_PASSWORD,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

const limits: ThrottleLimits = {
  perAccountAddress: { freeFailures: 2, firstDelayMs: 60_000, maxDelayMs: 600_000 },
  perAddress: { freeFailures: 50, firstDelayMs: 60_000, maxDelayMs: 600_000 },
  perAccount: { freeFailures: 100, firstDelayMs: 1000, maxDelayMs: 60_000 },
  forgetAfterMs: 3_600_000,
};

let app: TestApp;
let adminAgent: Agent;
beforeAll(async () => {
  app = await startTestApp({ throttleLimits: limits, env: { TRUST_PROXY: "true" } });
  adminAgent = await loginAgent(app, (await makeUser(app.db, "admin")).email);
});
afterAll(() => app.close());

async function attemptLogin(email: string, password: string, ip: string) {
  const agent = request.agent(app.url);
  const page = await agent.get("/login");
  return agent
    .post("/login")
    .set("X-Forwarded-For", ip)
    .type("form")
    .send({ email, password, _csrf: csrfFrom(page.text) });
}

const throttleShown = (html: string) =>
  /<dd data-testid="login-throttle">(.*?)<\/dd>/s.exec(html)?.[1]?.replace(/<[^>]+>/g, "");

describe("unlocking a user's logins", () => {
  it("shows 'locked until', and the admin's unlock lets the user in from the waiting address", async () => {
    const user = await makeUser(app.db, "researcher");
    const ip = "192.0.2.50";
    expect(throttleShown((await adminAgent.get(`/admin/users/${user.id}`)).text)).toBe("none");
    for (let attempt = 0; attempt <= limits.perAccountAddress.freeFailures; attempt += 1) {
      expect((await attemptLogin(user.email, "wrong", ip)).status).toBe(401);
    }
    expect((await attemptLogin(user.email, TEST_PASSWORD, ip)).status).toBe(429);

    const page = await adminAgent.get(`/admin/users/${user.id}`);
    expect(throttleShown(page.text)).toMatch(
      /^locked until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC for 1 address that failed \(3 failed attempts\)/,
    );
    expect(page.text).toContain(`action="/admin/users/${user.id}/unlock"`);

    const unlock = await adminAgent
      .post(`/admin/users/${user.id}/unlock`)
      .type("form")
      .send({ _csrf: csrfFrom(page.text) });
    expect(unlock.status).toBe(302);
    expect(unlock.headers.location).toBe(`/admin/users/${user.id}`);
    const after = await adminAgent.get(`/admin/users/${user.id}`);
    expect(after.text).toContain("can log in again from anywhere");
    expect(throttleShown(after.text)).toBe("none");
    expect(after.text).not.toContain(`action="/admin/users/${user.id}/unlock"`);
    expect(after.text).toContain("unlock login");

    const [event] = await app.db.prisma.auditEvent.findMany({
      where: { action: "user.unlock_login", subjectId: String(user.id) },
    });
    expect(event?.before).toMatchObject({
      failures: 3,
      addressesWaiting: 1,
      lockedUntil: expect.any(String),
    });

    expect((await attemptLogin(user.email, TEST_PASSWORD, ip)).status).toBe(302);
  });

  it("is for admins only, and needs the form's token", async () => {
    const user = await makeUser(app.db, "annotator");
    for (let attempt = 0; attempt <= limits.perAccountAddress.freeFailures; attempt += 1) {
      await attemptLogin(user.email, "wrong", "192.0.2.51");
    }
    const researcher = await loginAgent(app, (await makeUser(app.db, "researcher")).email);
    const refused = await researcher
      .post(`/admin/users/${user.id}/unlock`)
      .type("form")
      .send({ _csrf: await tokenFor(researcher) });
    expect(refused.status).toBe(403);
    const forged = await adminAgent
      .post(`/admin/users/${user.id}/unlock`)
      .type("form")
      .send({ _csrf: "forged" });
    expect(forged.status).toBe(403);
    expect(await app.db.prisma.loginThrottle.count({ where: { account: user.email } })).toBe(2);
    expect((await attemptLogin(user.email, TEST_PASSWORD, "192.0.2.51")).status).toBe(429);
  });
});
