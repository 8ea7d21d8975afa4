import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createClaimInOneStatement } from "../../src/claims/claim-save.sql.js";
import {
  isKeyTaken,
  purgeExpiredKeys,
  rememberAnswer,
  type IdempotentWrite,
} from "../../src/idempotency/idempotency.service.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { onPostgresServer } from "../helpers/test-database.js";
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
let other: CurrentUser;
let article: Awaited<ReturnType<typeof makeArticle>>;
let projectId: number;
const agents: Record<string, Agent> = {};

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin");
  annotator = await makeUser(app.db, "annotator");
  other = await makeUser(app.db, "annotator");
  const project = await makeProject(app.db, admin, [annotator, other]);
  projectId = project.id;
  article = await makeArticle(app.db, admin, project.id);
  agents.annotator = await loginAgent(app, annotator.email);
  agents.other = await loginAgent(app, other.email);
});
afterAll(() => app.close());

const QUOTE =
  "Hajiyev stressed that the international community's support is the result of long-term activities.";

async function send(
  who: "annotator" | "other",
  method: "post" | "patch" | "delete",
  path: string,
  body: object | undefined,
  key?: string,
) {
  const agent = agents[who]!;
  const request = agent[method](path)
    .set("X-CSRF-Token", await tokenFor(agent))
    .set("Accept", "application/json");
  if (key !== undefined) request.set("Idempotency-Key", key);
  return request.send(body);
}

function claimBody(note: string, extra: object = {}) {
  return { ...spanOf(article.body, QUOTE), quote: QUOTE, type: "indirect", note, ...extra };
}

const claimsWithNote = (note: string) => app.db.prisma.claim.count({ where: { note } });

describe("Idempotency-Key on claim writes", () => {
  it("answers a retried create with the first answer and stores one claim", async () => {
    const key = randomUUID();
    const note = `create ${key}`;
    const first = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody(note),
      key,
    );
    expect(first.status).toBe(201);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    const again = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody(note),
      key,
    );
    expect(again.status).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.body).toEqual(first.body);
    expect(await claimsWithNote(note)).toBe(1);
  });

  it("stores the answer of a create that needs the full path (a new speaker) as well", async () => {
    const key = randomUUID();
    const note = `full ${key}`;
    const body = claimBody(note, { speaker: { name: `Speaker ${key}`, confirmNew: true } });
    const first = await send("annotator", "post", `/api/v1/articles/${article.id}/claims`, body, key);
    expect(first.status).toBe(201);
    const again = await send("annotator", "post", `/api/v1/articles/${article.id}/claims`, body, key);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    expect(await claimsWithNote(note)).toBe(1);
    expect(await app.db.prisma.speaker.count({ where: { name: `Speaker ${key}` } })).toBe(1);
  });

  it("refuses the same key with another body (422) and stores nothing more", async () => {
    const key = randomUUID();
    const note = `differs ${key}`;
    await send("annotator", "post", `/api/v1/articles/${article.id}/claims`, claimBody(note), key);
    const changed = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody(`${note} changed`),
      key,
    );
    expect(changed.status).toBe(422);
    expect(changed.body.error.message).toMatch(/already used for a different request/);
    expect(await claimsWithNote(`${note} changed`)).toBe(0);
  });

  it("gives the same answer to concurrent requests with one key, storing one claim", async () => {
    const key = randomUUID();
    const note = `race ${key}`;
    const token = await tokenFor(agents.annotator!);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        agents
          .annotator!.post(`/api/v1/articles/${article.id}/claims`)
          .set("X-CSRF-Token", token)
          .set("Accept", "application/json")
          .set("Idempotency-Key", key)
          .send(claimBody(note)),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    expect(await claimsWithNote(note)).toBe(1);
  });

  it("makes update, delete and restore safe to retry", async () => {
    const created = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody(`lifecycle ${randomUUID()}`),
    );
    const id = created.body.id as number;
    const patchKey = randomUUID();
    const patched = await send(
      "annotator",
      "patch",
      `/api/v1/claims/${id}`,
      { version: 1, stance: "favor" },
      patchKey,
    );
    expect(patched.status).toBe(200);
    const patchedAgain = await send(
      "annotator",
      "patch",
      `/api/v1/claims/${id}`,
      { version: 1, stance: "favor" },
      patchKey,
    );
    // Without the key this retry would be a 409: version 1 is stale.
    expect(patchedAgain.status).toBe(200);
    expect(patchedAgain.body.version).toBe(2);

    const deleteKey = randomUUID();
    const deleted = await send("annotator", "delete", `/api/v1/claims/${id}`, { version: 2 }, deleteKey);
    expect(deleted.status).toBe(204);
    const deletedAgain = await send("annotator", "delete", `/api/v1/claims/${id}`, { version: 2 }, deleteKey);
    expect(deletedAgain.status).toBe(204);
    expect(deletedAgain.headers["idempotent-replayed"]).toBe("true");

    const restoreKey = randomUUID();
    const restored = await send(
      "annotator",
      "post",
      `/api/v1/claims/${id}/restore`,
      { version: 3 },
      restoreKey,
    );
    expect(restored.status).toBe(200);
    const restoredAgain = await send(
      "annotator",
      "post",
      `/api/v1/claims/${id}/restore`,
      { version: 3 },
      restoreKey,
    );
    expect(restoredAgain.status).toBe(200);
    expect(restoredAgain.body.version).toBe(4);
    const stored = await app.db.prisma.claim.findUniqueOrThrow({ where: { id } });
    expect(stored.version).toBe(4);
    expect(stored.deletedAt).toBeNull();
  });

  it("keeps keys per user: another user's key of the same name is a write of their own", async () => {
    const key = randomUUID();
    const mine = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody(key),
      key,
    );
    const theirs = await send("other", "post", `/api/v1/articles/${article.id}/claims`, claimBody(key), key);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("stores nothing for a refused write: the key can then carry a corrected request", async () => {
    const key = randomUUID();
    const refused = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      { ...claimBody(key), quote: "not the text" },
      key,
    );
    expect(refused.status).toBe(422);
    const fixed = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody(key),
      key,
    );
    expect(fixed.status).toBe(201);
  });

  it.each([
    ["spaces", "a key with spaces", /visible ASCII/],
    ["too long", "k".repeat(256), /longer than 255/],
  ])("refuses a key with %s (422)", async (_case, key, message) => {
    const answer = await send(
      "annotator",
      "post",
      `/api/v1/articles/${article.id}/claims`,
      claimBody(key),
      key,
    );
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(message);
  });
});

