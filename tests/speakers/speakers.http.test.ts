import { addSpeakerClaims } from "../helpers/factories.js";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createProject } from "../../src/projects/projects.service.js";
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
let admin: CurrentUser;
let member: CurrentUser;
let outsider: CurrentUser;
let researcher: CurrentUser;
const agents: Record<"admin" | "member" | "outsider" | "researcher", Agent> = {} as never;
let projectId: number;

const prisma = () => app.db.prisma;
const page = () => `/projects/${projectId}/speakers`;
const api = () => `/api/v1/projects/${projectId}/speakers`;

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin");
  member = await makeUser(app.db, "annotator");
  outsider = await makeUser(app.db, "annotator");
  researcher = await makeUser(app.db, "researcher");
  projectId = (await createProject(prisma(), admin.id, { name: "Karabakh coverage", description: "" })).id;
  await prisma().projectMember.create({ data: { projectId, userId: member.id } });
  const other = await createProject(prisma(), admin.id, { name: "Another project", description: "" });
  await prisma().projectMember.create({ data: { projectId: other.id, userId: outsider.id } });
  for (const [name, user] of Object.entries({ admin, member, outsider, researcher })) {
    agents[name as keyof typeof agents] = await loginAgent(app, user.email);
  }
});
afterAll(() => app.close());

function speaker(name: string, extra: { aliases?: string[]; role?: string } = {}) {
  return prisma().speaker.create({ data: { projectId, name, ...extra } });
}

function claimsFor(speakerId: number, count: number) {
  return addSpeakerClaims(app.db, { projectId, speakerId, annotatorId: member.id, count });
}

async function postForm(agent: Agent, path: string, fields: Record<string, string | number>) {
  return agent
    .post(path)
    .type("form")
    .send({ ...fields, _csrf: await tokenFor(agent) });
}

async function postJson(agent: Agent, body: object) {
  return agent
    .post(api())
    .set("X-CSRF-Token", await tokenFor(agent))
    .set("Accept", "application/json")
    .send(body);
}

describe("the speakers page", () => {
  it("lists name, role, affiliation, aliases and claim counts to a project member, without admin forms", async () => {
    const hajiyev = await speaker("Hikmet Hajiyev", {
      role: "Assistant to the President",
      aliases: ["Hajiyev"],
    });
    await claimsFor(hajiyev.id, 2);
    const response = await agents.member.get(page());
    expect(response.status).toBe(200);
    expect(response.text).toContain("Karabakh coverage");
    const row = new RegExp(`data-speaker-id="${hajiyev.id}">([\\s\\S]*?)</tr>`).exec(response.text)?.[1];
    expect(row).toContain("Hikmet Hajiyev");
    expect(row).toContain("Assistant to the President");
    expect(row).toContain("Hajiyev");
    expect(row).toContain("<td>2</td>");
    expect(response.text).not.toContain("/edit");
    expect(response.text).not.toContain("Merge two speakers");
  });

  it("escapes what users typed", async () => {
    await speaker("<script>alert(1)</script>");
    const response = await agents.researcher.get(page());
    expect(response.text).not.toContain("<script>alert(1)</script>");
    expect(response.text).toContain("&lt;script&gt;");
  });

  it("gives admins edit links and the merge form", async () => {
    await speaker("Second Person");
    const response = await agents.admin.get(page());
    expect(response.text).toMatch(/\/speakers\/\d+\/edit/);
    expect(response.text).toContain("Merge two speakers");
  });

  it("is not found for an annotator of another project", async () => {
    expect((await agents.outsider.get(page())).status).toBe(404);
  });

  it("sends a logged-out visitor to log in", async () => {
    const response = await request(app.url).get(page());
    expect(response.status).toBe(302);
    expect(response.headers.location).toMatch(/^\/login/);
  });
});

describe("the speakers API", () => {
  it("lists speakers with claim counts", async () => {
    const response = await agents.researcher.get(api());
    expect(response.status).toBe(200);
    const hajiyev = (response.body as { speakers: { name: string; claimCount: number }[] }).speakers.find(
      (item) => item.name === "Hikmet Hajiyev",
    );
    expect(hajiyev).toMatchObject({
      role: "Assistant to the President",
      aliases: ["Hajiyev"],
      claimCount: 2,
    });
  });

  it("searches names and aliases with q", async () => {
    await speaker("Ilham Aliyev", { aliases: ["President Aliyev"] });
    const response = await agents.member.get(api()).query({ q: "PRESIDENT ali" });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      speakers: [
        expect.objectContaining({
          name: "Ilham Aliyev",
          role: "",
          affiliation: "",
          aliases: ["President Aliyev"],
        }),
      ],
    });
  });

  it("lets a member annotator add a speaker (201 with its id)", async () => {
    const response = await postJson(agents.member, {
      name: "  Nikol   Pashinyan ",
      role: "Prime Minister",
      affiliation: "Armenia",
      aliases: ["Pashinyan"],
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(Number),
      name: "Nikol Pashinyan",
      role: "Prime Minister",
      affiliation: "Armenia",
      aliases: ["Pashinyan"],
    });
  });

  it("answers 422 naming the field when the name is empty", async () => {
    const response = await postJson(agents.admin, { name: "  " });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({ code: "invalid", field: "name" });
    expect(response.body.error.message).toMatch(/Enter the speaker's name/);
  });

  it("answers 409 naming the speaker when the name is already a name or alias", async () => {
    const response = await postJson(agents.member, { name: "pashinyan" });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("conflict");
    expect(response.body.error.message).toContain('"Nikol Pashinyan"');
  });

  it("is read-only for researchers (403)", async () => {
    const response = await postJson(agents.researcher, { name: "Anyone" });
    expect(response.status).toBe(403);
  });

  it("is not found for an annotator of another project, reading or writing", async () => {
    expect((await agents.outsider.get(api())).status).toBe(404);
    expect((await agents.outsider.get(api()).query({ q: "a" })).status).toBe(404);
    expect((await postJson(agents.outsider, { name: "Sneaky" })).status).toBe(404);
  });

  it("answers 401 without a login", async () => {
    const response = await request(app.url).get(api());
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe("unauthorized");
  });
});

