// One matching rule for speakers everywhere people look for them: the workspace's picker (the
// project's speakers API with q), the speakers page, GET /api/v1/speakers (the Claims page's
// suggestions) and the Claims page's speaker filter. Every typed word must start a word of the
// name or an alias, ignoring case and accents; the queries use the speakers_search_idx index.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { speakerMatches } from "../../src/speakers/speaker-match.js";
import { addSpeakerClaims, makeProject } from "../helpers/factories.js";
import {
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
const agents = {} as Record<"admin" | "member" | "outsider" | "researcher", Agent>;
let projectId: number;
let otherProjectId: number;
const ids: Record<string, number> = {};

const prisma = () => app.db.prisma;

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin");
  member = await makeUser(app.db, "annotator");
  const outsider = await makeUser(app.db, "annotator");
  const researcher = await makeUser(app.db, "researcher");
  projectId = (await makeProject(app.db, admin, [member])).id;
  otherProjectId = (await makeProject(app.db, admin, [outsider])).id;
  const speakers: [string, string[], number][] = [
    ["Zoë Müller", ["Frau Müller"], 3],
    ["Rafael Ortiz", ["R. Ortiz"], 1],
    ["Ortiz", [], 0],
    ["Raffaella Ortolani", [], 5],
    ["Hans Muller-Thurgau", [], 0],
    ["Søren Kierkegaard", [], 0],
    ["Jean-Pierre O'Brien", [], 0],
  ];
  for (const [name, aliases, claims] of speakers) {
    const speaker = await prisma().speaker.create({ data: { projectId, name, aliases } });
    ids[name] = speaker.id;
    if (claims)
      await addSpeakerClaims(app.db, {
        projectId,
        speakerId: speaker.id,
        annotatorId: member.id,
        count: claims,
      });
  }
  const elsewhere = await prisma().speaker.create({
    data: { projectId: otherProjectId, name: "Zoe Muller" },
  });
  ids["Zoe Muller (other project)"] = elsewhere.id;
  await addSpeakerClaims(app.db, {
    projectId: otherProjectId,
    speakerId: elsewhere.id,
    annotatorId: outsider.id,
    count: 2,
  });
  agents.admin = await loginAgent(app, admin.email);
  agents.member = await loginAgent(app, member.email);
  agents.outsider = await loginAgent(app, outsider.email);
  agents.researcher = await loginAgent(app, researcher.email);
});
afterAll(() => app.close());

type Found = { id: number; name: string; claimCount: number; projectId?: number; projectName?: string };

async function pickerSearch(q: string, agent = agents.member): Promise<string[]> {
  const response = await agent.get(`/api/v1/projects/${projectId}/speakers`).query({ q });
  expect(response.status).toBe(200);
  return (response.body as { speakers: Found[] }).speakers.map((speaker) => speaker.name);
}

describe("the speaker picker (GET /api/v1/projects/:id/speakers?q=)", () => {
  it.each([
    ["muller", ["Zoë Müller", "Hans Muller-Thurgau"]],
    ["zoe", ["Zoë Müller"]],
    ["ZOË", ["Zoë Müller"]],
    ["Ortiz", ["Ortiz", "Rafael Ortiz"]],
    ["raf ort", ["Raffaella Ortolani", "Rafael Ortiz"]],
    ["ort raf", ["Raffaella Ortolani", "Rafael Ortiz"]],
    ["frau", ["Zoë Müller"]],
    ["soren", ["Søren Kierkegaard"]],
    ["thurgau", ["Hans Muller-Thurgau"]],
    ["obrien", ["Jean-Pierre O'Brien"]],
    ["o’brien", ["Jean-Pierre O'Brien"]],
    ["pierre", ["Jean-Pierre O'Brien"]],
    ["üller", []],
    ["rafael x", []],
    ["-", []],
  ])("%j finds %j", async (q, names) => {
    expect(await pickerSearch(q)).toEqual(names);
  });

  it("puts the whole name typed first, then names that start with it, then the most quoted", async () => {
    // "Ortiz" is the whole name of one speaker, a later word of another.
    expect(await pickerSearch("ortiz")).toEqual(["Ortiz", "Rafael Ortiz"]);
    // Both names start with "raf"; Raffaella has more claims.
    expect(await pickerSearch("raf")).toEqual(["Raffaella Ortolani", "Rafael Ortiz"]);
    expect(await pickerSearch("rafael o")).toEqual(["Rafael Ortiz"]);
    expect(await pickerSearch("r ortiz")).toEqual(["Rafael Ortiz"]);
  });

  it("answers each speaker with its aliases and claim count, and honours limit", async () => {
    const response = await agents.member
      .get(`/api/v1/projects/${projectId}/speakers`)
      .query({ q: "muller", limit: 1 });
    expect(response.body).toEqual({
      speakers: [
        {
          id: ids["Zoë Müller"],
          name: "Zoë Müller",
          role: "",
          affiliation: "",
          aliases: ["Frau Müller"],
          claimCount: 3,
        },
      ],
    });
  });

  it("never shows another project's speakers", async () => {
    expect(await pickerSearch("zoe muller", agents.admin)).toEqual(["Zoë Müller"]);
  });
});

