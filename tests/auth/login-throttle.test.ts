// The login back-off's counting, straight on the database: how each key's wait grows and where it
// stops, that concurrent failures all count, and that a quiet period forgets them. Then what a
// person meets over HTTP once the free failures are used up: the login page, saying when to try.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertMayAttempt,
  defaultThrottleLimits,
  delayAfter,
  recordFailedAttempt,
  recordSuccessfulAttempt,
  type ThrottleLimits,
} from "../../src/auth/login-throttle.js";
import { TooManyRequestsError } from "../../src/errors.js";
import { csrfFrom, makeUser, startTestApp, TEST_PASSWORD, type TestApp } from "../helpers/test-app.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const MINUTE = 60_000;
const limits: ThrottleLimits = {
  perAccountAddress: { freeFailures: 3, firstDelayMs: MINUTE, maxDelayMs: 8 * MINUTE },
  perAddress: { freeFailures: 8, firstDelayMs: MINUTE, maxDelayMs: 8 * MINUTE },
  perAccount: { freeFailures: 6, firstDelayMs: MINUTE / 2, maxDelayMs: MINUTE },
  forgetAfterMs: 60 * MINUTE,
};

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const prisma = () => database.db.prisma;

/** Each row's wait in seconds after its last failure (0: no wait). */
async function waits(email: string, address: string) {
  const rows = await prisma().loginThrottle.findMany({
    where: { OR: [{ account: email }, { address, account: null }] },
  });
  const wait = (row: (typeof rows)[number] | undefined) =>
    row?.lockedUntil ? Math.round((row.lockedUntil.getTime() - row.lastFailureAt.getTime()) / 1000) : 0;
  return {
    pair: wait(rows.find((row) => row.account === email && row.address === address)),
    address: wait(rows.find((row) => row.account === null)),
    account: wait(rows.find((row) => row.account === email && row.address === null)),
  };
}

describe("the back-off", () => {
  it("grows with each failure past the free ones, doubling, and stops at the cap, per key", async () => {
    const attempt = { email: "Grow@Example.org", address: "192.0.2.10" };
    const seen: Awaited<ReturnType<typeof waits>>[] = [];
    for (let failure = 1; failure <= 11; failure += 1) {
      await recordFailedAttempt(prisma(), attempt, limits);
      seen.push(await waits("grow@example.org", attempt.address));
    }
    // Account and address: 3 free, then 1, 2, 4, 8 minutes, and 8 minutes from then on.
    expect(seen.map((wait) => wait.pair)).toEqual([0, 0, 0, 60, 120, 240, 480, 480, 480, 480, 480]);
    // The address across accounts: 8 free, then the same doubling.
    expect(seen.map((wait) => wait.address)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 60, 120, 240]);
    // The account across addresses: 6 free, then 30 s, capped at one minute.
    expect(seen.map((wait) => wait.account)).toEqual([0, 0, 0, 0, 0, 0, 30, 60, 60, 60, 60]);
    const row = await prisma().loginThrottle.findFirstOrThrow({ where: { account: "grow@example.org" } });
    expect(row.failures).toBe(11);
  });

  it("delayAfter states the same rule (used for the documented figures)", () => {
    const backOff = limits.perAccountAddress;
    expect([1, 3, 4, 5, 7, 8, 100, 10_000].map((n) => delayAfter(n, backOff) / 1000)).toEqual([
      0, 0, 60, 120, 480, 480, 480, 480,
    ]);
  });

  it("refuses with 429 while a key waits, saying when to come back", async () => {
    const attempt = { email: "wait@example.org", address: "192.0.2.11" };
    for (let failure = 0; failure < 3; failure += 1) await recordFailedAttempt(prisma(), attempt, limits);
    await expect(assertMayAttempt(prisma(), attempt, limits)).resolves.toBeUndefined();
    await recordFailedAttempt(prisma(), attempt, limits);
    const refusal = await assertMayAttempt(prisma(), attempt, limits).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TooManyRequestsError);
    const { retryAfterSeconds, message } = refusal as TooManyRequestsError;
    expect(retryAfterSeconds).toBeGreaterThan(50);
    expect(retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(message).toMatch(
      /^Too many failed attempts\. Try again after \d\d:\d\d:\d\d UTC \(in \d+ seconds\)/,
    );
    // Another address has no failures of its own on the account: it may try.
    await expect(
      assertMayAttempt(prisma(), { ...attempt, address: "192.0.2.12" }, limits),
    ).resolves.toBeUndefined();
  });

  it("counts every failure when many arrive at once", async () => {
    const attempt = { email: "race@example.org", address: "192.0.2.13" };
    await Promise.all(Array.from({ length: 10 }, () => recordFailedAttempt(prisma(), attempt, limits)));
    const rows = await prisma().loginThrottle.findMany({ where: { account: "race@example.org" } });
    expect(rows.map((row) => row.failures)).toEqual([10, 10]);
  });

  it("forgets a key's failures after a quiet period, and the right password forgets its own", async () => {
    const attempt = { email: "quiet@example.org", address: "192.0.2.14" };
    for (let failure = 0; failure < 5; failure += 1) await recordFailedAttempt(prisma(), attempt, limits);
    await prisma().$executeRaw`
      UPDATE login_throttles
      SET last_failure_at = last_failure_at - interval '61 minutes', locked_until = locked_until - interval '61 minutes'
      WHERE account = 'quiet@example.org'`;
    await recordFailedAttempt(prisma(), attempt, limits);
    const rows = await prisma().loginThrottle.findMany({ where: { account: "quiet@example.org" } });
    expect(rows.map((row) => [row.failures, row.lockedUntil])).toEqual([
      [1, null],
      [1, null],
    ]);

    await recordSuccessfulAttempt(prisma(), attempt);
    const left = await prisma().loginThrottle.findMany({ where: { account: "quiet@example.org" } });
    // The account-wide count stays: a login of one's own must not reset what others tried.
    expect(left.map((row) => row.address)).toEqual([null]);
  });
});