describe("editing a speaker", () => {
  it("shows the form and saves it, aliases one per line or separated by commas", async () => {
    const target = await speaker("H. Hajiyev");
    const form = await agents.admin.get(`${page()}/${target.id}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="H. Hajiyev"');
    const response = await agents.admin
      .post(`${page()}/${target.id}`)
      .type("form")
      .send({
        name: "Hikmet  Hajiyev Jr",
        role: "Aide",
        affiliation: "",
        aliases: "H. Hajiyev\nHH, Hikmet",
        version: target.version,
        _csrf: csrfFrom(form.text),
      });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(page());
    const saved = await prisma().speaker.findUniqueOrThrow({ where: { id: target.id } });
    expect(saved).toMatchObject({ name: "Hikmet Hajiyev Jr", aliases: ["H. Hajiyev", "HH", "Hikmet"] });
    expect((await agents.admin.get(page())).text).toContain("Saved Hikmet Hajiyev Jr.");
  });

  it("re-shows the form with the problem (422), keeping what was typed", async () => {
    const target = await speaker("Typed Person");
    const response = await postForm(agents.admin, `${page()}/${target.id}`, {
      name: "",
      role: "Kept role",
      aliases: "one\ntwo",
      version: target.version,
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain("Enter the speaker&#39;s name.");
    expect(response.text).toContain('value="Kept role"');
    expect(response.text).toContain("one\ntwo</textarea>");
  });

  it("refuses a name another speaker has (422 on the name field)", async () => {
    const target = await speaker("Clashing Person");
    const response = await postForm(agents.admin, `${page()}/${target.id}`, {
      name: "ilham aliyev",
      version: target.version,
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain('id="name-error"');
    expect(response.text).toContain("merge the two speakers");
  });

  it("refuses a stale form (409), shows the saved values and overwrites nothing", async () => {
    const target = await speaker("Stale Person");
    await postForm(agents.admin, `${page()}/${target.id}`, { name: "Fresh Person", version: target.version });
    const response = await postForm(agents.admin, `${page()}/${target.id}`, {
      name: "Overwriting Person",
      version: target.version,
    });
    expect(response.status).toBe(409);
    expect(response.text).toContain("Someone changed this speaker");
    expect(response.text).toContain("Fresh Person");
    expect(response.text).toContain(`name="version" value="${target.version + 1}"`);
    expect((await prisma().speaker.findUniqueOrThrow({ where: { id: target.id } })).name).toBe(
      "Fresh Person",
    );
  });

  it("is for admins only (403 for an annotator member)", async () => {
    const target = await speaker("Guarded Person");
    expect((await agents.member.get(`${page()}/${target.id}/edit`)).status).toBe(403);
    const attempt = await postForm(agents.member, `${page()}/${target.id}`, {
      name: "Renamed",
      version: target.version,
    });
    expect(attempt.status).toBe(403);
  });
});

describe("merging speakers", () => {
  it("moves the claims and names over and deletes the merged speaker", async () => {
    const keep = await speaker("Jeyhun Bayramov");
    const merge = await speaker("J. Bayramov", { aliases: ["Bayramov"] });
    await claimsFor(merge.id, 2);
    const response = await postForm(agents.admin, `${page()}/merge`, { keepId: keep.id, mergeId: merge.id });
    expect(response.status).toBe(302);
    expect(await prisma().speaker.findUnique({ where: { id: merge.id } })).toBeNull();
    expect(await prisma().claim.count({ where: { speakerId: keep.id } })).toBe(2);
    const kept = await prisma().speaker.findUniqueOrThrow({ where: { id: keep.id } });
    expect(kept.aliases).toEqual(["J. Bayramov", "Bayramov"]);
    expect((await agents.admin.get(page())).text).toContain("Merged into Jeyhun Bayramov: 2 claims moved");
  });

  it("explains a merge of a speaker with itself (422)", async () => {
    const only = await speaker("Lonely Person");
    const response = await postForm(agents.admin, `${page()}/merge`, { keepId: only.id, mergeId: only.id });
    expect(response.status).toBe(422);
    expect(response.text).toContain("Choose two different speakers");
  });

  it("explains an empty choice (422)", async () => {
    const response = await postForm(agents.admin, `${page()}/merge`, { keepId: "", mergeId: "" });
    expect(response.status).toBe(422);
    expect(response.text).toContain("Choose the speaker to keep");
  });

  it("is for admins only (403 for an annotator member)", async () => {
    const a = await speaker("Merge Guard A");
    const b = await speaker("Merge Guard B");
    const response = await postForm(agents.member, `${page()}/merge`, { keepId: a.id, mergeId: b.id });
    expect(response.status).toBe(403);
    expect(await prisma().speaker.findUnique({ where: { id: b.id } })).not.toBeNull();
  });
});
