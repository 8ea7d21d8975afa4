// The workspace's place-in-the-list: the same list, order and "done" as the dashboard, reduced to
// position, counts and the next article in one query, also at 1,000 articles.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMyArticles, workspaceProgress } from "../../src/dashboard/progress.service.js";
import { loginAgent, makeUser, startTestApp, tokenFor, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
let annotator: Awaited<ReturnType<typeof makeUser>>;
let researcher: Awaited<ReturnType<typeof makeUser>>;
/** Articles in list order: project "A…" (3 articles), then project "B…" (2). */
let ids: number[];

async function project(name: string, members: { id: number }[], titles: string[]) {
  const { prisma } = app.db;
  const created = await prisma.project.create({ data: { name: `${name} ${randomUUID()}` } });
  for (const member of members) {
    await prisma.projectMember.create({ data: { projectId: created.id, userId: member.id } });
  }
  const articleIds: number[] = [];
  for (const title of titles) {
    const article = await prisma.article.create({
      data: { projectId: created.id, title, body: `${title}.`, bodyHash: randomUUID() },
    });
    articleIds.push(article.id);
  }
  return { id: created.id, articleIds };
}

const markDone = (articleId: number, userId: number) =>
  app.db.prisma.articleCompletion.create({ data: { articleId, userId } });

beforeAll(async () => {
  app = await startTestApp();
  annotator = await makeUser(app.db, "annotator");
  researcher = await makeUser(app.db, "researcher");
  // Created B first: the list is ordered by project name, not by creation.
  const b = await project("B", [annotator, researcher], ["B1", "B2"]);
  const a = await project("A", [annotator, researcher], ["A1", "A2", "A3"]);
  ids = [...a.articleIds, ...b.articleIds];
  await markDone(ids[1]!, annotator.id); // A2
  await markDone(ids[3]!, annotator.id); // B1
});
afterAll(() => app.close());

describe("workspaceProgress", () => {
  it("gives the article's place in the dashboard's list, the counts, and the next article not done after it", async () => {
    const list = await listMyArticles(app.db.prisma, annotator);
    expect(list.map((article) => article.id)).toEqual(ids);

    const onA1 = await workspaceProgress(app.db.prisma, annotator, ids[0]!);
    expect(onA1).toEqual({
      position: 1,
      total: 5,
      done: 2,
      isDone: false,
      next: { id: ids[2], title: "A3" },
      following: { id: ids[1], title: "A2" },
    });
    const onA2 = await workspaceProgress(app.db.prisma, annotator, ids[1]!);
    expect(onA2).toMatchObject({ position: 2, isDone: true, next: { id: ids[2] } });
    // After the last not-done article, Next goes round to the first not done.
    const onB2 = await workspaceProgress(app.db.prisma, annotator, ids[4]!);
    expect(onB2).toMatchObject({ position: 5, isDone: false, next: { id: ids[0] }, following: null });
  });

  it("says when nothing else is left, and stays out of the list for an article of another project", async () => {
    const loner = await makeUser(app.db, "annotator");
    const own = await project("Solo", [loner], ["S1", "S2"]);
    await markDone(own.articleIds[1]!, loner.id);
    expect(await workspaceProgress(app.db.prisma, loner, own.articleIds[0]!)).toMatchObject({
      position: 1,
      total: 2,
      done: 1,
      next: null,
    });
    expect(await workspaceProgress(app.db.prisma, loner, ids[0]!)).toMatchObject({
      position: null,
      total: 2,
      isDone: false,
      following: null,
    });
  });

  it("answers in one query at 1,000 articles, quickly", async () => {
    const busy = await makeUser(app.db, "annotator");
    const big = await project("Big", [busy], []);
    await app.db.prisma.article.createMany({
      data: Array.from({ length: 1000 }, (_, i) => ({
        projectId: big.id,
        title: `Article ${i + 1}`,
        body: `Body ${i + 1}.`,
        bodyHash: randomUUID(),
      })),
    });
    const articles = await app.db.prisma.article.findMany({
      where: { projectId: big.id },
      orderBy: { id: "asc" },
      select: { id: true },
    });
    await app.db.prisma.articleCompletion.createMany({
      data: articles.slice(0, 700).map((article) => ({ articleId: article.id, userId: busy.id })),
    });
    const middle = articles[499]!.id;
    await workspaceProgress(app.db.prisma, busy, middle); // warm: the first call plans the query
    const runs: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      const progress = await workspaceProgress(app.db.prisma, busy, middle);
      runs.push(performance.now() - started);
      expect(progress).toMatchObject({ position: 500, total: 1000, done: 700, isDone: true });
      expect(progress.next?.id).toBe(articles[700]!.id);
    }
    const median = runs.sort((a, b) => a - b)[2]!;
    console.info(`workspaceProgress at 1,000 articles: median ${median.toFixed(1)} ms`);
    expect(median).toBeLessThan(100);
  });
});

describe("the workspace head", () => {
  it("shows annotators their place, Mark done or Reopen, and Next article", async () => {
    const agent = await loginAgent(app, annotator.email);
    const page = await agent.get(`/articles/${ids[0]}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Article 1 of 5 in your list · 2 done");
    expect(page.text).toContain(`action="/articles/${ids[0]}/done"`);
    expect(page.text).toMatch(new RegExp(`href="/articles/${ids[2]}" rel="next"`));

    const done = await agent
      .post(`/articles/${ids[0]}/done`)
      .type("form")
      .send({ _csrf: await tokenFor(agent), returnTo: `/articles/${ids[0]}?layer=all` });
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe(`/articles/${ids[0]}?layer=all`);
    const after = await agent.get(`/articles/${ids[0]}`);
    expect(after.text).toContain("Article 1 of 5 in your list · 3 done");
    expect(after.text).toContain(`action="/articles/${ids[0]}/reopen"`);
    await app.db.prisma.articleCompletion.deleteMany({ where: { articleId: ids[0], userId: annotator.id } });
  });

  it("shows researchers their place and the following article, without Mark done", async () => {
    const agent = await loginAgent(app, researcher.email);
    const page = await agent.get(`/articles/${ids[0]}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Article 1 of 5 in your list</p>");
    expect(page.text).not.toContain("Mark done");
    expect(page.text).toMatch(new RegExp(`href="/articles/${ids[1]}" rel="next"`));
  });
});
