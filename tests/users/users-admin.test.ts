import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  csrfFrom,
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

let app: TestApp;
let admin: Awaited<ReturnType<typeof makeUser>>;
let adminAgent: Agent;

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin", { name: "Ada Admin" });
  adminAgent = await loginAgent(app, admin.email);
});
afterAll(() => app.close());

async function post(agent: Agent, path: string, fields: Record<string, string | number>) {
  return agent
    .post(path)
    .type("form")
    .send({ ...fields, _csrf: await tokenFor(agent) });
}

async function currentVersion(id: number) {
  return (await app.db.prisma.user.findUniqueOrThrow({ where: { id } })).version;
}

describe("who may manage users", () => {
  it.each(["annotator", "researcher"] as const)("gives a %s a 403 page on every admin page", async (role) => {
    const user = await makeUser(app.db, role);
    const agent = await loginAgent(app, user.email);
    for (const path of ["/admin/users", "/admin/users/new", `/admin/users/${admin.id}`]) {
      const response = await agent.get(path);
      expect(response.status).toBe(403);
      expect(response.text).toContain("Not allowed");
    }
    const attempt = await post(agent, `/admin/users/${admin.id}/role`, { role: "annotator", version: 1 });
    expect(attempt.status).toBe(403);
  });

  it("sends a logged-out visitor to log in, and refuses a logged-out POST", async () => {
    const page = await request(app.url).get("/admin/users");
    expect(page.status).toBe(302);
    const form = await request(app.url)
      .post(`/admin/users/${admin.id}/deactivate`)
      .type("form")
      .send({ version: 1 });
    expect([401, 403]).toContain(form.status);
  });
});