describe("the Claims page's suggestions (GET /api/v1/speakers?q=)", () => {
  async function suggest(agent: Agent, query: Record<string, string | number>) {
    const response = await agent.get("/api/v1/speakers").query(query);
    return {
      status: response.status,
      body: response.body as { speakers: Found[]; error?: { field?: string } },
    };
  }

  it("searches every project a researcher or admin may see, naming each speaker's project", async () => {
    const { status, body } = await suggest(agents.researcher, { q: "zoe muller" });
    expect(status).toBe(200);
    expect(
      body.speakers.map(({ id, projectId: project, claimCount }) => ({ id, project, claimCount })),
    ).toEqual([
      { id: ids["Zoë Müller"], project: projectId, claimCount: 3 },
      { id: ids["Zoe Muller (other project)"], project: otherProjectId, claimCount: 2 },
    ]);
    expect(body.speakers[0]!.projectName).toMatch(/^Project /);
  });

  it("keeps annotators to their own projects, and narrows to one project on request", async () => {
    expect((await suggest(agents.outsider, { q: "muller" })).body.speakers.map((s) => s.id)).toEqual([
      ids["Zoe Muller (other project)"],
    ]);
    expect((await suggest(agents.outsider, { q: "muller", project: projectId })).body.speakers).toEqual([]);
    expect(
      (await suggest(agents.admin, { q: "muller", project: otherProjectId })).body.speakers.map((s) => s.id),
    ).toEqual([ids["Zoe Muller (other project)"]]);
  });

  it("needs q (422) and a valid project and limit", async () => {
    expect((await suggest(agents.admin, {})).status).toBe(422);
    expect((await suggest(agents.admin, { q: "  " })).body.error?.field).toBe("q");
    expect((await suggest(agents.admin, { q: "a", project: "x" })).body.error?.field).toBe("project");
    expect((await suggest(agents.admin, { q: "a", limit: 51 })).body.error?.field).toBe("limit");
  });

  it("answers 401 without a login", async () => {
    expect(
      (await request(app.url).get("/api/v1/speakers?q=a").set("Accept", "application/json")).status,
    ).toBe(401);
  });
});

describe("the Claims page's speaker filter", () => {
  async function claimsBy(speaker: string): Promise<number> {
    const response = await agents.researcher.get("/api/v1/claims").query({ speaker, project: projectId });
    expect(response.status).toBe(200);
    return (response.body as { total: number }).total;
  }

  it("uses the same rule: any words, no case, no accents", async () => {
    expect(await claimsBy("muller")).toBe(3);
    expect(await claimsBy("ZOE")).toBe(3);
    expect(await claimsBy("Zoë Müller")).toBe(3);
    expect(await claimsBy("raf ort")).toBe(1 + 5);
    expect(await claimsBy("rafael ortiz")).toBe(1);
    expect(await claimsBy("r. ortiz")).toBe(1);
    expect(await claimsBy("nobody")).toBe(0);
    expect(await claimsBy("...")).toBe(0);
    expect(await claimsBy(String(ids["Raffaella Ortolani"]))).toBe(5);
  });

  it("counts (speakers looked up first) and exports (speakers matched in the query) the same claims", async () => {
    for (const speaker of ["muller", "raf ort", "ortiz", "rafael ortiz", "hans", "nobody", "-"]) {
      const count = await agents.researcher.get("/claims/count").query({ speaker, project: projectId });
      const csv = await agents.researcher.get("/export/claims.csv").query({ speaker, project: projectId });
      expect(csv.text.trim().split("\r\n").length - 1, speaker).toBe((count.body as { total: number }).total);
    }
  });

  it("filters the page and the export alike", async () => {
    const page = await agents.researcher.get("/claims").query({ speaker: "zoe", project: projectId });
    expect(page.status).toBe(200);
    expect(page.text.match(/<td>Zoë Müller<\/td>/g)).toHaveLength(3);
    const csv = await agents.researcher
      .get("/export/claims.csv")
      .query({ speaker: "zoe", project: projectId });
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split("\r\n")).toHaveLength(1 + 3);
  });
});

