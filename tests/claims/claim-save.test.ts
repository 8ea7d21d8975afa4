import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStatement, updateStatement } from "../../src/claims/claim-save.sql.js";
import { PREPARED } from "../../src/db/prepared.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

// A claim save is one statement in the everyday case (src/claims/claim-save.sql.ts) and the full
// transaction otherwise: both must answer, store and audit exactly the same claim.

let app: TestApp;
let admin: CurrentUser;
let annotator: CurrentUser;
let agents: Record<"admin" | "annotator" | "other", Agent>;
let article: Awaited<ReturnType<typeof makeArticle>>;
let projectId: number;

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin");
  annotator = await makeUser(app.db, "annotator");
  const other = await makeUser(app.db, "annotator");
  const project = await makeProject(app.db, admin, [annotator, other]);
  projectId = project.id;
  // An emoji before the quotes: offsets, prefix and suffix count code points in both paths.
  article = await makeArticle(app.db, admin, project.id);
  await app.db.prisma.speaker.create({
    data: { projectId, name: "Hikmat Hajiyev", role: "Assistant", affiliation: "Office", aliases: ["HH"] },
  });
  await app.db.prisma.stanceLabel.updateMany({
    where: { projectId, key: "unclear" },
    data: { retired: true },
  });
  agents = {
    admin: await loginAgent(app, admin.email),
    annotator: await loginAgent(app, annotator.email),
    other: await loginAgent(app, other.email),
  };
});
afterAll(() => app.close());

async function send(who: keyof typeof agents, method: "post" | "patch", path: string, body: object) {
  const agent = agents[who];
  return agent[method](path)
    .set("X-CSRF-Token", await tokenFor(agent))
    .set("Accept", "application/json")
    .send(body);
}

async function shown(id: number) {
  const page = await agents.admin
    .get(`/api/v1/articles/${article.id}?layer=all`)
    .set("Accept", "application/json");
  return (page.body.claims as { id: number }[]).find((claim) => claim.id === id);
}

async function audits(id: number) {
  return app.db.prisma.auditEvent.findMany({
    where: { subjectType: "claim", subjectId: String(id) },
    orderBy: { id: "asc" },
  });
}

const QUOTE = "Fans cheered.";
const everything = () => ({
  ...spanOf(article.body, QUOTE),
  quote: QUOTE,
  type: "outlet",
  speaker: { name: "hh" },
  speakerMention: spanOf(article.body, "Hajiyev"),
  cue: spanOf(article.body, "stressed"),
  stance: "favor",
  target: "armenia",
  note: "n",
});

