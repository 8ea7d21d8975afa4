import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

let app: TestApp;
let admin: CurrentUser;
let annotator: CurrentUser;
let adminAgent: Agent;
let annotatorAgent: Agent;
let projectId: number;
let otherProjectId: number;

const QUOTES = ["Fans cheered.", "BAKU, Azerbaijan, Nov.3"];

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin");
  annotator = await makeUser(app.db, "annotator");
  adminAgent = await loginAgent(app, admin.email);
  annotatorAgent = await loginAgent(app, annotator.email);
  projectId = (await makeProject(app.db, admin, [annotator])).id;
  otherProjectId = (await makeProject(app.db, admin, [annotator])).id;
});
afterAll(() => app.close());

async function post(agent: Agent, path: string, body: object = {}) {
  return agent
    .post(path)
    .set("X-CSRF-Token", await tokenFor(agent))
    .set("Accept", "application/json")
    .send(body);
}

/** Claims by the annotator (stance favor) and by the admin, in a fresh article of the project. */
async function freshClaims(project = projectId) {
  const article = await makeArticle(app.db, admin, project);
  const ids: number[] = [];
  for (const [agent, quote] of [
    [annotatorAgent, QUOTES[0]!],
    [adminAgent, QUOTES[1]!],
  ] as const) {
    const response = await post(agent, `/api/v1/articles/${article.id}/claims`, {
      ...spanOf(article.body, quote),
      quote,
      type: "direct",
      stance: "favor",
    });
    expect(response.status).toBe(201);
    ids.push(response.body.id);
  }
  return { articleId: article.id, ids };
}

const claim = (id: number) =>
  app.db.prisma.claim.findUniqueOrThrow({ where: { id }, include: { stance: true } });