describe("the speakers page", () => {
  it("has a search box with the same rule, best matches first", async () => {
    const response = await agents.member.get(`/projects/${projectId}/speakers`).query({ q: "ORT" });
    expect(response.status).toBe(200);
    expect(response.text).toContain('value="ORT"');
    expect(response.text).toContain("3 speakers match “ORT”");
    expect(response.text).toContain("Show all 7</a>");
    const rows = [...response.text.matchAll(/data-speaker-id="(\d+)"/g)].map((match) => Number(match[1]));
    expect(rows).toEqual([ids["Ortiz"], ids["Raffaella Ortolani"], ids["Rafael Ortiz"]]);
    // The merge form still offers every speaker.
    const all = await agents.admin.get(`/projects/${projectId}/speakers`).query({ q: "ORT" });
    expect(all.text.match(/<option value="\d+"/g)!.length).toBe(2 * 7);
  });

  it("says when nothing matches, and escapes what was typed", async () => {
    const response = await agents.member.get(`/projects/${projectId}/speakers`).query({ q: "<b>nobody" });
    expect(response.status).toBe(200);
    expect(response.text).toContain("No speaker matches “&lt;b&gt;nobody”");
    expect(response.text).not.toContain("<b>nobody");
  });
});

describe("the index", () => {
  /** The plan of a query, with sequential scans off: a tiny table is otherwise read whole. */
  async function plan(where: Prisma.Sql): Promise<string> {
    return prisma().$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      const rows = await tx.$queryRaw<
        { "QUERY PLAN": string }[]
      >`EXPLAIN SELECT s.id FROM speakers s WHERE ${where}`;
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
  }

  it("serves the search and the speaker filter (the query repeats the index's expression)", async () => {
    expect(await plan(speakerMatches("raf ort"))).toMatch(/Bitmap Index Scan on speakers_search_idx/);
    const claimsPlan = await prisma().$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      const rows = await tx.$queryRaw<{ "QUERY PLAN": string }[]>`EXPLAIN SELECT count(*) FROM claims c
        WHERE c.speaker_id IN (SELECT s.id FROM speakers s WHERE ${speakerMatches("muller")})`;
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
    expect(claimsPlan).toMatch(/speakers_search_idx/);
  });

  it("is up to date after a rename, new aliases and a merge, whoever wrote them", async () => {
    const speaker = await prisma().speaker.create({ data: { projectId, name: "Temporary Name" } });
    await prisma().speaker.update({
      where: { id: speaker.id },
      data: { name: "Ólafur Grímsson", aliases: ["Óli"] },
    });
    expect(await pickerSearch("olafur")).toEqual(["Ólafur Grímsson"]);
    expect(await pickerSearch("oli")).toEqual(["Ólafur Grímsson"]);
    expect(await pickerSearch("temporary")).toEqual([]);
    const token = await tokenFor(agents.admin, `/projects/${projectId}/speakers`);
    const merged = await agents.admin
      .post(`/projects/${projectId}/speakers/merge`)
      .type("form")
      .send({ keepId: ids["Søren Kierkegaard"], mergeId: speaker.id, _csrf: token });
    expect(merged.status).toBe(302);
    expect(await pickerSearch("grimsson")).toEqual(["Søren Kierkegaard"]);
  });
});
