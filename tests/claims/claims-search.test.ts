import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClaim } from "../../src/claims/claims.service.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { loginAgent, makeUser, startTestApp, type Agent, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
let anna: CurrentUser;
let ben: CurrentUser;
let researcherAgent: Agent;
let annaAgent: Agent;
let researcherToken: string;
let projectId: number;
let otherProjectId: number;

const BODY = [
  "The army suppressed provocations along the front.",
  "The ceasefire was violated three times, officials said.",
  "Peace talks will resume in Geneva next week.",
].join("\n\n");

type Seed = {
  quote: string;
  stance: string;
  target?: string;
  type: "direct" | "indirect" | "outlet";
  speaker: string;
};
const seeds: Seed[] = [
  {
    quote: "The army suppressed provocations along the front.",
    stance: "favor",
    target: "Azerbaijan",
    type: "indirect",
    speaker: "Hikmat Hajiyev",
  },
  {
    quote: "The ceasefire was violated three times, officials said.",
    stance: "against",
    target: "Armenia",
    type: "direct",
    speaker: "Ilham Aliyev",
  },
  {
    quote: "Peace talks will resume in Geneva next week.",
    stance: "neutral",
    target: "ceasefire",
    type: "outlet",
    speaker: "Hikmat Hajiyev",
  },
];

beforeAll(async () => {
  app = await startTestApp();
  const admin = await makeUser(app.db, "admin");
  anna = await makeUser(app.db, "annotator", { name: "Anna" });
  ben = await makeUser(app.db, "annotator", { name: "Ben" });
  const researcher = await makeUser(app.db, "researcher");
  const project = await makeProject(app.db, admin, [anna, ben]);
  const other = await makeProject(app.db, admin, [anna]);
  projectId = project.id;
  otherProjectId = other.id;
  const article = await makeArticle(app.db, admin, project.id, BODY);
  await app.db.prisma.article.update({
    where: { id: article.id },
    data: { publishedAt: new Date("2020-10-05T00:00:00Z") },
  });
  const otherArticle = await makeArticle(app.db, admin, other.id, BODY);
  for (const annotator of [anna, ben]) {
    for (const seed of seeds) {
      await createClaim(app.db.prisma, annotator, article.id, {
        ...spanOf(article.body, seed.quote),
        quote: seed.quote,
        type: seed.type,
        stance: seed.stance,
        target: seed.target,
        speaker: { name: seed.speaker },
      });
    }
  }
  // 30 more claims by Anna in the other project, for paging.
  for (let index = 0; index < 30; index += 1) {
    const quote = seeds[index % 3]!.quote;
    await createClaim(app.db.prisma, anna, otherArticle.id, {
      ...spanOf(otherArticle.body, quote),
      quote,
      type: "outlet",
    });
  }
  await app.db.prisma.speaker.updateMany({
    where: { name: "Hikmat Hajiyev" },
    data: { aliases: ["the president's assistant"] },
  });
  researcherAgent = await loginAgent(app, researcher.email);
  annaAgent = await loginAgent(app, anna.email);
  researcherToken = (await createApiToken(app.db.prisma, researcher.id, "r", "read")).token;
});
afterAll(() => app.close());

async function api(query: string) {
  const response = await request(app.url)
    .get(`/api/v1/claims?${query}`)
    .set("Authorization", `Bearer ${researcherToken}`);
  expect(response.status).toBe(200);
  return response.body as {
    total: number;
    claims: { id: number; quote: string; stance: string | null; annotator: { name: string } }[];
    nextCursor: string | null;
    next: string | null;
  };
}

