// Sessions exist only from login on: logged-out visitors cost no session row and get no session
// cookie, yet the login and set-up forms keep their CSRF protection (a signed cookie of their own),
// and logging in always starts a new session (no fixation).
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
let email: string;
beforeAll(async () => {
  app = await startTestApp();
  email = (await makeUser(app.db, "researcher")).email;
});
afterAll(() => app.close());

const cookieNames = (response: request.Response) =>
  ((response.headers["set-cookie"] as string[] | undefined) ?? []).map((cookie) => cookie.split("=")[0]);
const cookieOf = (response: request.Response, name: string) =>
  ((response.headers["set-cookie"] as string[] | undefined) ?? [])
    .find((cookie) => cookie.startsWith(`${name}=`))
    ?.split(";")[0];
const sessionRows = () => app.db.prisma.session.count();

/** A logged-out visitor's login form: its token and the cookie that goes with it. */
async function loginForm() {
  const page = await request(app.url).get("/login");
  expect(page.status).toBe(200);
  return { token: csrfFrom(page.text), cookie: cookieOf(page, "claimant.csrf")! };
}

const postLogin = (fields: Record<string, string>, cookie?: string) => {
  const post = request(app.url).post("/login").type("form");
  return (cookie ? post.set("Cookie", cookie) : post).send({ email, password: TEST_PASSWORD, ...fields });
};

describe("a logged-out visitor", () => {
  it("creates no session row and gets no session cookie, whatever public page they see", async () => {
    const before = await sessionRows();
    const visits = [
      "/login",
      "/login?next=%2Fprojects",
      "/",
      "/projects",
      "/admin/users",
      "/no/such/page",
      "/api/v1/claims",
      "/healthz",
      "/static/css/app.css",
    ];
    for (const path of visits) {
      const response = await request(app.url).get(path);
      expect(response.status, path).toBeLessThan(500);
      expect(cookieNames(response), path).not.toContain("claimant.sid");
      // Only the login form sets a cookie: its CSRF token's.
      expect(cookieNames(response), path).toEqual(path.startsWith("/login") ? ["claimant.csrf"] : []);
    }
    // Even with a session cookie the server does not know (expired, forged, from another install).
    const stale = await request(app.url).get("/").set("Cookie", "claimant.sid=s%3Anot-a-session.abc");
    expect(cookieNames(stale)).toEqual([]);
    // A form that fails CSRF, and a wrong password, store nothing either.
    expect((await postLogin({ _csrf: "x" })).status).toBe(403);
    const { token, cookie } = await loginForm();
    const wrong = await postLogin({ _csrf: token, password: "not it" }, cookie);
    expect(wrong.status).toBe(401);
    expect(cookieNames(wrong)).not.toContain("claimant.sid");
    expect(await sessionRows()).toBe(before);
  });

  it("logs in through the form's signed cookie and token; the session starts there", async () => {
    const before = await sessionRows();
    const { token, cookie } = await loginForm();
    expect(cookie).toMatch(/^claimant\.csrf=[0-9a-f]{64}\.[\w-]{43}$/);
    const response = await postLogin({ _csrf: token }, cookie);
    expect(response.status).toBe(302);
    const session = cookieOf(response, "claimant.sid");
    expect(session).toBeDefined();
    expect(await sessionRows()).toBe(before + 1);
    expect((await request(app.url).get("/profile").set("Cookie", session!)).status).toBe(200);
  });

  it("is refused (403) a login without the token, with a forged one, or with another visitor's", async () => {
    const mine = await loginForm();
    const theirs = await loginForm();
    const [value, signature] = mine.cookie.slice("claimant.csrf=".length).split(".");
    const forgedToken = "f".repeat(64);
    const attempts: [string, Record<string, string>, string | undefined][] = [
      ["no token", {}, mine.cookie],
      ["no cookie", { _csrf: mine.token }, undefined],
      ["a made-up token", { _csrf: forgedToken }, mine.cookie],
      ["a made-up cookie", { _csrf: forgedToken }, `claimant.csrf=${forgedToken}.${signature}`],
      ["an unsigned cookie", { _csrf: value! }, `claimant.csrf=${value}`],
      ["another visitor's cookie", { _csrf: mine.token }, theirs.cookie],
    ];
    for (const [what, fields, cookie] of attempts) {
      const response = await postLogin(fields, cookie);
      expect(response.status, what).toBe(403);
      expect(response.text, what).toContain("Reload the page and try again");
      expect(cookieNames(response), what).not.toContain("claimant.sid");
    }
    expect((await postLogin({ _csrf: theirs.token }, theirs.cookie)).status).toBe(302);
  });

  it("gets a new session at login even when sent in with someone else's session cookie", async () => {
    const attacker = await makeUser(app.db, "annotator");
    const attackerAgent = await loginAgent(app, attacker.email);
    const page = await attackerAgent.get("/profile");
    const planted = (await app.db.prisma.session.findFirstOrThrow({ where: { userId: attacker.id } })).sid;
    // The victim's browser carries the attacker's session cookie and its token into a login.
    const login = await attackerAgent
      .post("/login")
      .type("form")
      .send({ email, password: TEST_PASSWORD, _csrf: await tokenFor(attackerAgent) });
    expect(page.status).toBe(200);
    expect(login.status).toBe(302);
    expect(await app.db.prisma.session.count({ where: { sid: planted } })).toBe(0);
    const victimSession = await app.db.prisma.session.findMany({ where: { userId: { not: attacker.id } } });
    expect(victimSession.map((row) => row.sid)).not.toContain(planted);
  });
});