describe("the login page while an address waits, with the real number of free failures", () => {
  // The free failures as shipped; only the first wait is a minute instead of a second, so that the
  // attempt after it cannot race the clock on a loaded machine.
  const shipped: ThrottleLimits = {
    ...defaultThrottleLimits,
    perAccountAddress: { ...defaultThrottleLimits.perAccountAddress, firstDelayMs: MINUTE },
  };
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ database, throttleLimits: shipped });
    await makeUser(database.db, "admin"); // so /login is a login page, not the first-admin set-up
  });
  afterAll(() => app?.close());

  async function attempt(email: string, password: string) {
    const agent = request.agent(app.url);
    const page = await agent.get("/login");
    return agent
      .post("/login")
      .type("form")
      .send({ email, password, _csrf: csrfFrom(page.text) });
  }

  it("stays a login page after the free wrong passwords: 429, the email kept, when to try again, no dashboard link", async () => {
    const user = await makeUser(database.db, "annotator");
    const free = shipped.perAccountAddress.freeFailures;
    expect(free).toBe(5);
    // Five wrong passwords, and the sixth that earns the first wait: each answered on the form.
    for (let failure = 1; failure <= free + 1; failure += 1) {
      const wrong = await attempt(user.email, `wrong password ${failure}`);
      expect(wrong.status, `wrong password ${failure}`).toBe(401);
      expect(wrong.text).toContain('action="/login"');
    }
    // The next attempt waits, even with the right password: still the login page.
    const waiting = await attempt(user.email, TEST_PASSWORD);
    expect(waiting.status).toBe(429);
    expect(Number(waiting.headers["retry-after"])).toBeGreaterThan(50);
    expect(waiting.text).toContain("<title>Log in · Claimant</title>");
    expect(waiting.text).toContain('<form method="post" action="/login"');
    expect(waiting.text).toContain(`value="${user.email}"`);
    expect(waiting.text).toMatch(
      /role="alert">Too many failed attempts\. Try again after \d\d:\d\d:\d\d UTC \(in \d+ seconds\)/,
    );
    expect(waiting.text).not.toContain('class="error-page"');
    expect(waiting.text).not.toContain("Back to the dashboard");
  });
});
