import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfFrom, startTestApp, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe("first admin set-up", () => {
  it("is offered while no user exists, creates an admin once, then is gone (404)", async () => {
    const login = await request(app.url).get("/login");
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe("/setup");

    const agent = request.agent(app.url);
    const page = await agent.get("/setup");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Create the first admin");

    const bad = await agent
      .post("/setup")
      .type("form")
      .send({
        name: "First",
        email: "first@example.org",
        password: "short",
        confirmPassword: "short",
        _csrf: csrfFrom(page.text),
      });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("at least 10 characters");

    const created = await agent
      .post("/setup")
      .type("form")
      .send({
        name: "First Admin",
        email: "first@example.org",
        password: "first admin password",
        confirmPassword: "first admin password",
        _csrf: csrfFrom(bad.text),
      });
    expect(created.status).toBe(302);
    expect((await agent.get("/admin/users")).status).toBe(200);

    const admins = await app.db.prisma.user.findMany();
    expect(admins).toHaveLength(1);
    expect(admins[0]!.role).toBe("admin");

    expect((await request(app.url).get("/setup")).status).toBe(404);
    const replay = await agent
      .post("/setup")
      .type("form")
      .send({
        name: "Intruder",
        email: "intruder@example.org",
        password: "intruder password",
        confirmPassword: "intruder password",
        _csrf: csrfFrom((await agent.get("/profile")).text),
      });
    expect(replay.status).toBe(404);
    expect(await app.db.prisma.user.count()).toBe(1);
  });
});