describe("the first admin's set-up page", () => {
  let fresh: TestApp;
  beforeAll(async () => {
    fresh = await startTestApp();
  });
  afterAll(() => fresh.close());

  it("creates no session until the admin exists, then logs them in with a new one", async () => {
    const page = await request(fresh.url).get("/setup");
    expect(page.status).toBe(200);
    expect(cookieNames(page)).toEqual(["claimant.csrf"]);
    const cookie = cookieOf(page, "claimant.csrf")!;
    const fields = {
      name: "First Admin",
      email: "first@example.org",
      password: "first admin password",
      confirmPassword: "first admin password",
    };
    const forged = await request(fresh.url)
      .post("/setup")
      .set("Cookie", cookie)
      .type("form")
      .send({ ...fields, _csrf: "forged" });
    expect(forged.status).toBe(403);
    expect(await fresh.db.prisma.user.count()).toBe(0);
    expect(await fresh.db.prisma.session.count()).toBe(0);

    const created = await request(fresh.url)
      .post("/setup")
      .set("Cookie", cookie)
      .type("form")
      .send({ ...fields, _csrf: csrfFrom(page.text) });
    expect(created.status).toBe(302);
    const session = cookieOf(created, "claimant.sid");
    expect(session).toBeDefined();
    const admin = await fresh.db.prisma.user.findUniqueOrThrow({ where: { email: "first@example.org" } });
    expect(await fresh.db.prisma.session.count({ where: { userId: admin.id } })).toBe(1);
    expect((await request(fresh.url).get("/admin/users").set("Cookie", session!)).status).toBe(200);
  });
});

describe("pages read with an API token", () => {
  it("render (a script may read a page) without a session, and their forms carry no usable token", async () => {
    const { createApiToken } = await import("../../src/tokens/tokens.service.js");
    const user = await app.db.prisma.user.findUniqueOrThrow({ where: { email } });
    const { token } = await createApiToken(app.db.prisma, user.id, "pages", "read");
    const before = await sessionRows();
    const page = await request(app.url).get("/profile").set("Authorization", `Bearer ${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="_csrf" value=""');
    expect(() => csrfFrom(page.text)).toThrow(/no CSRF token/);
    expect(cookieNames(page)).not.toContain("claimant.sid");
    expect(await sessionRows()).toBe(before);
  });
});
