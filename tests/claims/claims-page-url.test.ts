import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAgent, makeUser, startTestApp, type Agent, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
let agent: Agent;

beforeAll(async () => {
  app = await startTestApp();
  agent = await loginAgent(app, (await makeUser(app.db, "researcher")).email);
});
afterAll(() => app.close());

describe("the Claims page's address", () => {
  it("leaves out the empty filters a form sends", async () => {
    const response = await agent.get("/claims?project=&speaker=&stance=favor&type=&q=%20&sort=oldest");
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe("/claims?stance=favor&sort=oldest");
    const all = await agent.get("/claims?project=&speaker=");
    expect(all.headers.location).toBe("/claims");
  });

  it("keeps an address without empty filters as it is", async () => {
    expect((await agent.get("/claims?stance=favor")).status).toBe(200);
    expect((await agent.get("/claims")).status).toBe(200);
  });
});
