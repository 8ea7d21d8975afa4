// The login page's `next` parameter: only paths of this site are followed after logging in, however
// the attacker spells another host; everything else goes to the dashboard.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfFrom, makeUser, startTestApp, TEST_PASSWORD, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
let email: string;

beforeAll(async () => {
  app = await startTestApp();
  email = (await makeUser(app.db, "researcher")).email;
});
afterAll(() => app.close());

async function loginWithNext(next: string): Promise<string | undefined> {
  const agent = request.agent(app.url);
  const page = await agent.get(`/login?next=${encodeURIComponent(next)}`);
  const response = await agent
    .post("/login")
    .type("form")
    .send({ email, password: TEST_PASSWORD, next, _csrf: csrfFrom(page.text) });
  expect(response.status).toBe(302);
  return response.headers.location;
}

describe("post-login destinations", () => {
  const elsewhere = {
    "another host": "//evil.example/",
    "a full URL": "https://evil.example/",
    "a backslash host": "/\\evil.example",
    "two backslashes": "\\\\evil.example",
    "a dot segment": "/.//evil.example",
    "dot segments climbing out": "/a/../..//evil.example",
    "encoded slashes": "/%2F%2Fevil.example",
    "an encoded backslash": "/%5Cevil.example",
    "encoded dots": "/%2e%2e//evil.example",
    "a tab inside": "/\t/evil.example",
    "a newline inside": "/\n/evil.example",
    "a javascript: URL": "javascript:alert(1)",
    "a data: URL": "data:text/html,hi",
    "a relative path": "claims",
    "an empty string": "",
    "broken percent-encoding": "/%E0%A4%A",
    "a scheme-relative URL with credentials": "//user:pass@evil.example",
  };
  it.each(Object.entries(elsewhere))("%s goes to the dashboard", async (_label, next) => {
    expect(await loginWithNext(next)).toBe("/");
  });

  const local = {
    "a page": ["/claims", "/claims"],
    "a page with its filters": ["/claims?stance=favor&type=direct", "/claims?stance=favor&type=direct"],
    "a page with an anchor": ["/articles/1#claim-3", "/articles/1#claim-3"],
    "dot segments that stay local": ["/projects/../claims", "/claims"],
  };
  it.each(Object.entries(local))("%s is followed", async (_label, [next, expected]) => {
    expect(await loginWithNext(next!)).toBe(expected);
  });
});