describe("filtering claims", () => {
  it.each([
    [`project=${"P"}`, 6],
    [`project=${"P"}&stance=against`, 2],
    [`project=${"P"}&target=armenia`, 2],
    [`project=${"P"}&type=outlet`, 2],
    [`project=${"P"}&speaker=the%20president's%20assistant`, 4],
    [`project=${"P"}&speaker=hikmat%20hajiyev`, 4],
    [`project=${"P"}&q=ceasefire%20violated`, 2],
    [`project=${"P"}&q=provocation`, 2],
    [`project=${"P"}&from=2020-10-01&to=2020-10-05`, 6],
    [`project=${"P"}&from=2020-10-06`, 0],
    [`project=${"P"}&claimFrom=2000-01-01`, 6],
  ])("%s gives %i claims", async (query, expected) => {
    const body = await api(query.replace("P", String(projectId)));
    expect(body.total).toBe(expected);
    expect(body.claims).toHaveLength(expected);
  });

  it("filters by annotator", async () => {
    const body = await api(`project=${projectId}&annotator=${ben.id}`);
    expect(body.claims.every((claim) => claim.annotator.name === "Ben")).toBe(true);
    expect(body.total).toBe(3);
  });

  it("pages with a cursor: every claim once, in order, with the total", async () => {
    const seen: number[] = [];
    let query = `project=${otherProjectId}&limit=7`;
    for (let guard = 0; guard < 10; guard += 1) {
      const body = await api(query);
      expect(body.total).toBe(30);
      seen.push(...body.claims.map((claim) => claim.id));
      if (!body.nextCursor) break;
      query = body.next!.split("?")[1]!;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  it("sorts by article date with stable keyset pages", async () => {
    const all = await api(`sort=published_asc&limit=500`);
    const paged: number[] = [];
    let query = "sort=published_asc&limit=5";
    for (let guard = 0; guard < 20; guard += 1) {
      const body = await api(query);
      paged.push(...body.claims.map((claim) => claim.id));
      if (!body.next) break;
      query = body.next.split("?")[1]!;
    }
    expect(paged).toEqual(all.claims.map((claim) => claim.id));
  });

  it("explains a bad filter value (422)", async () => {
    const response = await request(app.url)
      .get("/api/v1/claims?type=rumour")
      .set("Authorization", `Bearer ${researcherToken}`);
    expect(response.status).toBe(422);
    expect(response.body.error.message).toMatch(/type must be one of/);
  });
});

describe("the /claims page", () => {
  it("shows annotators only their own claims", async () => {
    const response = await annaAgent.get(`/api/v1/claims?project=${projectId}`);
    expect(response.body.total).toBe(3);
    const page = await annaAgent.get(`/claims?project=${projectId}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(">Ben<");
    expect(page.text).not.toContain("Export");
  });

  it("keeps filters in the URL, links rows to their highlight, and offers exports of the same set", async () => {
    const page = await researcherAgent.get(`/claims?project=${projectId}&stance=favor`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`data-count-url="/claims/count?project=${projectId}&amp;stance=favor"`);
    const count = await researcherAgent.get(`/claims/count?project=${projectId}&stance=favor`);
    expect(count.body).toEqual({ total: 2 });
    expect(page.text).toMatch(/href="\/articles\/\d+#claim-\d+"/);
    expect(page.text).toContain(`/export/claims.csv?project=${projectId}&amp;stance=favor`);
    expect(page.text).toContain(`<option value="favor" selected>`);
  });

  it("draws the summary charts as SVG", async () => {
    for (const chart of ["speakers", "stance-over-time"]) {
      const response = await researcherAgent
        .get(`/claims/charts/${chart}.svg?project=${projectId}`)
        .responseType("blob");
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toMatch(/image\/svg\+xml/);
      expect((response.body as Buffer).toString("utf8")).toMatch(/^<svg/);
    }
    const speakers = await researcherAgent
      .get(`/claims/charts/speakers.svg?project=${projectId}`)
      .responseType("blob");
    const svg = (speakers.body as Buffer).toString("utf8");
    expect(svg).toContain("Hikmat Hajiyev");
    expect(svg).toContain("favor: 2");
  });
});