describe("saving a claim in one statement", () => {
  it("answers, stores and audits what the page then shows (every field, code-point offsets)", async () => {
    const created = await send("annotator", "post", `/api/v1/articles/${article.id}/claims`, everything());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      speaker: { name: "Hikmat Hajiyev", role: "Assistant", affiliation: "Office" },
      speakerMention: { text: "Hajiyev" },
      cue: { text: "stressed" },
      stance: "favor",
      stanceLabel: expect.any(String),
      target: "Armenia",
      version: 1,
      layer: "annotator",
      annotator: { id: annotator.id },
    });
    expect(created.body.prefix).toBe(
      Array.from(article.body)
        .slice(Math.max(0, created.body.start - 32), created.body.start)
        .join(""),
    );
    expect(await shown(created.body.id)).toEqual(created.body);
    const [audit] = await audits(created.body.id);
    expect(audit).toMatchObject({ action: "claim.create", actorId: annotator.id, after: created.body });
  });

  it("updates in place: answer, page and audit (before and after) agree, the version moves on", async () => {
    const created = await send("annotator", "post", `/api/v1/articles/${article.id}/claims`, everything());
    const changed = await send("annotator", "patch", `/api/v1/claims/${created.body.id}`, {
      version: 1,
      ...spanOf(article.body, "BAKU"),
      quote: "BAKU",
      stance: null,
      cue: null,
      note: "moved",
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ quote: "BAKU", stance: null, cue: null, version: 2, note: "moved" });
    expect(changed.body.speaker).toEqual(created.body.speaker);
    expect(await shown(created.body.id)).toEqual(changed.body);
    const [, update] = await audits(created.body.id);
    expect(update).toMatchObject({ action: "claim.update", before: created.body, after: changed.body });
  });

  it("an admin changes an annotator's claim; another annotator gets 403 and nothing changes", async () => {
    const created = await send("annotator", "post", `/api/v1/articles/${article.id}/claims`, everything());
    const refused = await send("other", "patch", `/api/v1/claims/${created.body.id}`, {
      version: 1,
      note: "x",
    });
    expect(refused.status).toBe(403);
    const byAdmin = await send("admin", "patch", `/api/v1/claims/${created.body.id}`, {
      version: 1,
      note: "a",
    });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ note: "a", version: 2, annotator: { id: annotator.id } });
    const stale = await send("annotator", "patch", `/api/v1/claims/${created.body.id}`, {
      version: 1,
      note: "b",
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.currentVersion).toBe(2);
  });

  it.each([
    ["a retired stance", { stance: "unclear" }, /retired/],
    ["a quote that is not the text there", { quote: "Fans jeered." }, /does not match/],
    ["a cue past the body", { cue: { start: 1, end: 99_999 } }, /past the end/],
    ["a speaker id of no speaker", { speaker: { id: 99_999 } }, /does not belong to this project/],
  ])("refuses %s exactly as before (422), storing nothing", async (_what, change, message) => {
    const before = await app.db.prisma.claim.count();
    const answer = await send("annotator", "post", `/api/v1/articles/${article.id}/claims`, {
      ...everything(),
      ...change,
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(message);
    expect(await app.db.prisma.claim.count()).toBe(before);
  });

  it("keeps a retired stance the claim already has; moving offsets without the quote is refused", async () => {
    const created = await send("annotator", "post", `/api/v1/articles/${article.id}/claims`, everything());
    await app.db.prisma.stanceLabel.updateMany({
      where: { projectId, key: "favor" },
      data: { retired: true },
    });
    try {
      const kept = await send("annotator", "patch", `/api/v1/claims/${created.body.id}`, {
        version: 1,
        stance: "favor",
        note: "still favor",
      });
      expect(kept.status).toBe(200);
      expect(kept.body.stance).toBe("favor");
      const moved = await send("annotator", "patch", `/api/v1/claims/${created.body.id}`, {
        version: 2,
        start: 0,
        end: 4,
      });
      expect(moved.status).toBe(422);
      expect(moved.body.error.message).toMatch(/Send the quote/);
    } finally {
      await app.db.prisma.stanceLabel.updateMany({
        where: { projectId, key: "favor" },
        data: { retired: false },
      });
    }
  });

  it("an article of another project is 404 even with an invalid body", async () => {
    const elsewhere = await makeArticle(app.db, admin, (await makeProject(app.db, admin)).id);
    const hidden = await send("annotator", "post", `/api/v1/articles/${elsewhere.id}/claims`, { start: "x" });
    expect(hidden.status).toBe(404);
    const valid = await send("annotator", "post", `/api/v1/articles/${elsewhere.id}/claims`, {
      ...spanOf(elsewhere.body, "BAKU"),
      quote: "BAKU",
      type: "direct",
    });
    expect(valid.status).toBe(404);
  });
});

describe("the save statements' text", () => {
  it("is the same whatever the input, so that each connection prepares it once", () => {
    const user = {
      id: 1,
      email: "",
      name: "",
      role: "annotator" as const,
      version: 1,
      mustChangePassword: false,
    };
    const admin = { ...user, role: "admin" as const };
    const base = { start: 0, end: 4, quote: "BAKU", type: "direct" as const };
    const creates = [
      createStatement(user, 1, base),
      createStatement(admin, 2, { ...base, speaker: { id: 3 }, stance: "favor", cue: { start: 0, end: 1 } }),
      createStatement(user, 3, {
        ...base,
        speaker: { name: "X" },
        target: "t",
        speakerMention: null,
        note: "n",
      }),
    ];
    expect(new Set(creates.map((statement) => statement.sql)).size).toBe(1);
    const updates = [
      updateStatement(user, 1, { version: 1 }),
      updateStatement(admin, 2, { version: 2, note: "n", speaker: { id: 3 }, cue: null }),
      updateStatement(user, 3, {
        version: 3,
        ...base,
        speaker: { name: "X" },
        stance: "favor",
        target: null,
      }),
    ];
    expect(new Set(updates.map((statement) => statement.sql)).size).toBe(1);
    expect(creates[0]!.sql.startsWith(PREPARED)).toBe(true);
    expect(updates[0]!.sql.startsWith(PREPARED)).toBe(true);
  });
});
