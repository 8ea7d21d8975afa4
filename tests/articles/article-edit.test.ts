// Correcting an article's details (issue 20): PATCH /api/v1/articles/:id and the page's edit form,
// for admins and the project's curators only, with the version check every edit has, on both
// database modes (this file runs in both passes of the suite).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeArticle, makeCurator, makeProject } from "../helpers/factories.js";
import {
  csrfFrom,
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

describe("editing an article's details", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let curator: CurrentUser;
  let annotator: CurrentUser;
  let projectId: number;
  const agents = new Map<CurrentUser, { agent: Agent; token: string }>();

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    curator = await makeUser(app.db, "annotator", { name: "Cora Curator" });
    annotator = await makeUser(app.db, "annotator", { name: "Andy Annotator" });
    const project = await makeProject(app.db, admin, [curator, annotator]);
    projectId = project.id;
    await makeCurator(app.db, projectId, curator.id);
    for (const user of [admin, curator, annotator]) {
      const agent = await loginAgent(app, user.email);
      agents.set(user, { agent, token: await tokenFor(agent) });
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  const patch = (user: CurrentUser, articleId: number, body: unknown) => {
    const { agent, token } = agents.get(user)!;
    return agent
      .patch(`/api/v1/articles/${articleId}`)
      .set("X-CSRF-Token", token)
      .send(body as object);
  };

  it("lets a curator correct the title, date and URL, raises the version and records who did it", async () => {
    const article = await makeArticle(app.db, admin, projectId, "The minister said the bridge would reopen.");
    const response = await patch(curator, article.id, {
      version: 1,
      title: "  Bridge to reopen, minister says ",
      publishedAt: "2026-11-30",
      url: "https://news.example/bridge",
      outlet: "Harbour Gazette",
    }).expect(200);
    expect(response.body).toMatchObject({
      id: article.id,
      title: "Bridge to reopen, minister says",
      publishedAt: "2026-11-30T00:00:00.000Z",
      url: "https://news.example/bridge",
      outlet: "Harbour Gazette",
      version: 2,
      body: article.body,
    });
    const audit = await app.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "article.update", subjectId: String(article.id) },
    });
    expect(audit.actorId).toBe(curator.id);
    expect(audit.before).toMatchObject({ title: article.title, version: 1 });
    expect(audit.after).toMatchObject({ title: "Bridge to reopen, minister says", version: 2 });

    // "" clears the URL and the date; fields left out stay as they are.
    const cleared = await patch(admin, article.id, { version: 2, url: "", publishedAt: null }).expect(200);
    expect(cleared.body).toMatchObject({
      url: null,
      publishedAt: null,
      outlet: "Harbour Gazette",
      version: 3,
    });
  });

  it("refuses a stale version with 409 and the current details, changing nothing", async () => {
    const article = await makeArticle(app.db, admin, projectId, "Officials said the port would close.");
    await patch(admin, article.id, { version: 1, title: "First edit" }).expect(200);
    const stale = await patch(curator, article.id, { version: 1, title: "Second edit" }).expect(409);
    expect(stale.body.error.code).toBe("conflict");
    expect(stale.body.error.current).toMatchObject({ title: "First edit", version: 2 });
    const stored = await app.db.prisma.article.findUniqueOrThrow({ where: { id: article.id } });
    expect(stored.title).toBe("First edit");
  });

  it("lets neither an annotator who is not a curator nor a stranger change anything", async () => {
    const article = await makeArticle(app.db, admin, projectId, "The council said rents would rise.");
    const refused = await patch(annotator, article.id, { version: 1, title: "Mine now" }).expect(403);
    expect(refused.body.error.message).toMatch(/curators/);
    const other = await makeProject(app.db, admin);
    const hidden = await makeArticle(app.db, admin, other.id, "The mayor said the fair would go ahead.");
    await patch(curator, hidden.id, { version: 1, title: "Not mine" }).expect(404);
    expect((await app.db.prisma.article.findUniqueOrThrow({ where: { id: article.id } })).version).toBe(1);
  });

  it("answers bad input with 422 naming the field, and leaves the text alone", async () => {
    const article = await makeArticle(app.db, admin, projectId, "The union said the strike would go on.");
    const cases: [unknown, string, RegExp][] = [
      [{ title: "No version" }, "version", /version/],
      [{ version: 1, title: "  " }, "title", /title/],
      [{ version: 1, url: "javascript:alert(1)" }, "url", /http/],
      [{ version: 1, publishedAt: "2026-02-30" }, "publishedAt", /real day/],
      [{ version: 1, language: "English!" }, "language", /language code/],
      [{ version: 1, body: "Rewritten." }, "body", /text cannot be changed/],
      [{ version: 1, colour: "red" }, "", /Unknown field colour/],
      [{ version: 2147483648, title: "x" }, "version", /version/i],
    ];
    for (const [body, field, message] of cases) {
      const response = await patch(admin, article.id, body).expect(422);
      expect(response.body.error.message, JSON.stringify(body)).toMatch(message);
      if (field) expect(JSON.stringify(response.body.error), JSON.stringify(body)).toContain(field);
    }
    const other = await makeArticle(app.db, admin, projectId, "The school said classes would resume.");
    await patch(admin, other.id, { version: 1, url: "https://news.example/taken" }).expect(200);
    const taken = await patch(admin, article.id, { version: 1, url: "https://news.example/taken" }).expect(
      422,
    );
    expect(taken.body.error.message).toMatch(/already in the project/);
    const stored = await app.db.prisma.article.findUniqueOrThrow({ where: { id: article.id } });
    expect(stored).toMatchObject({ body: article.body, version: 1 });
  });

  it("offers curators an edit form on the article's page, which saves and reports a stale version", async () => {
    const article = await makeArticle(app.db, admin, projectId, "The coach said the team was tired.");
    const { agent } = agents.get(curator)!;
    const form = await agent.get(`/articles/${article.id}/edit`).expect(200);
    expect(form.text).toContain('name="version" value="1"');
    const saved = await agent
      .post(`/articles/${article.id}/edit`)
      .type("form")
      .send({
        _csrf: csrfFrom(form.text),
        version: "1",
        title: "Coach: team was tired",
        outlet: "",
        byline: "Staff reporter",
        url: "",
        publishedAt: "2026-12-01",
        language: "en",
      })
      .expect(302);
    expect(saved.headers.location).toBe(`/articles/${article.id}`);
    expect(await app.db.prisma.article.findUniqueOrThrow({ where: { id: article.id } })).toMatchObject({
      title: "Coach: team was tired",
      byline: "Staff reporter",
      version: 2,
    });
    const stale = await agent
      .post(`/articles/${article.id}/edit`)
      .type("form")
      .send({ _csrf: csrfFrom(form.text), version: "1", title: "Again", language: "en" })
      .expect(409);
    expect(stale.text).toMatch(/changed this article(?:'|&#39;)s details since you opened it/);
    expect(stale.text).toContain("Coach: team was tired");
    await agents.get(annotator)!.agent.get(`/articles/${article.id}/edit`).expect(403);
    // The project's article list links the form for curators, not for other members.
    expect((await agent.get(`/projects/${projectId}`).expect(200)).text).toContain(
      `/articles/${article.id}/edit`,
    );
    const seenByAnnotator = await agents.get(annotator)!.agent.get(`/projects/${projectId}`).expect(200);
    expect(seenByAnnotator.text).not.toContain(`/articles/${article.id}/edit`);
  });
});
