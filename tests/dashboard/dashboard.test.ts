import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMyArticles, listProjectProgress } from "../../src/dashboard/progress.service.js";
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
let annotator: Awaited<ReturnType<typeof makeUser>>;
let annotatorAgent: Agent;
let articleIds: number[];
let projectId: number;

async function addArticle(title: string, publishedAt?: Date) {
  const { prisma } = app.db;
  const article = await prisma.article.create({
    data: { projectId, title, body: `${title} body.`, bodyHash: `hash-${title}`, publishedAt },
  });
  return article.id;
}

async function addClaim(articleId: number, annotatorId: number, deleted = false) {
  const { projectId } = await app.db.prisma.article.findUniqueOrThrow({ where: { id: articleId } });
  await app.db.prisma.claim.create({
    data: {
      articleId,
      projectId,
      annotatorId,
      start: 0,
      end: 4,
      quote: "text",
      prefix: "",
      suffix: "",
      type: "outlet",
      deletedAt: deleted ? new Date() : null,
    },
  });
}

async function post(agent: Agent, path: string, fields: Record<string, string> = {}) {
  return agent
    .post(path)
    .type("form")
    .send({ ...fields, _csrf: await tokenFor(agent) });
}

const rowStatus = (html: string, id: number) =>
  new RegExp(`data-article="${id}" data-status="([a-z_]+)"`).exec(html)?.[1];

beforeAll(async () => {
  app = await startTestApp();
  const admin = await makeUser(app.db, "admin");
  adminAgent = await loginAgent(app, admin.email);
  annotator = await makeUser(app.db, "annotator", { name: "Ann Otator" });
  annotatorAgent = await loginAgent(app, annotator.email);
});
afterAll(() => app.close());

describe("an empty database", () => {
  it("offers an admin the demo project, and loads it", async () => {
    const home = await adminAgent.get("/");
    expect(home.text).toContain("Load the demo project");
    expect((await annotatorAgent.get("/")).text).not.toContain("Load the demo project");
    expect((await post(annotatorAgent, "/demo")).status).toBe(403);
    const loaded = await post(adminAgent, "/demo");
    expect(loaded.status).toBe(302);
    expect(loaded.headers.location).toMatch(/^\/projects\/\d+$/);
    expect((await adminAgent.get("/")).text).not.toContain("Load the demo project");
    expect(await app.db.prisma.claim.count()).toBe(4);
  });
});

