// In a blind project an annotator sees, in every view of the speaker registry, only the speakers
// in it by intent (the shared registry, their own, those of curated articles) with counts of their
// own claims; never a speaker that exists only because a colleague quoted it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidError, NotFoundError } from "../../src/errors.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { visibleSpeakers } from "../../src/speakers/speaker-visibility.js";
import {
  createSpeaker,
  getSpeaker,
  listSpeakersWithCounts,
  resolveSpeaker,
  updateSpeaker,
} from "../../src/speakers/speakers.service.js";
import { similarSpeakers } from "../../src/speakers/speakers.similar.js";
import { makeProject } from "../helpers/factories.js";
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
let ann: CurrentUser;
let bo: CurrentUser;
let cu: CurrentUser;
let researcher: CurrentUser;
let projectId: number;
let otherProjectId: number;
const logins = new Map<CurrentUser, Promise<Agent>>();
const ids: Record<string, number> = {};

const prisma = () => app.db.prisma;

/** `count` live claims by `annotator` quoting the speaker, in a new article (curated if asked). */
async function quote(
  speakerId: number,
  annotator: { id: number },
  count: number,
  options: { layer?: "annotator" | "gold"; curated?: boolean; project?: number } = {},
) {
  const project = options.project ?? projectId;
  const article = await prisma().article.create({
    data: { projectId: project, title: "A", body: "Some text.", bodyHash: randomUUID() },
  });
  if (options.curated) await prisma().articleCuration.create({ data: { articleId: article.id } });
  for (let index = 0; index < count; index += 1) {
    await prisma().claim.create({
      data: {
        articleId: article.id,
        projectId: project,
        annotatorId: annotator.id,
        layer: options.layer ?? "annotator",
        start: 0,
        end: 4,
        quote: "Some",
        prefix: "",
        suffix: " text.",
        type: "direct",
        speakerId,
      },
    });
  }
}

/** A speaker made on the fly by `actor`'s claim, as the claim routes make them. */
async function onTheFly(name: string, actor: CurrentUser, project = projectId) {
  const speaker = await prisma().$transaction((tx) =>
    resolveSpeaker(tx, project, { name, role: "Secret role", confirmNew: true }, actor),
  );
  ids[name] = speaker.id;
  return speaker;
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
  otherProjectId = (await makeProject(app.db, admin, [ann, bo])).id;

  // The shared registry: added on purpose by an admin, or edited by one.
  ids["Shared Sam"] = (
    await createSpeaker(prisma(), admin, projectId, {
      name: "Shared Sam",
      role: "",
      affiliation: "",
      aliases: [],
    })
  ).id;
  const edited = await onTheFly("Edited Eve", bo);
  await updateSpeaker(prisma(), admin, projectId, edited.id, {
    name: "Edited Eve",
    role: "Minister",
    affiliation: "",
    aliases: [],
    version: edited.version,
  });
  // Ann's own: added by hand, and quoted by her and by Bo.
  ids["Ann Added"] = (
    await createSpeaker(prisma(), ann, projectId, {
      name: "Ann Added",
      role: "",
      affiliation: "",
      aliases: [],
    })
  ).id;
  await onTheFly("Both Quoted", bo);
  await quote(ids["Both Quoted"]!, ann, 1);
  await quote(ids["Both Quoted"]!, bo, 2);
  // Bo's alone: made by his claims, quoted by nobody else.
  await onTheFly("Bo Only", bo);
  await quote(ids["Bo Only"]!, bo, 3);
  // Quoted by Bo in a curated article: its layers are open.
  await onTheFly("Curated Cleo", bo);
  await quote(ids["Curated Cleo"]!, bo, 1, { curated: true });
  // Quoted by a gold claim of an article not curated yet: still a secret.
  await onTheFly("Gold Gus", cu);
  await quote(ids["Gold Gus"]!, cu, 1, { layer: "gold" });
  // A non-blind project: everyone's speakers, everyone's counts.
  await onTheFly("Bo Elsewhere", bo, otherProjectId);
  await quote(ids["Bo Elsewhere"]!, bo, 2, { project: otherProjectId });
});

/** The user's logged-in client, made on first use (so no single hook pays for every login). */
function agentOf(user: CurrentUser): Promise<Agent> {
  if (!logins.has(user)) logins.set(user, loginAgent(app, user.email));
  return logins.get(user)!;
}

afterAll(() => app?.close());

const list = (user: CurrentUser) =>
  listSpeakersWithCounts(prisma(), user, projectId).then((rows) =>
    Object.fromEntries(rows.map((row) => [row.name, row.claimCount])),
  );

const annSees = {
  "Ann Added": 0,
  "Both Quoted": 1,
  "Curated Cleo": 0,
  "Edited Eve": 0,
  "Shared Sam": 0,
};

