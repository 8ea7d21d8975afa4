// The way on from an error page: the dashboard for someone logged in, the login for everyone else
// (a logged-out visitor has no dashboard to go back to).
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAgent, makeUser, startTestApp, type Agent, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
let annotator: Agent;
beforeAll(async () => {
  app = await startTestApp();
  await makeUser(app.db, "admin"); // so /login is a login page, not the first-admin set-up
  annotator = await loginAgent(app, (await makeUser(app.db, "annotator")).email);
});
afterAll(() => app.close());

const DASHBOARD_LINK = '<a href="/">Back to the dashboard</a>';
const LOGIN_LINK = '<a href="/login">Log in</a>';

/** The error page's own part, without the top bar (whose brand also links to /). */
function errorSection(html: string): string {
  const section = /<section class="error-page">([\s\S]*?)<\/section>/.exec(html)?.[1];
  if (section === undefined) throw new Error(`not an error page:\n${html}`);
  return section;
}

describe("error pages offer the way on that fits who is looking", () => {
  it("a logged-out 404 links to the login, not to a dashboard", async () => {
    const response = await request(app.url).get("/no-such-page");
    expect(response.status).toBe(404);
    const section = errorSection(response.text);
    expect(section).toContain(LOGIN_LINK);
    expect(response.text).not.toContain("Back to the dashboard");
  });

  it("a logged-out 401 (a form sent after the session ended) links to the login", async () => {
    const response = await request(app.url).post("/profile").type("form").send({ name: "Someone" });
    expect(response.status).toBe(401);
    expect(errorSection(response.text)).toContain(LOGIN_LINK);
    expect(response.text).not.toContain("Back to the dashboard");
  });

  it("a logged-in 404 links back to the dashboard, not to the login", async () => {
    const response = await annotator.get("/no-such-page");
    expect(response.status).toBe(404);
    const section = errorSection(response.text);
    expect(section).toContain(DASHBOARD_LINK);
    expect(section).not.toContain('href="/login"');
  });

  it("a logged-in user's expired form (403, refused before the page is set up) still links to the dashboard", async () => {
    const response = await annotator.post("/logout").type("form").send({ _csrf: "not-the-token" });
    expect(response.status).toBe(403);
    expect(response.text).toContain("This form has expired");
    const section = errorSection(response.text);
    expect(section).toContain(DASHBOARD_LINK);
    expect(section).not.toContain('href="/login"');
    // Still logged in: the refusal ended nothing.
    expect((await annotator.get("/")).status).toBe(200);
  });
});
