import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

let app: TestApp;
let adminAgent: Agent;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await makeUser(app.db, "admin", { name: "Ada Admin" });
  adminAgent = await loginAgent(app, admin.email);
});
afterAll(() => app.close());

async function post(agent: Agent, path: string, fields: Record<string, string | number> = {}) {
  return agent
    .post(path)
    .type("form")
    .send({ ...fields, _csrf: await tokenFor(agent) });
}

async function createProject(name: string, extra: Record<string, string> = {}) {
  const response = await post(adminAgent, "/projects", { name, ...extra });
  expect(response.status).toBe(302);
  const id = Number(/^\/projects\/(\d+)/.exec(response.headers.location!)?.[1]);
  expect(id).toBeGreaterThan(0);
  return id;
}

const labels = (projectId: number) =>
  app.db.prisma.stanceLabel.findMany({ where: { projectId }, orderBy: [{ position: "asc" }, { id: "asc" }] });

describe("creating projects", () => {
  it("lets an admin create a project with stance labels and targets typed one per line", async () => {
    const form = await adminAgent.get("/projects/new");
    expect(form.status).toBe(200);
    expect(form.text).toContain("favor\nagainst\nneutral\nunclear");
    const id = await createProject("Caucasus", {
      description: "War coverage",
      stances: "favor\nagainst\nneutral\nunclear",
      targets: "Azerbaijan\nArmenia\nceasefire",
    });
    const page = await adminAgent.get(`/projects/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Created the project “Caucasus”");
    for (const text of ["War coverage", "Azerbaijan", "ceasefire", `/projects/${id}/speakers`, "Speakers"]) {
      expect(page.text).toContain(text);
    }
    expect((await labels(id)).map((label) => label.key)).toEqual(["favor", "against", "neutral", "unclear"]);
    const list = await adminAgent.get("/projects");
    expect(list.text).toContain("Caucasus");
    expect(list.text).toContain("New project");
  });

  it("uses the default stances when the field is left empty", async () => {
    const id = await createProject("Defaults", { stances: "", targets: "" });
    expect((await labels(id)).map((label) => label.label)).toEqual([
      "favor",
      "against",
      "neutral",
      "unclear",
    ]);
  });

  it("explains a missing or taken name beside the field (422), keeping what was typed", async () => {
    const empty = await post(adminAgent, "/projects", { name: "  ", description: "kept text" });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain("Enter a project name.");
    expect(empty.text).toContain("kept text");
    const taken = await post(adminAgent, "/projects", { name: "Caucasus" });
    expect(taken.status).toBe(422);
    expect(taken.text).toContain("A project with this name exists already");
  });

  it.each(["researcher", "annotator"] as const)("refuses a %s (403)", async (role) => {
    const user = await makeUser(app.db, role);
    const agent = await loginAgent(app, user.email);
    expect((await agent.get("/projects/new")).status).toBe(403);
    expect((await post(agent, "/projects", { name: `By ${role}` })).status).toBe(403);
    expect(await app.db.prisma.project.count({ where: { name: `By ${role}` } })).toBe(0);
    expect((await agent.get("/projects")).text).not.toContain("New project");
  });
});

describe("who sees which project", () => {
  it("shows an annotator only the projects they belong to; others are 404", async () => {
    const mine = await createProject("Annotator's own");
    const other = await createProject("Someone else's");
    const annotator = await makeUser(app.db, "annotator");
    const member = await post(adminAgent, `/projects/${mine}/members`, { userId: annotator.id });
    expect(member.status).toBe(302);
    const agent = await loginAgent(app, annotator.email);
    const list = await agent.get("/projects");
    expect(list.text).toContain("Annotator&#39;s own");
    expect(list.text).not.toContain("Someone else");
    expect((await agent.get(`/projects/${mine}`)).status).toBe(200);
    const hidden = await agent.get(`/projects/${other}`);
    expect(hidden.status).toBe(404);
    expect(hidden.text).not.toContain("Someone else");
    expect((await agent.get("/projects/999999")).status).toBe(404);
    // An annotator sees the labels but cannot change them.
    expect((await post(agent, `/projects/${mine}/stances`, { name: "sneaky" })).status).toBe(403);
  });

  it("lets a researcher see every project without changing any", async () => {
    const id = await createProject("Open to researchers");
    const researcher = await makeUser(app.db, "researcher");
    const agent = await loginAgent(app, researcher.email);
    expect((await agent.get(`/projects/${id}`)).status).toBe(200);
    expect((await post(agent, `/projects/${id}/members`, { userId: researcher.id })).status).toBe(403);
  });
});

describe("members", () => {
  it("adds a member who may import, changes that, and removes them", async () => {
    const id = await createProject("Membership");
    const user = await makeUser(app.db, "annotator", { name: "Mia Member" });
    const key = { projectId_userId: { projectId: id, userId: user.id } };
    await post(adminAgent, `/projects/${id}/members`, { userId: user.id, canImport: "on" });
    expect((await app.db.prisma.projectMember.findUniqueOrThrow({ where: key })).canImport).toBe(true);
    const page = await adminAgent.get(`/projects/${id}`);
    expect(page.text).toContain("Mia Member");
    expect(page.text).toContain("may import");

    await post(adminAgent, `/projects/${id}/members`, { userId: user.id, member: "existing" });
    expect((await app.db.prisma.projectMember.findUniqueOrThrow({ where: key })).canImport).toBe(false);

    const removed = await post(adminAgent, `/projects/${id}/members/${user.id}/remove`);
    expect(removed.status).toBe(302);
    expect(await app.db.prisma.projectMember.findUnique({ where: key })).toBeNull();
    expect((await post(adminAgent, `/projects/${id}/members/${user.id}/remove`)).status).toBe(404);
  });

  it("explains an unknown user", async () => {
    const id = await createProject("Unknown member");
    const response = await post(adminAgent, `/projects/${id}/members`, { userId: 999999 });
    expect(response.status).toBe(422);
    expect(response.text).toContain("Choose an existing user.");
  });
});

describe("stance labels and targets", () => {
  it("adds, renames, moves, retires and restores a stance label", async () => {
    const id = await createProject("Labels");
    const added = await post(adminAgent, `/projects/${id}/stances`, { name: "Strongly favor" });
    expect(added.status).toBe(302);
    let list = await labels(id);
    const strong = list.at(-1)!;
    expect(strong).toMatchObject({ key: "strongly_favor", label: "Strongly favor" });

    await post(adminAgent, `/projects/${id}/stances/${strong.id}/rename`, { name: "Very much in favour" });
    list = await labels(id);
    expect(list.at(-1)).toMatchObject({ key: "strongly_favor", label: "Very much in favour" });

    await post(adminAgent, `/projects/${id}/stances/${strong.id}/up`);
    list = await labels(id);
    expect(list.map((label) => label.key)).toEqual([
      "favor",
      "against",
      "neutral",
      "strongly_favor",
      "unclear",
    ]);
    await post(adminAgent, `/projects/${id}/stances/${strong.id}/down`);
    expect((await labels(id)).at(-1)!.id).toBe(strong.id);

    await post(adminAgent, `/projects/${id}/stances/${strong.id}/retire`);
    expect((await labels(id)).at(-1)!.retired).toBe(true);
    const page = await adminAgent.get(`/projects/${id}`);
    expect(page.text).toContain("retired");
    expect(page.text).toContain("Restore");
    await post(adminAgent, `/projects/${id}/stances/${strong.id}/restore`);
    expect((await labels(id)).at(-1)!.retired).toBe(false);
  });

  it("refuses an empty name (422) and a duplicate target (409) with the message beside the field", async () => {
    const id = await createProject("Label errors", { targets: "Armenia" });
    const empty = await post(adminAgent, `/projects/${id}/targets`, { name: " " });
    expect(empty.status).toBe(422);
    expect(empty.text).toMatch(/id="target-new-error">Enter a name\./);
    const twice = await post(adminAgent, `/projects/${id}/targets`, { name: "Armenia" });
    expect(twice.status).toBe(409);
    expect(twice.text).toContain("This project has that one already.");
    const target = await app.db.prisma.target.findFirstOrThrow({ where: { projectId: id } });
    const rename = await post(adminAgent, `/projects/${id}/targets/${target.id}/rename`, { name: "" });
    expect(rename.status).toBe(422);
    expect(rename.text).toContain(`id="target-${target.id}-error"`);
    expect((await post(adminAgent, `/projects/${id}/targets/999999/retire`)).status).toBe(404);
  });
});