describe("admin user management", () => {
  it("lists users with name, email, role, active and last login", async () => {
    const response = await adminAgent.get("/admin/users");
    expect(response.status).toBe(200);
    expect(response.text).toContain("Ada Admin");
    expect(response.text).toContain(admin.email);
    expect(response.text).toContain("Last login");
  });

  it("creates a user with a generated password shown once, who must change it at first login", async () => {
    const created = await post(adminAgent, "/admin/users", {
      name: "Nora Annotator",
      email: "Nora@Example.org",
      role: "annotator",
      password: "",
    });
    expect(created.status).toBe(302);
    const page = await adminAgent.get(created.headers.location!);
    const password = /data-testid="generated-password">([^<]+)</.exec(page.text)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    const again = await adminAgent.get(created.headers.location!);
    expect(again.text).not.toContain(password!);

    const nora = await loginAgent(app, "nora@example.org", password!);
    const home = await nora.get("/");
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe("/profile/password");
    const change = await nora
      .post("/profile/password")
      .type("form")
      .send({
        currentPassword: password!,
        newPassword: "nora's own password",
        confirmPassword: "nora's own password",
        _csrf: await tokenFor(nora, "/profile/password"),
      });
    expect(change.status).toBe(302);
    expect((await nora.get("/")).status).toBe(200);
  });

  it("explains each bad field when creating a user, keeping what was typed", async () => {
    const response = await post(adminAgent, "/admin/users", {
      name: "",
      email: "not-an-email",
      role: "chief",
      password: "short",
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain("Enter a name.");
    expect(response.text).toContain("Enter a valid email address");
    expect(response.text).toContain("Choose a role");
    expect(response.text).toContain("at least 10 characters");
    expect(response.text).toContain('value="not-an-email"');
  });

  it("refuses a second user with the same email", async () => {
    const response = await post(adminAgent, "/admin/users", {
      name: "Twin",
      email: admin.email,
      role: "annotator",
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain("already exists");
  });

  it("changes a role and writes the change to the audit table", async () => {
    const user = await makeUser(app.db, "annotator");
    const response = await post(adminAgent, `/admin/users/${user.id}/role`, {
      role: "researcher",
      version: await currentVersion(user.id),
    });
    expect(response.status).toBe(302);
    const stored = await app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.role).toBe("researcher");
    const audit = await app.db.prisma.auditEvent.findFirstOrThrow({
      where: { subjectId: String(user.id), action: "user.change_role" },
    });
    expect(audit.actorId).toBe(admin.id);
    expect((audit.before as { role: string }).role).toBe("annotator");
    expect((audit.after as { role: string }).role).toBe("researcher");
    expect(JSON.stringify(audit)).not.toContain("passwordHash");
  });

  it("refuses a change made from a stale page (409) and overwrites nothing", async () => {
    const user = await makeUser(app.db, "annotator");
    const stale = await currentVersion(user.id);
    await post(adminAgent, `/admin/users/${user.id}/role`, { role: "researcher", version: stale });
    const response = await post(adminAgent, `/admin/users/${user.id}/role`, {
      role: "admin",
      version: stale,
    });
    expect(response.status).toBe(409);
    expect(response.text).toContain("Someone changed this user");
    expect((await app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("researcher");
  });

  it("deactivating ends the user's sessions at once; reactivating lets them back", async () => {
    const user = await makeUser(app.db, "annotator");
    const agent = await loginAgent(app, user.email);
    expect((await agent.get("/")).status).toBe(200);
    const response = await post(adminAgent, `/admin/users/${user.id}/deactivate`, {
      version: await currentVersion(user.id),
    });
    expect(response.status).toBe(302);
    const after = await agent.get("/");
    expect(after.status).toBe(302);
    expect(after.headers.location).toMatch(/^\/login/);
    expect(await app.db.prisma.session.count({ where: { userId: user.id } })).toBe(0);
    await expect(loginAgent(app, user.email)).rejects.toThrow(/401/);

    await post(adminAgent, `/admin/users/${user.id}/reactivate`, { version: await currentVersion(user.id) });
    const back = await loginAgent(app, user.email);
    expect((await back.get("/")).status).toBe(200);
  });

  it("never demotes or deactivates the last active admin", async () => {
    const { prisma } = app.db;
    const others = await prisma.user.findMany({ where: { role: "admin", id: { not: admin.id } } });
    for (const other of others)
      await prisma.user.update({ where: { id: other.id }, data: { role: "researcher" } });
    const demote = await post(adminAgent, `/admin/users/${admin.id}/role`, {
      role: "researcher",
      version: await currentVersion(admin.id),
    });
    expect(demote.status).toBe(409);
    expect(demote.text).toContain("last active admin");
    expect((await prisma.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("admin");

    const second = await makeUser(app.db, "admin");
    const secondAgent = await loginAgent(app, second.email);
    const deactivateFirst = await post(secondAgent, `/admin/users/${admin.id}/deactivate`, {
      version: await currentVersion(admin.id),
    });
    expect(deactivateFirst.status).toBe(302);
    const deactivateLast = await post(secondAgent, `/admin/users/${second.id}/deactivate`, {
      version: await currentVersion(second.id),
    });
    expect(deactivateLast.status).toBe(403);
    await prisma.user.update({ where: { id: admin.id }, data: { active: true } });
    adminAgent = await loginAgent(app, admin.email);
  });

  it("resets a password: old one stops working, the user must choose a new one", async () => {
    const user = await makeUser(app.db, "researcher");
    const response = await post(adminAgent, `/admin/users/${user.id}/password`, {
      password: "temporary password 1",
      version: await currentVersion(user.id),
    });
    expect(response.status).toBe(302);
    await expect(loginAgent(app, user.email)).rejects.toThrow(/401/);
    const agent = await loginAgent(app, user.email, "temporary password 1");
    expect((await agent.get("/")).headers.location).toBe("/profile/password");
  });
});

describe("profile", () => {
  it("changes one's own name, and the password only with the current one", async () => {
    const user = await makeUser(app.db, "annotator");
    const agent = await loginAgent(app, user.email);
    const profile = await agent.get("/profile");
    const version = /name="version" value="(\d+)"/.exec(profile.text)?.[1];
    const rename = await agent
      .post("/profile")
      .type("form")
      .send({ name: "Renamed Person", version, _csrf: csrfFrom(profile.text) });
    expect(rename.status).toBe(302);
    expect((await agent.get("/profile")).text).toContain("Renamed Person");

    const wrong = await agent
      .post("/profile/password")
      .type("form")
      .send({
        currentPassword: "not my password",
        newPassword: "a brand new password",
        confirmPassword: "a brand new password",
        _csrf: await tokenFor(agent),
      });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain("current password is not right");

    const mismatch = await agent
      .post("/profile/password")
      .type("form")
      .send({
        currentPassword: "correct horse battery",
        newPassword: "a brand new password",
        confirmPassword: "another password!!",
        _csrf: await tokenFor(agent),
      });
    expect(mismatch.status).toBe(422);
    expect(mismatch.text).toContain("do not match");
  });
});
