import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeProject } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

const FIRST = [
  "# Claims",
  "",
  "Tag every **attributed** statement.",
  "",
  "<script>alert('x')</script>",
  "",
  "[bad](javascript:alert(1)) and [the manual](https://example.org/manual)",
].join("\n");

describe("project guidelines", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let researcher: CurrentUser;
  let outsider: CurrentUser;
  let projectId: number;
  const agents: Record<string, Agent> = {};

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator");
    researcher = await makeUser(app.db, "researcher");
    outsider = await makeUser(app.db, "annotator");
    projectId = (await makeProject(app.db, admin, [annotator])).id;
    for (const user of [admin, annotator, researcher, outsider])
      agents[user.email] = await loginAgent(app, user.email);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function save(
    body: string,
    baseVersion: number | string,
    status: number,
    agent = agents[admin.email]!,
  ) {
    return agent
      .post(`/projects/${projectId}/guidelines`)
      .type("form")
      .send({ body, baseVersion, _csrf: await tokenFor(agent) })
      .expect(status);
  }

  it("starts empty, and annotators are not stopped while there are none", async () => {
    const page = await agents[annotator.email]!.get(`/projects/${projectId}/guidelines`).expect(200);
    expect(page.text).toContain("This project has no guidelines yet.");
    await agents[annotator.email]!.get(`/projects/${projectId}`).expect(200);
    const api = await agents[annotator.email]!.get(`/api/v1/projects/${projectId}/guidelines`).expect(200);
    expect(api.body).toBeNull();
  });

  it("renders Markdown safely: HTML as text, no javascript: links, links in a new tab", async () => {
    await save(FIRST, 0, 302);
    const page = await agents[annotator.email]!.get(`/projects/${projectId}/guidelines`).expect(200);
    expect(page.text).toContain("<h1>Claims</h1>");
    expect(page.text).toContain("<strong>attributed</strong>");
    expect(page.text).toContain("&lt;script&gt;alert(");
    expect(page.text).not.toContain("<script>alert(");
    expect(page.text).not.toMatch(/href="javascript:/i);
    expect(page.text).toContain(
      '<a href="https://example.org/manual" target="_blank" rel="noopener noreferrer">',
    );
    expect(page.text).toMatch(/Version 1 \(in force\),\s+by /);
  });

  it("keeps every version with who saved it, and shows what a version changed", async () => {
    await save(FIRST.replace("Tag every", "Tag each"), 1, 302);
    const page = await agents[researcher.email]!.get(`/projects/${projectId}/guidelines`).expect(200);
    expect(page.text).toMatch(/Version 2 \(in force\)/);
    expect(page.text).toContain("<del>Tag every **attributed** statement.\n</del>");
    expect(page.text).toContain("<ins>Tag each **attributed** statement.\n</ins>");
    expect(page.text).toContain(`/guidelines?version=1`);
    const first = await agents[researcher.email]!.get(`/projects/${projectId}/guidelines?version=1`).expect(
      200,
    );
    expect(first.text).toContain("Tag every");
    expect(first.text).toContain("See the version in force (2)");
    await agents[researcher.email]!.get(`/projects/${projectId}/guidelines?version=9`).expect(404);
    await agents[researcher.email]!.get(`/projects/${projectId}/guidelines?version=abc`).expect(422);
    const events = await app.db.prisma.auditEvent.count({
      where: { action: "project.guidelines", subjectId: String(projectId) },
    });
    expect(events).toBe(2);
  });

  it("refuses a save based on an older version (409) and keeps the admin's text", async () => {
    const stale = await save("My own rewrite", 1, 409);
    expect(stale.text).toContain(
      "Someone saved version 2 of the guidelines after you started editing version 1.",
    );
    expect(stale.text).toContain(">My own rewrite</textarea>");
    expect(stale.text).toContain('name="baseVersion" value="2"');
    const unchanged = await save(FIRST.replace("Tag every", "Tag each"), 2, 302);
    expect(unchanged.headers.location).toBe(`/projects/${projectId}/guidelines`);
    expect(await app.db.prisma.guidelineVersion.count({ where: { projectId } })).toBe(2);
    const nul = await save("bad \u0000 text", 2, 422);
    expect(nul.text).toContain("body contains a NUL character");
    await save("x", "-1", 422);
  });

  it("is written by admins only", async () => {
    await agents[annotator.email]!.get(`/projects/${projectId}/guidelines/edit`).expect(403);
    await save("Annotators' rules", 2, 403, agents[annotator.email]!);
    await agents[outsider.email]!.get(`/projects/${projectId}/guidelines`).expect(404);
  });

  it("shows annotators the guidelines on their first visit after each change", async () => {
    const agent = agents[annotator.email]!;
    const detour = await agent.get(`/projects/${projectId}`).expect(302);
    expect(detour.headers.location).toBe(
      `/projects/${projectId}/guidelines?next=${encodeURIComponent(`/projects/${projectId}`)}`,
    );
    const page = await agent.get(detour.headers.location!).expect(200);
    expect(page.text).toContain("I have read them: continue");
    const read = await agent
      .post(`/projects/${projectId}/guidelines/read`)
      .type("form")
      .send({ version: 2, next: `/projects/${projectId}`, _csrf: await tokenFor(agent) })
      .expect(302);
    expect(read.headers.location).toBe(`/projects/${projectId}`);
    await agent.get(`/projects/${projectId}`).expect(200);
    // Researchers and admins are never stopped.
    await agents[researcher.email]!.get(`/projects/${projectId}`).expect(200);

    await save("Version three", 2, 302);
    await agent.get(`/projects/${projectId}`).expect(302);
    await agent
      .post(`/api/v1/projects/${projectId}/guidelines/read`)
      .set("X-CSRF-Token", await tokenFor(agent))
      .send({ version: 3 })
      .expect(204);
    await agent.get(`/projects/${projectId}`).expect(200);
    const api = await agent.get(`/api/v1/projects/${projectId}/guidelines`).expect(200);
    expect(api.body).toMatchObject({ version: 3, body: "Version three", html: "<p>Version three</p>\n" });
    const future = await agent
      .post(`/api/v1/projects/${projectId}/guidelines/read`)
      .set("X-CSRF-Token", await tokenFor(agent))
      .send({ version: 4 })
      .expect(422);
    expect(future.body.error.message).toContain("no version 4; the newest is 3");
  });
});
