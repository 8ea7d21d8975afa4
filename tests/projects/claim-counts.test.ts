// The project page's claim counts: the annotators' claims and the gold layer apart; in a blind
// project an annotator (not a curator) is shown their own claims only, and the gold count once the
// article is curated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { listProjectArticlesWithCounts } from "../../src/projects/projects.service.js";
import { makeArticle, makeProject } from "../helpers/factories.js";
import { loginAgent, makeUser, startTestApp, type Agent, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
let admin: CurrentUser;
let ann: CurrentUser;
let bo: CurrentUser;
let cu: CurrentUser;
let researcher: CurrentUser;
let projectId: number;
let articleId: number;
const agents = {} as Record<"ann" | "researcher", Agent>;

const prisma = () => app.db.prisma;

async function claims(annotatorId: number, count: number, layer: "annotator" | "gold" = "annotator") {
  for (let index = 0; index < count; index += 1) {
    await prisma().claim.create({
      data: {
        articleId,
        projectId,
        annotatorId,
        layer,
        start: 0,
        end: 4,
        quote: "BAKU",
        prefix: "",
        suffix: "",
        type: "direct",
      },
    });
  }
}

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin");
  ann = await makeUser(app.db, "annotator", { name: "Ann" });
  bo = await makeUser(app.db, "annotator", { name: "Bo" });
  cu = await makeUser(app.db, "annotator", { name: "Cu" });
  researcher = await makeUser(app.db, "researcher");
  projectId = (await makeProject(app.db, admin, [ann, bo, cu])).id;
  await prisma().project.update({ where: { id: projectId }, data: { blind: true } });
  await prisma().projectMember.update({
    where: { projectId_userId: { projectId, userId: cu.id } },
    data: { isCurator: true },
  });
  articleId = (await makeArticle(app.db, admin, projectId)).id;
  await claims(ann.id, 1);
  await claims(bo.id, 2);
  await claims(cu.id, 4, "gold");
  // A deleted claim counts nowhere.
  await prisma().claim.updateMany({
    where: { id: (await prisma().claim.findFirstOrThrow({ where: { annotatorId: bo.id } })).id },
    data: { deletedAt: new Date() },
  });
  await claims(bo.id, 1);
  for (const [name, user] of Object.entries({ ann, researcher })) {
    agents[name as keyof typeof agents] = await loginAgent(app, user.email);
  }
});
afterAll(() => app?.close());

async function counts(user: CurrentUser) {
  const { ownClaimsOnly, articles } = await listProjectArticlesWithCounts(prisma(), user, projectId);
  const [article] = articles;
  return { ownClaimsOnly, claims: article!.claims, gold: article!.goldClaims };
}

/** The Claims and Gold claims cells of the article's row on the project page. */
function rowCells(html: string): string[] {
  const row = new RegExp(`<tr>\\s*<td><a href="/articles/${articleId}">[\\s\\S]*?</tr>`).exec(html)![0];
  return [...row.matchAll(/<td>([^<]*)<\/td>/g)].map((match) => match[1]!.trim());
}

describe("claim counts on the project page", () => {
  it("show a blind project's annotator their own claims, and no gold before curation", async () => {
    expect(await counts(ann)).toEqual({ ownClaimsOnly: true, claims: 1, gold: null });
    expect(await counts(bo)).toEqual({ ownClaimsOnly: true, claims: 2, gold: null });
    const page = await agents.ann.get(`/projects/${projectId}`).expect(200);
    expect(page.text).toContain('<th scope="col">My claims</th>');
    expect(page.text).toContain('id="own-counts"');
    // Outlet, claims, gold, curation (date and title hold markup): her own 1, no gold yet.
    expect(rowCells(page.text)).toEqual(["Trend", "1", "", ""]);
  });

  it("show curators, researchers and admins every annotator's claims and the gold layer apart", async () => {
    for (const user of [cu, researcher, admin]) {
      expect(await counts(user)).toEqual({ ownClaimsOnly: false, claims: 3, gold: 4 });
    }
    const page = await agents.researcher.get(`/projects/${projectId}`).expect(200);
    expect(page.text).toContain('<th scope="col">Claims</th>');
    expect(page.text).not.toContain('id="own-counts"');
    expect(rowCells(page.text)).toEqual(["Trend", "3", "4", ""]);
  });

  it("show the gold count to annotators once the article is curated", async () => {
    await prisma().articleCuration.create({ data: { articleId, curatedById: cu.id } });
    try {
      expect(await counts(ann)).toEqual({ ownClaimsOnly: true, claims: 1, gold: 4 });
    } finally {
      await prisma().articleCuration.delete({ where: { articleId } });
    }
  });

  it("show everyone every annotator's claims when the project is not blind", async () => {
    await prisma().project.update({ where: { id: projectId }, data: { blind: false } });
    try {
      expect(await counts(ann)).toEqual({ ownClaimsOnly: false, claims: 3, gold: null });
    } finally {
      await prisma().project.update({ where: { id: projectId }, data: { blind: true } });
    }
  });
});