describe("bulk edits", () => {
  it("preview what will change, apply it with one audit entry per claim, and undo it", async () => {
    const { articleId, ids } = await freshClaims();
    const preview = await post(adminAgent, "/api/v1/claims/bulk-edits", {
      action: "set_stance",
      value: "against",
      selection: { filters: { article: String(articleId) } },
    });
    expect(preview.status).toBe(201);
    expect(preview.body).toMatchObject({
      selected: 2,
      willChange: 2,
      unchanged: 0,
      notApplicable: 0,
      changedSince: 0,
    });
    expect(preview.body.from).toEqual([{ value: "favor", count: 2 }]);
    expect(preview.body.projects).toEqual([expect.objectContaining({ id: projectId, count: 2 })]);
    // Nothing changes at preview.
    expect((await claim(ids[0]!)).stance?.key).toBe("favor");

    const applied = await post(adminAgent, `/api/v1/claims/bulk-edits/${preview.body.id}/apply`);
    expect(applied.status).toBe(200);
    expect(applied.body.outcomes).toEqual({ applied: 2 });
    for (const id of ids) {
      const after = await claim(id);
      expect(after.stance?.key).toBe("against");
      expect(after.version).toBe(2);
    }
    const audit = await app.db.prisma.auditEvent.findMany({
      where: { action: "claim.bulk_edit", subjectId: { in: ids.map(String) } },
    });
    expect(audit).toHaveLength(2);
    expect(audit[0]!.after).toMatchObject({ version: 2, bulkEditId: preview.body.id });

    const undone = await post(adminAgent, `/api/v1/claims/bulk-edits/${preview.body.id}/undo`);
    expect(undone.body.outcomes).toEqual({ undone: 2 });
    for (const id of ids) expect((await claim(id)).stance?.key).toBe("favor");
    expect((await post(adminAgent, `/api/v1/claims/bulk-edits/${preview.body.id}/undo`)).status).toBe(409);
    expect((await post(adminAgent, `/api/v1/claims/bulk-edits/${preview.body.id}/apply`)).status).toBe(409);
  });

  it("leaves alone a claim someone changed after the preview, and one changed after the apply on undo", async () => {
    const { articleId, ids } = await freshClaims();
    const preview = await post(adminAgent, "/api/v1/claims/bulk-edits", {
      action: "set_type",
      value: "indirect",
      selection: { filters: { article: String(articleId) } },
    });
    const edited = await annotatorAgent
      .patch(`/api/v1/claims/${ids[0]}`)
      .set("X-CSRF-Token", await tokenFor(annotatorAgent))
      .send({ version: 1, note: "mine" });
    expect(edited.status).toBe(200);
    const applied = await post(adminAgent, `/api/v1/claims/bulk-edits/${preview.body.id}/apply`);
    expect(applied.body.outcomes).toEqual({ applied: 1, conflict: 1 });
    expect((await claim(ids[0]!)).type).toBe("direct");
    expect((await claim(ids[1]!)).type).toBe("indirect");

    const later = await adminAgent
      .patch(`/api/v1/claims/${ids[1]}`)
      .set("X-CSRF-Token", await tokenFor(adminAgent))
      .send({ version: 2, type: "mixed" });
    expect(later.status).toBe(200);
    const undone = await post(adminAgent, `/api/v1/claims/bulk-edits/${preview.body.id}/undo`);
    expect(undone.body.outcomes).toEqual({ undo_conflict: 1, conflict: 1 });
    expect((await claim(ids[1]!)).type).toBe("mixed");
  });

  it("gives annotators only their own claims, and says which chosen ones it could not find", async () => {
    const { articleId, ids } = await freshClaims();
    const byFilters = await post(annotatorAgent, "/api/v1/claims/bulk-edits", {
      action: "delete",
      selection: { filters: { article: String(articleId) } },
    });
    expect(byFilters.body).toMatchObject({ selected: 1, willChange: 1 });
    const chosen = await post(annotatorAgent, "/api/v1/claims/bulk-edits", {
      action: "delete",
      selection: {
        claims: [
          { id: ids[0], version: 1 },
          { id: ids[1], version: 1 },
          { id: 2147483647, version: 1 },
        ],
      },
    });
    expect(chosen.body).toMatchObject({ selected: 1, notFound: 2, willChange: 1 });
    expect((await post(adminAgent, `/api/v1/claims/bulk-edits/${chosen.body.id}/apply`)).status).toBe(404);

    const applied = await post(annotatorAgent, `/api/v1/claims/bulk-edits/${chosen.body.id}/apply`);
    expect(applied.body.outcomes).toEqual({ applied: 1 });
    expect((await claim(ids[0]!)).deletedAt).not.toBeNull();
    expect((await claim(ids[1]!)).deletedAt).toBeNull();
    const undone = await post(annotatorAgent, `/api/v1/claims/bulk-edits/${chosen.body.id}/undo`);
    expect(undone.body.outcomes).toEqual({ undone: 1 });
    expect((await claim(ids[0]!)).deletedAt).toBeNull();
  });

  it("counts claims in projects without the chosen stance as not applicable, and clears with null", async () => {
    const here = await freshClaims();
    const there = await freshClaims(otherProjectId);
    await app.db.prisma.stanceLabel.updateMany({
      where: { projectId: otherProjectId, key: "neutral" },
      data: { retired: true },
    });
    const selection = { claims: [...here.ids, ...there.ids].map((id) => ({ id, version: 1 })) };
    const preview = await post(adminAgent, "/api/v1/claims/bulk-edits", {
      action: "set_stance",
      value: "neutral",
      selection,
    });
    expect(preview.body).toMatchObject({ selected: 4, willChange: 2, notApplicable: 2 });
    const cleared = await post(adminAgent, "/api/v1/claims/bulk-edits", {
      action: "set_stance",
      value: null,
      selection,
    });
    expect(cleared.body).toMatchObject({ willChange: 4 });
    await post(adminAgent, `/api/v1/claims/bulk-edits/${cleared.body.id}/apply`);
    expect((await claim(here.ids[0]!)).stanceId).toBeNull();
  });

  it.each([
    ["an unknown action", { action: "rename", selection: { filters: {} } }, "action"],
    [
      "a type that does not exist",
      { action: "set_type", value: "opinion", selection: { filters: {} } },
      "value",
    ],
    ["a value for a delete", { action: "delete", value: "x", selection: { filters: {} } }, "value"],
    [
      "a speaker id past INT4",
      { action: "set_speaker", value: 2147483648, selection: { filters: {} } },
      "value",
    ],
    ["no claims chosen", { action: "delete", selection: { claims: [] } }, "selection"],
    ["a bad filter", { action: "delete", selection: { filters: { from: "2024-02-30" } } }, "selection"],
  ])("refuses %s (422)", async (_label, body, field) => {
    const response = await post(adminAgent, "/api/v1/claims/bulk-edits", body);
    expect(response.status).toBe(422);
    expect(response.body.error.field).toMatch(new RegExp(`^${field}`));
  });
});

describe("bulk edits at scale", () => {
  it("change 20,000 claims matching filters without listing them, then undo them", async () => {
    const article = await makeArticle(app.db, admin, otherProjectId);
    await app.db.prisma.$executeRaw`
      INSERT INTO claims (article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type, updated_at)
      SELECT ${article.id}, ${otherProjectId}, ${admin.id}, 0, 4, 'BAKU', '', '', 'direct', timezone('UTC', now())
      FROM generate_series(1, 20000)`;
    const started = Date.now();
    const preview = await post(adminAgent, "/api/v1/claims/bulk-edits", {
      action: "set_target",
      value: "armenia",
      selection: { filters: { article: String(article.id) } },
    });
    expect(preview.body).toMatchObject({ selected: 20000, willChange: 20000 });
    const applied = await post(adminAgent, `/api/v1/claims/bulk-edits/${preview.body.id}/apply`);
    expect(applied.body.outcomes).toEqual({ applied: 20000 });
    const undone = await post(adminAgent, `/api/v1/claims/bulk-edits/${preview.body.id}/undo`);
    expect(undone.body.outcomes).toEqual({ undone: 20000 });
    const seconds = (Date.now() - started) / 1000;
    console.log(`bulk edit of 20,000 claims: preview, apply and undo in ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(30);
    const targets = await app.db.prisma.claim.groupBy({
      by: ["targetId"],
      where: { articleId: article.id },
      _count: true,
    });
    expect(targets).toEqual([{ targetId: null, _count: 20000 }]);
  }, 60_000);
});
