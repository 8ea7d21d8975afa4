import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SerialClient } from "../../src/db/serial-client.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

// Statements the app sends to the Postgres server for one claim save, counted at the connection:
// the session (or token) with its user, then the save itself. Server mode only: the embedded
// database has no connection to count round trips on (tests/claims/claim-save.test.ts checks the
// same saves' answers in both modes).

let app: TestApp;
let annotator: CurrentUser;
let agent: Agent;
let token: string;
let article: Awaited<ReturnType<typeof makeArticle>>;
let sent: ReturnType<typeof vi.spyOn>;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await makeUser(app.db, "admin");
  annotator = await makeUser(app.db, "annotator");
  const project = await makeProject(app.db, admin, [annotator]);
  article = await makeArticle(app.db, admin, project.id);
  await app.db.prisma.speaker.create({ data: { projectId: project.id, name: "Hikmat Hajiyev" } });
  agent = await loginAgent(app, annotator.email);
  token = (await createApiToken(app.db.prisma, annotator.id, "round trips", "write")).token;
  sent = vi.spyOn(SerialClient.prototype, "query");
});
afterAll(async () => {
  sent.mockRestore();
  await app.close();
});

const claim = () => ({
  ...spanOf(article.body, "BAKU"),
  quote: "BAKU",
  type: "direct",
  speaker: { name: "hikmat hajiyev" },
  speakerMention: spanOf(article.body, "Hajiyev"),
  cue: spanOf(article.body, "stressed"),
  stance: "favor",
  target: "Armenia",
});

/** The answer and the statements sent for it: at least the save itself, or nothing was counted. */
async function counted<T>(request: () => Promise<T>): Promise<[T, number]> {
  sent.mockClear();
  const answer = await request();
  expect(sent.mock.calls.length, "no statement counted: is this run on a Postgres server?").toBeGreaterThan(
    0,
  );
  return [answer, sent.mock.calls.length];
}

describe("one claim save, counted in statements sent to Postgres", () => {
  it("with an API token: the token and its user, then one statement to create, one to update", async () => {
    const [created, onCreate] = await counted(() =>
      fetch(`${app.url}/api/v1/articles/${article.id}/claims`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(claim()),
      }),
    );
    expect(created.status).toBe(201);
    const { id, version } = (await created.json()) as { id: number; version: number };
    const [updated, onUpdate] = await counted(() =>
      fetch(`${app.url}/api/v1/claims/${id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ version, stance: "against", note: "changed" }),
      }),
    );
    expect(updated.status).toBe(200);
    expect(onCreate).toBeLessThanOrEqual(3);
    expect(onUpdate).toBeLessThanOrEqual(3);
  });

  it("with a session: the session with its user, then one statement (the session's expiry is written once a minute)", async () => {
    const csrf = await tokenFor(agent);
    const [created, onCreate] = await counted(() =>
      agent.post(`/api/v1/articles/${article.id}/claims`).set("X-CSRF-Token", csrf).send(claim()),
    );
    expect(created.status).toBe(201);
    const [updated, onUpdate] = await counted(() =>
      agent
        .patch(`/api/v1/claims/${created.body.id as number}`)
        .set("X-CSRF-Token", csrf)
        .send({ version: created.body.version as number, start: 0, end: 4, quote: "BAKU", type: "indirect" }),
    );
    expect(updated.status).toBe(200);
    expect(onCreate).toBeLessThanOrEqual(3);
    expect(onUpdate).toBeLessThanOrEqual(3);
  });

  it("counts what it claims to: a save that needs the full path (a new speaker) sends more", async () => {
    const [created, statements] = await counted(() =>
      fetch(`${app.url}/api/v1/articles/${article.id}/claims`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ ...claim(), speaker: { name: "Somebody Quite New" } }),
      }),
    );
    expect(created.status).toBe(201);
    expect(statements).toBeGreaterThan(3);
  });
});