describe("the registry of a blind project", () => {
  it("shows an annotator the shared registry, their own and curated articles' speakers, with their own counts", async () => {
    expect(await list(ann)).toEqual(annSees);
  });

  it("shows Bo his own speakers, and not Ann's", async () => {
    expect(await list(bo)).toEqual({
      "Both Quoted": 2,
      "Bo Only": 3,
      "Curated Cleo": 1,
      "Edited Eve": 0,
      "Shared Sam": 0,
    });
  });

  it("shows curators and researchers every speaker with every annotator's claims, never the gold layer", async () => {
    const everything = {
      "Ann Added": 0,
      "Both Quoted": 3,
      "Bo Only": 3,
      "Curated Cleo": 1,
      "Edited Eve": 0,
      "Gold Gus": 0,
      "Shared Sam": 0,
    };
    expect(await list(cu)).toEqual(everything);
    expect(await list(researcher)).toEqual(everything);
    expect(await list(admin)).toEqual(everything);
  });

  it("answers the API's list and the picker's search the same way", async () => {
    const api = `/api/v1/projects/${projectId}/speakers`;
    const [asAnn, asBo, asResearcher] = [await agentOf(ann), await agentOf(bo), await agentOf(researcher)];
    const listed = await asAnn.get(api).expect(200);
    const names = (body: { speakers: { name: string; claimCount: number }[] }) =>
      Object.fromEntries(body.speakers.map((row) => [row.name, row.claimCount]));
    expect(names(listed.body)).toEqual(annSees);
    // The workspace's speaker combobox asks with q.
    expect((await asAnn.get(`${api}?q=only`).expect(200)).body.speakers).toEqual([]);
    expect(names((await asAnn.get(`${api}?q=bo`).expect(200)).body)).toEqual({
      "Both Quoted": 1,
    });
    expect(names((await asBo.get(`${api}?q=bo`).expect(200)).body)).toEqual({
      "Bo Only": 3,
      "Both Quoted": 2,
    });
    expect(names((await asResearcher.get(`${api}?q=both`).expect(200)).body)).toEqual({
      "Both Quoted": 3,
    });
  });

  it("keeps the Claims page's search across projects to what each project shows", async () => {
    const found = async (agent: Agent, q: string) =>
      Object.fromEntries(
        (await agent.get(`/api/v1/speakers?q=${q}`).expect(200)).body.speakers.map(
          (row: { name: string; claimCount: number }) => [row.name, row.claimCount],
        ),
      );
    // Blind project: Bo's speaker hidden; open project: Bo's speaker and his count shown.
    expect(await found(await agentOf(ann), "bo")).toEqual({ "Bo Elsewhere": 2, "Both Quoted": 1 });
    expect(await found(await agentOf(bo), "bo")).toEqual({
      "Bo Only": 3,
      "Bo Elsewhere": 2,
      "Both Quoted": 2,
    });
    expect(await found(await agentOf(researcher), "bo")).toEqual({
      "Bo Only": 3,
      "Bo Elsewhere": 2,
      "Both Quoted": 3,
    });
  });

  it("shows the speakers page with the same rows, totals and a note", async () => {
    const [asAnn, asResearcher] = [await agentOf(ann), await agentOf(researcher)];
    const page = await asAnn.get(`/projects/${projectId}/speakers`).expect(200);
    for (const name of Object.keys(annSees)) expect(page.text).toContain(name);
    expect(page.text).not.toContain("Bo Only");
    expect(page.text).not.toContain("Gold Gus");
    expect(page.text).toContain("My claims");
    expect(page.text).toContain('id="blind-registry"');
    const searched = await asAnn.get(`/projects/${projectId}/speakers?q=only`).expect(200);
    expect(searched.text).toContain("No speaker matches");
    expect(searched.text).toContain("Show all 5");
    const researcherPage = await asResearcher.get(`/projects/${projectId}/speakers?q=only`).expect(200);
    expect(researcherPage.text).toContain("Bo Only");
    expect(researcherPage.text).toContain("Show all 7");
    expect(researcherPage.text).not.toContain('id="blind-registry"');
  });

  it("offers only visible speakers as similar names, and says nothing of a hidden one's details", async () => {
    const similar = async (user: CurrentUser | undefined, name: string) =>
      (
        await similarSpeakers(
          prisma(),
          projectId,
          name,
          user && { viewerId: user.id, projectId, narrowed: user === ann },
        )
      ).map((speaker) => speaker.name);
    expect(await similar(ann, "B. Only")).toEqual([]);
    expect(await similar(undefined, "B. Only")).toEqual(["Bo Only"]);

    const api = `/api/v1/projects/${projectId}/speakers`;
    const [asAnn, asAdmin] = [await agentOf(ann), await agentOf(admin)];
    const csrf = await tokenFor(asAnn);
    // Like Bo's speaker: the admin is asked, Ann (who does not see it) is not.
    const asked = await asAdmin
      .post(api)
      .set("X-CSRF-Token", await tokenFor(asAdmin))
      .send({ name: "B Only" })
      .expect(409);
    expect(asked.body.error.code).toBe("similar_speakers");
    await asAnn.post(api).set("X-CSRF-Token", csrf).send({ name: "B. Only" }).expect(201);
    // The very name of a hidden speaker: taken (names are unique), its details not shown.
    const taken = await asAnn.post(api).set("X-CSRF-Token", csrf).send({ name: "bo only" }).expect(409);
    expect(taken.body.error.message).toContain("already has a speaker called");
    expect(JSON.stringify(taken.body)).not.toContain("Secret role");
    expect(taken.body.error.current).toBeUndefined();
    // A speaker Ann sees comes back with its details, as before.
    const seen = await asAnn.post(api).set("X-CSRF-Token", csrf).send({ name: "shared sam" }).expect(409);
    expect(seen.body.error.current).toMatchObject({ id: ids["Shared Sam"], name: "Shared Sam" });
    // A claim naming a new speaker like a hidden one (Gold Gus) asks a curator, not Ann.
    await expect(
      prisma().$transaction((tx) => resolveSpeaker(tx, projectId, { name: "G. Gus" }, cu)),
    ).rejects.toMatchObject({ code: "similar_speakers" });
    const made = await prisma().$transaction((tx) => resolveSpeaker(tx, projectId, { name: "G. Gus" }, ann));
    expect(made.createdById).toBe(ann.id);
    expect((await list(ann))["G. Gus"]).toBe(0);
  });

  it("refuses a hidden speaker picked by id, and keeps it out of the detail page and the suggester", async () => {
    await expect(
      prisma().$transaction((tx) => resolveSpeaker(tx, projectId, { id: ids["Bo Only"]! }, ann)),
    ).rejects.toBeInstanceOf(InvalidError);
    const bos = await prisma().$transaction((tx) =>
      resolveSpeaker(tx, projectId, { id: ids["Bo Only"]! }, bo),
    );
    expect(bos.id).toBe(ids["Bo Only"]);
    await expect(getSpeaker(prisma(), ann, projectId, ids["Bo Only"]!)).rejects.toBeInstanceOf(NotFoundError);
    expect((await getSpeaker(prisma(), cu, projectId, ids["Bo Only"]!)).speaker.name).toBe("Bo Only");
    const offered = (await visibleSpeakers(prisma(), ann, projectId)).map((speaker) => speaker.name);
    expect(offered).not.toContain("Bo Only");
    expect(offered).toContain("Shared Sam");
  });

  it("shows everything once the project is no longer blind", async () => {
    await prisma().project.update({ where: { id: projectId }, data: { blind: false } });
    try {
      const open = await list(ann);
      expect(open["Bo Only"]).toBe(3);
      expect(open["Both Quoted"]).toBe(3);
    } finally {
      await prisma().project.update({ where: { id: projectId }, data: { blind: true } });
    }
  });
});

