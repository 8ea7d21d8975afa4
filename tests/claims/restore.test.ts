// POST /api/v1/claims/:id/restore: undoing a delete through the versioned API.
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
let article: Awaited<ReturnType<typeof makeArticle>>;
const agents: Record<string, Agent> = {};
const tokens: Record<string, string> = {};

const QUOTE =
  "Hajiyev stressed that the international community's support is the result of long-term activities.";

beforeAll(async () => {
  app = await startTestApp();
  const admin = await makeUser(app.db, "admin");
  const annotator = await makeUser(app.db, "annotator");
  const otherAnnotator = await makeUser(app.db, "annotator");
  const outsider = await makeUser(app.db, "annotator");
  const researcher = await makeUser(app.db, "researcher");
  const project = await makeProject(app.db, admin, [annotator, otherAnnotator, researcher]);
  article = await makeArticle(app.db, admin, project.id);
  const users: Record<string, CurrentUser> = { admin, annotator, otherAnnotator, outsider, researcher };
  for (const [name, user] of Object.entries(users)) {
    agents[name] = await loginAgent(app, user.email);
    tokens[name] = await tokenFor(agents[name]);
  }
});
afterAll(() => app.close());

function send(who: string, method: "post" | "delete", path: string, body?: object) {
  return agents[who]![method](path)
    .set("X-CSRF-Token", tokens[who]!)
    .set("Accept", "application/json")
    .send(body);
}

/** A claim by the annotator, deleted at version 1: restorable with version 2. */
async function deletedClaim(note = "to restore") {
  const created = await send("annotator", "post", `/api/v1/articles/${article.id}/claims`, {
    ...spanOf(article.body, QUOTE),
    quote: QUOTE,
    type: "indirect",
    stance: "favor",
    note,
  });
  expect(created.status).toBe(201);
  const deleted = await send("annotator", "delete", `/api/v1/claims/${created.body.id}?version=1`);
  expect(deleted.status).toBe(204);
  return created.body as { id: number; version: number };
}

const row = (id: number) => app.db.prisma.claim.findUniqueOrThrow({ where: { id } });

describe("restoring a deleted claim", () => {
  it("brings it back with the same id and fields, one version further, with an audit entry", async () => {
    const claim = await deletedClaim("same fields");
    const restored = await send("annotator", "post", `/api/v1/claims/${claim.id}/restore`, { version: 2 });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({
      id: claim.id,
      version: 3,
      quote: QUOTE,
      stance: "favor",
      note: "same fields",
    });
    expect((await row(claim.id)).deletedAt).toBeNull();
    const audit = await app.db.prisma.auditEvent.findFirstOrThrow({
      where: { subjectType: "claim", subjectId: String(claim.id), action: "claim.restore" },
    });
    expect(audit.after).toMatchObject({ id: claim.id, version: 3 });
    const listed = await agents
      .annotator!.get(`/api/v1/articles/${article.id}`)
      .set("Accept", "application/json");
    expect((listed.body.claims as { id: number }[]).map((c) => c.id)).toContain(claim.id);
  });

  it("refuses a stale version with 409 and the current version, restoring nothing", async () => {
    const claim = await deletedClaim();
    const stale = await send("annotator", "post", `/api/v1/claims/${claim.id}/restore`, { version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.currentVersion).toBe(2);
    expect((await row(claim.id)).deletedAt).not.toBeNull();
  });

  it("refuses a claim that is not deleted with 409, changing nothing", async () => {
    const claim = await deletedClaim();
    expect(
      (await send("annotator", "post", `/api/v1/claims/${claim.id}/restore`, { version: 2 })).status,
    ).toBe(200);
    const again = await send("annotator", "post", `/api/v1/claims/${claim.id}/restore`, { version: 3 });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/not deleted/);
    expect(again.body.error.currentVersion).toBe(3);
    expect((await row(claim.id)).version).toBe(3);
  });

  it("lets an admin restore anyone's claim", async () => {
    const claim = await deletedClaim();
    const restored = await send("admin", "post", `/api/v1/claims/${claim.id}/restore`, { version: 2 });
    expect(restored.status).toBe(200);
    expect((await row(claim.id)).deletedAt).toBeNull();
  });

  it.each([
    ["another annotator of the project", "otherAnnotator", 403],
    ["an annotator outside the project", "outsider", 404],
    ["a researcher", "researcher", 403],
  ])("refuses %s (%i), restoring nothing", async (_who, who, status) => {
    const claim = await deletedClaim();
    const response = await send(who, "post", `/api/v1/claims/${claim.id}/restore`, { version: 2 });
    expect(response.status).toBe(status);
    expect((await row(claim.id)).deletedAt).not.toBeNull();
  });

  it("answers 404 for an unknown id and 422 without a version", async () => {
    expect((await send("admin", "post", "/api/v1/claims/2147483647/restore", { version: 1 })).status).toBe(
      404,
    );
    const claim = await deletedClaim();
    const missing = await send("annotator", "post", `/api/v1/claims/${claim.id}/restore`, {});
    expect(missing.status).toBe(422);
    expect(missing.body.error.field).toBe("version");
    expect((await row(claim.id)).deletedAt).not.toBeNull();
  });
});
