// Deleting an article is a soft delete (issue 20): it and its claims leave every list, count,
// export and report, and come back whole when restored; claims deleted on their own before stay
// deleted. Through the API and the pages, on both database modes (this file runs in both passes).
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeArticle, makeCurator, makeProject, spanOf } from "../helpers/factories.js";
import {
  csrfFrom,
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

const TEXT =
  "The minister said the bridge would reopen in May. Residents said they had waited two years. The mayor said the council would pay.";

describe("deleting and restoring an article", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let curator: CurrentUser;
  let annotator: CurrentUser;
  let projectId: number;
  const agents = new Map<CurrentUser, { agent: Agent; token: string }>();

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    curator = await makeUser(app.db, "annotator", { name: "Cleo Curator" });
    annotator = await makeUser(app.db, "annotator", { name: "Abe Annotator" });
    projectId = (await makeProject(app.db, admin, [curator, annotator])).id;
    await makeCurator(app.db, projectId, curator.id);
    for (const user of [admin, curator, annotator]) {
      const agent = await loginAgent(app, user.email);
      agents.set(user, { agent, token: await tokenFor(agent) });
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  const api = (user: CurrentUser) => agents.get(user)!;

  /** An article with three claims by two annotators, one of them deleted by its author, both done. */
  async function articleWithClaims(title: string) {
    const article = await makeArticle(app.db, admin, projectId, TEXT);
    await app.db.prisma.article.update({ where: { id: article.id }, data: { title } });
    const created: { id: number; version: number }[] = [];
    for (const [user, quote] of [
      [annotator, "the bridge would reopen in May"],
      [annotator, "they had waited two years"],
      [curator, "the council would pay"],
    ] as const) {
      const { agent, token } = api(user);
      const response = await agent
        .post(`/api/v1/articles/${article.id}/claims`)
        .set("X-CSRF-Token", token)
        .send({ ...spanOf(article.body, quote), quote, type: "indirect" })
        .expect(201);
      created.push(response.body as { id: number; version: number });
    }
    const ids = created.map((claim) => claim.id);
    const { agent, token } = api(annotator);
    await agent
      .delete(`/api/v1/claims/${ids[1]}`)
      .set("X-CSRF-Token", token)
      .send({ version: created[1]!.version })
      .expect((response) => expect([200, 204]).toContain(response.status));
    await app.db.prisma.articleCompletion.createMany({
      data: [
        { articleId: article.id, userId: annotator.id },
        { articleId: article.id, userId: curator.id },
      ],
    });
    return { article, ids };
  }

  /** What researchers and annotators see of the article: lists, counts, export, agreement. */
  async function seen(articleId: number, title: string) {
    const { agent } = api(admin);
    const claims = await agent.get(`/api/v1/claims?project=${projectId}&article=${articleId}`).expect(200);
    const csv = await agent.get(`/export/claims.csv?project=${projectId}`).expect(200);
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    const project = await agent.get(`/projects/${projectId}`).expect(200);
    const agreement = await agent.get(`/api/v1/projects/${projectId}/agreement`).expect(200);
    const dashboard = await api(annotator).agent.get("/").expect(200);
    return {
      claims: claims.body.total as number,
      exported: rows.filter((row) => row.article_id === String(articleId)).length,
      onProjectPage: project.text.includes(title),
      onDashboard: dashboard.text.includes(title),
      inAgreement: JSON.stringify(agreement.body).includes(title),
    };
  }

  it("takes the article and its live claims out of every list, export and report, and brings them back", async () => {
    const { article, ids } = await articleWithClaims("Bridge to reopen in May");
    const before = await seen(article.id, "Bridge to reopen in May");
    expect(before).toEqual({
      claims: 2,
      exported: 2,
      onProjectPage: true,
      onDashboard: true,
      inAgreement: true,
    });

    const { agent, token } = api(curator);
    const deleted = await agent
      .delete(`/api/v1/articles/${article.id}`)
      .set("X-CSRF-Token", token)
      .send({ version: 1 })
      .expect(200);
    expect(deleted.body).toMatchObject({ id: article.id, version: 2, claims: 2 });
    expect(await seen(article.id, "Bridge to reopen in May")).toEqual({
      claims: 0,
      exported: 0,
      onProjectPage: false,
      onDashboard: false,
      inAgreement: false,
    });
    await agent.get(`/api/v1/articles/${article.id}`).expect(404);
    await agent.get(`/articles/${article.id}`).expect(404);
    // No new claims on an article in the trash, and importing it again says where it is.
    await api(annotator)
      .agent.post(`/api/v1/articles/${article.id}/claims`)
      .set("X-CSRF-Token", api(annotator).token)
      .send({
        ...spanOf(article.body, "the council would pay"),
        quote: "the council would pay",
        type: "indirect",
      })
      .expect(404);
    const again = await api(admin)
      .agent.post(`/api/v1/projects/${projectId}/articles`)
      .set("X-CSRF-Token", api(admin).token)
      .send({ title: "Again", body: article.body })
      .expect(409);
    expect(again.body.error.message).toMatch(/in the trash/);

    const restored = await agent
      .post(`/api/v1/articles/${article.id}/restore`)
      .set("X-CSRF-Token", token)
      .send({ version: 2 })
      .expect(200);
    expect(restored.body).toMatchObject({ version: 3, claims: 2, deletedAt: null });
    expect(await seen(article.id, "Bridge to reopen in May")).toEqual(before);
    // The claim its author had deleted before stays deleted.
    const stored = await app.db.prisma.claim.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    expect(stored.map((claim) => claim.deletedAt === null)).toEqual([true, false, true]);
    const audit = await app.db.prisma.auditEvent.findMany({
      where: { subjectType: "article", subjectId: String(article.id) },
      orderBy: { id: "asc" },
    });
    expect(audit.map((event) => event.action)).toEqual([
      "article.import",
      "article.delete",
      "article.restore",
    ]);
  });

  it("refuses stale versions, non-curators, strangers and restoring what is not deleted", async () => {
    const article = await makeArticle(app.db, admin, projectId, "The port said ships would wait.");
    const send = (user: CurrentUser, method: "delete" | "post", path: string, body: unknown) => {
      const { agent, token } = api(user);
      return agent[method](path)
        .set("X-CSRF-Token", token)
        .send(body as object);
    };
    await send(annotator, "delete", `/api/v1/articles/${article.id}`, { version: 1 }).expect(403);
    const stale = await send(admin, "delete", `/api/v1/articles/${article.id}`, { version: 7 }).expect(409);
    expect(stale.body.error.current).toEqual({ version: 1 });
    const missing = await send(admin, "delete", `/api/v1/articles/${article.id}`, {}).expect(422);
    expect(missing.body.error.message).toMatch(/version/);
    await send(admin, "post", `/api/v1/articles/${article.id}/restore`, { version: 1 }).expect(409);
    await send(admin, "delete", `/api/v1/articles/${article.id}`, { version: 1 }).expect(200);
    await send(admin, "delete", `/api/v1/articles/${article.id}`, { version: 2 }).expect(404);
    const other = await makeProject(app.db, admin);
    const hidden = await makeArticle(app.db, admin, other.id, "The mayor said the fair would go on.");
    await send(curator, "delete", `/api/v1/articles/${hidden.id}`, { version: 1 }).expect(404);
    await send(curator, "post", `/api/v1/articles/${hidden.id}/restore`, { version: 1 }).expect(404);
  });

  it("deletes from the edit page, offers Undo, and lists the trash for admins only", async () => {
    const { article } = await articleWithClaims("Council to pay for bridge");
    const { agent } = api(curator);
    const edit = await agent.get(`/articles/${article.id}/edit`).expect(200);
    const deleted = await agent
      .post(`/articles/${article.id}/delete`)
      .type("form")
      .send({ _csrf: csrfFrom(edit.text), version: "1" })
      .expect(302);
    expect(deleted.headers.location).toBe(`/articles/${article.id}/deleted`);
    const undoPage = await agent.get(`/articles/${article.id}/deleted`).expect(200);
    expect(undoPage.text).toMatch(/and its 2 claims are in the trash/);

    const trash = await api(admin).agent.get("/admin/trash").expect(200);
    expect(trash.text).toContain("Council to pay for bridge");
    expect(trash.text).toContain("Cleo Curator");
    await api(annotator).agent.get("/admin/trash").expect(403);

    const undone = await agent
      .post(`/articles/${article.id}/restore`)
      .type("form")
      .send({ _csrf: csrfFrom(undoPage.text), version: "2" })
      .expect(302);
    expect(undone.headers.location).toBe(`/articles/${article.id}`);
    const page = await agent.get(`/articles/${article.id}`).expect(200);
    expect(page.text).toMatch(/Restored “Council to pay for bridge” with 2 claims/);
    expect((await api(admin).agent.get("/admin/trash").expect(200)).text).not.toContain(
      "Council to pay for bridge",
    );
  });
});
