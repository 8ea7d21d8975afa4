import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { listMyArticles } from "../../src/dashboard/progress.service.js";
import { makeArticle, makeProject } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

describe("assignments", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let x: CurrentUser;
  let y: CurrentUser;
  let z: CurrentUser;
  let projectId: number;
  let articleIds: number[];
  let adminAgent: Agent;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    x = await makeUser(app.db, "annotator", { name: "Xena" });
    y = await makeUser(app.db, "annotator", { name: "Yusuf" });
    z = await makeUser(app.db, "annotator", { name: "Zoltan" });
    projectId = (await makeProject(app.db, admin, [x, y, z])).id;
    articleIds = [];
    for (let i = 0; i < 6; i++) articleIds.push((await makeArticle(app.db, admin, projectId)).id);
    adminAgent = await loginAgent(app, admin.email);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function post(path: string, fields: Record<string, unknown>, status: number, agent = adminAgent) {
    return agent
      .post(path)
      .type("form")
      .send({ ...fields, _csrf: await tokenFor(agent) })
      .expect(status);
  }
  const mine = async (user: CurrentUser) =>
    (await listMyArticles(app.db.prisma, user)).filter((a) => a.projectId === projectId).map((a) => a.id);

  it("turns assignments on with the version read; a stale version is a 409", async () => {
    expect(await mine(x)).toEqual(articleIds);
    const { version } = await app.db.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    await post(`/projects/${projectId}/settings`, { useAssignments: "on", version }, 302);
    const stale = await post(`/projects/${projectId}/settings`, { blind: "on", version }, 409);
    expect(stale.text).toContain("Someone changed this project since you opened the page");
    const project = await app.db.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(project).toMatchObject({ useAssignments: true, blind: false, version: version + 1 });
    // Nothing assigned yet: an annotator is offered nothing; admins still see every article.
    expect(await mine(x)).toEqual([]);
    expect((await adminAgent.get(`/projects/${projectId}`).expect(200)).text).toContain("Assigned articles");
  });

  it("assigns by hand, and offers annotators only their articles", async () => {
    await post(`/projects/${projectId}/assignments`, { articles: articleIds[0], annotators: x.id }, 302);
    await post(
      `/projects/${projectId}/assignments`,
      { articles: [articleIds[1], articleIds[0]], annotators: [x.id, y.id] },
      302,
    );
    expect(await mine(x)).toEqual([articleIds[0], articleIds[1]]);
    expect(await mine(y)).toEqual([articleIds[0], articleIds[1]]);
    expect(await mine(z)).toEqual([]);
    const page = await adminAgent.get(`/projects/${projectId}/assignments`).expect(200);
    expect(page.text).toContain("Xena, Yusuf");
  });

  it("gives every unassigned article to N annotators, balancing the load", async () => {
    const done = await post(
      `/projects/${projectId}/assignments/balance`,
      { perArticle: 2, annotators: [x.id, y.id, z.id] },
      302,
    );
    expect(done.headers.location).toBe(`/projects/${projectId}/assignments`);
    const rows = await app.db.prisma.assignment.groupBy({
      by: ["userId"],
      where: { article: { projectId } },
      _count: { _all: true },
    });
    const load = Object.fromEntries(rows.map((row) => [row.userId, row._count._all]));
    // 2 + 2 by hand, then 4 articles × 2 = 8 more: 12 in all, as even as possible (4 each).
    expect(load).toEqual({ [x.id]: 4, [y.id]: 4, [z.id]: 4 });
    const perArticle = await app.db.prisma.assignment.groupBy({
      by: ["articleId"],
      where: { article: { projectId } },
      _count: { _all: true },
    });
    expect(perArticle.every((row) => row._count._all === 2)).toBe(true);
    const again = await post(
      `/projects/${projectId}/assignments/balance`,
      { perArticle: 2, annotators: [x.id] },
      422,
    );
    expect(again.text).toContain("Choose at least as many annotators as each article should get.");
  });

  it("unassigns without touching claims, and counts articles by annotators done", async () => {
    await app.db.prisma.claim.create({
      data: {
        articleId: articleIds[0]!,
        projectId,
        annotatorId: y.id,
        start: 0,
        end: 4,
        quote: "BAKU",
        prefix: "",
        suffix: "",
        type: "direct",
      },
    });
    await post(
      `/projects/${projectId}/assignments/remove`,
      { articles: articleIds[0], annotators: y.id },
      302,
    );
    expect(await mine(y)).not.toContain(articleIds[0]);
    expect(await app.db.prisma.claim.count({ where: { articleId: articleIds[0], annotatorId: y.id } })).toBe(
      1,
    );
    await app.db.prisma.articleCompletion.createMany({
      data: [
        { articleId: articleIds[1]!, userId: x.id },
        { articleId: articleIds[1]!, userId: y.id },
        { articleId: articleIds[2]!, userId: z.id },
      ],
    });
    const page = await adminAgent.get(`/projects/${projectId}/assignments`).expect(200);
    const histogram = page.text.slice(page.text.indexOf("progress-histogram"));
    expect(histogram).toMatch(
      /<th scope="row">Articles<\/th><td class="num">4<\/td><td class="num">1<\/td><td class="num">1<\/td>/,
    );
  });

  it("refuses bad input with 422 and non-admins with 403", async () => {
    const other = (await makeProject(app.db, admin, [x])).id;
    const foreign = (await makeArticle(app.db, admin, other)).id;
    const wrong = await post(
      `/projects/${projectId}/assignments`,
      { articles: foreign, annotators: x.id },
      422,
    );
    expect(wrong.text).toContain("Some of the ticked articles are not in this project.");
    const nobody = await post(`/projects/${projectId}/assignments`, { articles: articleIds[0] }, 422);
    expect(nobody.text).toContain("Choose at least one annotator.");
    const outsider = await post(
      `/projects/${projectId}/assignments`,
      { articles: articleIds[0], annotators: admin.id },
      422,
    );
    expect(outsider.text).toContain("Assign only annotators who are members of this project.");
    await post(`/projects/${projectId}/assignments/balance`, { perArticle: 0, annotators: x.id }, 422);
    await post(`/projects/${projectId}/assignments`, { articles: "abc", annotators: x.id }, 422);
    const annotatorAgent = await loginAgent(app, x.email);
    await annotatorAgent.get(`/projects/${projectId}/assignments`).expect(403);
    await post(
      `/projects/${projectId}/assignments`,
      { articles: articleIds[0], annotators: x.id },
      403,
      annotatorAgent,
    );
  });

  it("assigns 1,500 ticked articles to three annotators in one form post", async () => {
    const project = await makeProject(app.db, admin, [x, y, z]);
    await app.db.prisma.$executeRaw`
      INSERT INTO articles (project_id, title, body, body_hash, updated_at)
      SELECT ${project.id}, 'Bulk ' || g, 'Text ' || g || '.', md5('bulk-assign:' || ${project.id}::int || ':' || g), now()
      FROM generate_series(1, 1500) g`;
    const ids = (
      await app.db.prisma.article.findMany({ where: { projectId: project.id }, select: { id: true } })
    ).map((article) => article.id);
    const response = await post(
      `/projects/${project.id}/assignments`,
      { articles: ids, annotators: [x.id, y.id, z.id] },
      302,
    );
    expect(response.headers.location).toBe(`/projects/${project.id}/assignments`);
    expect(await app.db.prisma.assignment.count({ where: { article: { projectId: project.id } } })).toBe(
      4500,
    );
    await post(`/projects/${project.id}/assignments/remove`, { articles: ids, annotators: [y.id] }, 302);
    expect(await app.db.prisma.assignment.count({ where: { article: { projectId: project.id } } })).toBe(
      3000,
    );
  });
});