describe("my articles", () => {
  beforeAll(async () => {
    projectId = (await app.db.prisma.project.create({ data: { name: "Queue" } })).id;
    await app.db.prisma.projectMember.create({ data: { projectId, userId: annotator.id } });
    articleIds = [
      await addArticle("First", new Date("2020-11-03T00:00:00Z")),
      await addArticle("Second"),
      await addArticle("Third"),
    ];
    const other = await app.db.prisma.project.create({ data: { name: "Not mine" } });
    await app.db.prisma.article.create({
      data: { projectId: other.id, title: "Elsewhere", body: "x", bodyHash: "elsewhere" },
    });
  });

  it("shows each article of the annotator's projects as not started, in progress or done", async () => {
    const [first, second, third] = articleIds as [number, number, number];
    await addClaim(second, annotator.id);
    await addClaim(third, annotator.id, true); // a deleted claim does not count
    let home = await annotatorAgent.get("/");
    expect(home.status).toBe(200);
    expect(home.text).not.toContain("Elsewhere");
    expect(home.text).toContain('<time datetime="2020-11-03T00:00:00.000Z">2020-11-03</time>');
    expect([first, second, third].map((id) => rowStatus(home.text, id))).toEqual([
      "not_started",
      "in_progress",
      "not_started",
    ]);
    expect(home.text).toMatch(new RegExp(`href="/articles/${first}" data-testid="next-article"`));

    const done = await post(annotatorAgent, `/articles/${first}/done`, { returnTo: "/" });
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe("/");
    home = await annotatorAgent.get("/");
    expect(home.text).toContain("Marked “First” done.");
    expect(rowStatus(home.text, first)).toBe("done");
    expect(home.text).toMatch(new RegExp(`href="/articles/${second}" data-testid="next-article"`));
    expect(home.text).toContain("1 done, 1 in progress, 1 not started");

    await post(annotatorAgent, `/articles/${first}/done`); // twice is fine
    await post(annotatorAgent, `/articles/${second}/done`);
    await post(annotatorAgent, `/articles/${third}/done`);
    home = await annotatorAgent.get("/");
    expect(home.text).not.toContain('data-testid="next-article"');
    expect(home.text).toContain("all done");

    const reopened = await post(annotatorAgent, `/articles/${second}/reopen`);
    expect(reopened.status).toBe(302);
    expect(rowStatus((await annotatorAgent.get("/")).text, second)).toBe("in_progress");
  });

  it("answers scripts with JSON and never goes to another site", async () => {
    const id = articleIds[2]!;
    const json = await annotatorAgent
      .post(`/articles/${id}/reopen`)
      .set("Accept", "application/json")
      .set("X-CSRF-Token", await tokenFor(annotatorAgent));
    expect(json.body).toEqual({ articleId: id, done: false });
    const away = await post(annotatorAgent, `/articles/${id}/done`, { returnTo: "//evil.example/" });
    expect(away.headers.location).toBe("/");
  });

  it("refuses articles of projects the user is not in (404)", async () => {
    const elsewhere = await app.db.prisma.article.findFirstOrThrow({ where: { title: "Elsewhere" } });
    expect((await post(annotatorAgent, `/articles/${elsewhere.id}/done`)).status).toBe(404);
    expect((await post(annotatorAgent, "/articles/999999/done")).status).toBe(404);
    expect(await app.db.prisma.articleCompletion.count({ where: { articleId: elsewhere.id } })).toBe(0);
  });
});

describe("progress for admins", () => {
  it("counts done, in progress and not started per project and member", async () => {
    const second = await makeUser(app.db, "annotator", { name: "Bea Second" });
    await app.db.prisma.projectMember.create({ data: { projectId, userId: second.id } });
    await addClaim(articleIds[0]!, second.id);
    const progress = await listProjectProgress(app.db.prisma);
    const queue = progress.find((p) => p.projectId === projectId)!;
    expect(queue.articles).toBe(3);
    const byName = Object.fromEntries(queue.members.map((m) => [m.name, m]));
    expect(byName["Ann Otator"]).toMatchObject({ done: 2, inProgress: 1, notStarted: 0 });
    expect(byName["Bea Second"]).toMatchObject({ done: 0, inProgress: 1, notStarted: 2 });
    expect(progress.find((p) => p.projectName === "Not mine")).toMatchObject({ articles: 1, members: [] });

    const page = await adminAgent.get("/");
    expect(page.text).toContain("Progress by project");
    expect(page.text).toContain("Bea Second");
    expect((await annotatorAgent.get("/")).text).not.toContain("Progress by project");
  });

  it("aggregates in SQL: a thousand articles list quickly", async () => {
    const { prisma } = app.db;
    const big = await prisma.project.create({ data: { name: "Big" } });
    await prisma.projectMember.create({ data: { projectId: big.id, userId: annotator.id } });
    await prisma.article.createMany({
      data: Array.from({ length: 1000 }, (_, i) => ({
        projectId: big.id,
        title: `Bulk ${i}`,
        body: `Body ${i}.`,
        bodyHash: `big-${i}`,
      })),
    });
    const started = Date.now();
    const mine = await listMyArticles(prisma, annotator);
    await listProjectProgress(prisma);
    expect(mine.filter((a) => a.projectId === big.id)).toHaveLength(1000);
    expect(Date.now() - started).toBeLessThan(5000);
    const page = await annotatorAgent.get("/");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Bulk 999");
  });
});