describe("Idempotency-Key on article imports", () => {
  it("answers a retried import with the article, not with 'duplicate'", async () => {
    const key = randomUUID();
    const body = { title: `Retried ${key}`, body: `An article sent twice, ${key}.` };
    const first = await send("annotator", "post", `/api/v1/projects/${projectId}/articles`, body, key);
    expect(first.status).toBe(201);
    const again = await send("annotator", "post", `/api/v1/projects/${projectId}/articles`, body, key);
    expect(again.status).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.sentences).toEqual(first.body.sentences);
    const withoutKey = await send("annotator", "post", `/api/v1/projects/${projectId}/articles`, body);
    expect(withoutKey.status).toBe(409);
  });
});

describe("keeping keys", () => {
  it("keeps a key for a day, then purges it", async () => {
    const key = randomUUID();
    await send("annotator", "post", `/api/v1/articles/${article.id}/claims`, claimBody(`purge ${key}`), key);
    const where = { userId_key: { userId: annotator.id, key } };
    const soon = new Date(Date.now() + 23 * 3_600_000);
    await purgeExpiredKeys(app.db.prisma, soon);
    expect(await app.db.prisma.idempotencyKey.findUnique({ where })).not.toBeNull();
    await purgeExpiredKeys(app.db.prisma, new Date(Date.now() + 25 * 3_600_000));
    expect(await app.db.prisma.idempotencyKey.findUnique({ where })).toBeNull();
  });
});

describe("a key taken by a concurrent write", () => {
  it("is recognised in the errors of both the one-statement save and a transaction", async () => {
    const write: IdempotentWrite = { userId: annotator.id, key: randomUUID(), fingerprint: "f" };
    const input = {
      ...spanOf(article.body, QUOTE),
      quote: QUOTE,
      type: "indirect" as const,
      note: write.key,
    };
    await createClaimInOneStatement(app.db.prisma, annotator, article.id, input, write);
    const statement = await createClaimInOneStatement(
      app.db.prisma,
      annotator,
      article.id,
      input,
      write,
    ).catch((error: unknown) => error);
    expect(isKeyTaken(statement)).toBe(true);
    const transaction = await app.db.prisma
      .$transaction((tx) => rememberAnswer(tx, write, { status: 204 }))
      .catch((error: unknown) => error);
    expect(isKeyTaken(transaction)).toBe(true);
    // The failed statement stored nothing: one claim, from the first.
    expect(await claimsWithNote(write.key)).toBe(1);
    expect(isKeyTaken(new Error('duplicate key value violates unique constraint "claims_pkey"'))).toBe(false);
  });
});

describe.runIf(onPostgresServer)("across app processes", () => {
  it("answers a retry sent to another process on the same database from the key the first one stored", async () => {
    const second = await startTestApp({ database: { db: app.db, drop: async () => undefined } });
    try {
      const key = randomUUID();
      const note = `across ${key}`;
      const token = (await createApiToken(app.db.prisma, annotator.id, "across", "write")).token;
      const send = (base: string) =>
        fetch(`${base}/api/v1/articles/${article.id}/claims`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            "idempotency-key": key,
          },
          body: JSON.stringify(claimBody(note)),
        });
      const first = await send(app.url);
      const again = await send(second.url);
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(((await again.json()) as { id: number }).id).toBe(((await first.json()) as { id: number }).id);
      expect(await claimsWithNote(note)).toBe(1);
    } finally {
      await second.close();
    }
  });
});