describe("claims that name a speaker the registry hides", () => {
  it("are refused (422) by the one-statement save, by id and by name, and bulk edits leave them alone", async () => {
    const { createApiToken } = await import("../../src/tokens/tokens.service.js");
    const { token } = await createApiToken(prisma(), ann.id, "blind", "write");
    const article = await prisma().article.create({
      data: { projectId, title: "B", body: "Some text here.", bodyHash: randomUUID() },
    });
    const save = (speaker: object) =>
      fetch(`${app.url}/api/v1/articles/${article.id}/claims`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ start: 0, end: 4, quote: "Some", type: "direct", speaker }),
      });
    const byId = await save({ id: ids["Bo Only"] });
    expect(byId.status).toBe(422);
    expect(await prisma().claim.count({ where: { articleId: article.id } })).toBe(0);
    // A speaker she sees is taken by id in the same statement.
    const seen = await save({ id: ids["Shared Sam"] });
    expect(seen.status).toBe(201);
    const claim = (await seen.json()) as { id: number; version: number };

    const preview = await fetch(`${app.url}/api/v1/claims/bulk-edits`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        action: "set_speaker",
        value: ids["Bo Only"],
        selection: { claims: [{ id: claim.id, version: claim.version }] },
      }),
    });
    expect(preview.status).toBe(201);
    expect(await preview.json()).toMatchObject({ willChange: 0, notApplicable: 1 });
  });
});
