import pino from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { slowDownload, type SlowDownload } from "../helpers/slow-client.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";
import { createTestDatabase, onPostgresServer, type TestDatabase } from "../helpers/test-database.js";

// Exports are long reads. However many run, and however slowly their clients read, annotators
// must keep saving with normal latency and /healthz must keep answering.

const SLOW = 10_000; // bytes a second: a slow connection
const LATENCY_BOUND_MS = 1_000; // p95, generous for a loaded 2-core machine

interface Fixture {
  database: TestDatabase;
  app: TestApp;
  articleId: number;
  articleBody: string;
  writerToken: string;
  researchers: { user: CurrentUser; token: string }[];
  logs: Record<string, unknown>[];
}

/** An app over `claims` claims with long notes, so an export is megabytes (more than the kernel buffers). */
async function setUp(mode: "pglite" | "server", claims: number, noteLength: number): Promise<Fixture> {
  const database = await createTestDatabase({ mode });
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const app = await startTestApp({ database, logger });
  const admin = await makeUser(app.db, "admin");
  const annotator = await makeUser(app.db, "annotator");
  const project = await makeProject(app.db, admin, [annotator]);
  const article = await makeArticle(app.db, admin, project.id);
  await app.db.prisma.$executeRaw`
    INSERT INTO claims (article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type, note, updated_at)
    SELECT ${article.id}, ${project.id}, ${annotator.id}, 0, 4, 'BAKU', '', ', Azerbaijan', 'outlet',
           repeat('x', ${noteLength}) || g, now()
    FROM generate_series(1, ${claims}) g`;
  const researchers = [];
  for (let i = 0; i < 5; i += 1) {
    const user = await makeUser(app.db, "researcher");
    researchers.push({ user, token: (await createApiToken(app.db.prisma, user.id, "export", "read")).token });
  }
  const writerToken = (await createApiToken(app.db.prisma, annotator.id, "saves", "write")).token;
  return { database, app, articleId: article.id, articleBody: article.body, writerToken, researchers, logs };
}

/** Saves claims through the API and asks /healthz, one request at a time, for `ms`. */
async function measure(f: Fixture, ms: number) {
  const saves: number[] = [];
  const health: number[] = [];
  const failures: string[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    let started = Date.now();
    const saved = await request(f.app.url)
      .post(`/api/v1/articles/${f.articleId}/claims`)
      .set("Authorization", `Bearer ${f.writerToken}`)
      .send({ ...spanOf(f.articleBody, "Fans cheered."), quote: "Fans cheered.", type: "outlet" });
    saves.push(Date.now() - started);
    if (saved.status !== 201) failures.push(`save ${saved.status}`);
    started = Date.now();
    const healthz = await request(f.app.url).get("/healthz");
    health.push(Date.now() - started);
    if (healthz.status !== 200) failures.push(`healthz ${healthz.status}`);
  }
  if (process.env.EXPORT_TEST_VERBOSE) console.info(JSON.stringify({ saves, health }));
  return { saves: summary(saves), health: summary(health), failures };
}

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  return { n: times.length, medianMs: at(0.5), p95Ms: at(0.95), maxMs: sorted[sorted.length - 1]! };
}

const exportUrl = (f: Fixture, what: string) => `${f.app.url}/export/${what}`;

/** Export connections in use (not idle in the pool). */
async function exportConnectionsInUse(db: Database): Promise<number> {
  const { rows } = await db.pool!.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND application_name LIKE '%-export' AND state <> 'idle'`,
  );
  return rows[0]!.n;
}

function stopAll(downloads: SlowDownload[]) {
  for (const download of downloads) download.stop();
}

describe.runIf(onPostgresServer)("on a Postgres server", () => {
  let f: Fixture;
  beforeAll(async () => {
    // About 17 MB of CSV: far more than the kernel buffers between server and client.
    f = await setUp("server", 20_000, 800);
  }, 120_000);
  afterAll(async () => {
    await f.app.close();
    await f.database.drop();
  });

  it("keeps saves and /healthz fast while more slow exports run than there are export connections", async () => {
    const without = await measure(f, 2_000);
    // Ten slow downloads from five users (two each, the per-user limit); three export connections.
    const downloads = f.researchers.flatMap(({ token }) => [
      slowDownload(exportUrl(f, "claims.csv"), token, SLOW),
      slowDownload(exportUrl(f, "claims.jsonl"), token, SLOW),
    ]);
    try {
      await expect.poll(() => exportConnectionsInUse(f.app.db), { timeout: 10_000 }).toBe(3);
      const during = await measure(f, 4_000);
      const answers = await Promise.all(downloads.map((download) => download.answer));
      console.info(JSON.stringify({ server: { withoutExports: without, duringTenSlowExports: during } }));

      expect(during.failures).toEqual([]);
      expect(during.saves.p95Ms).toBeLessThan(LATENCY_BOUND_MS);
      expect(during.health.p95Ms).toBeLessThan(LATENCY_BOUND_MS);
      // Three downloads hold the three export connections; the others waited a bounded time
      // and were told to come back.
      const ok = answers.filter((answer) => answer.status === 200);
      const busy = answers.filter((answer) => answer.status === 503);
      expect(ok).toHaveLength(3);
      expect(busy).toHaveLength(7);
      for (const answer of busy) {
        expect(answer.headers["retry-after"]).toBe("30");
        expect(JSON.parse(answer.body!).error.code).toBe("exports_busy");
      }
      // ... and the three are still going, slowly: none finished while we measured.
      expect(await exportConnectionsInUse(f.app.db)).toBe(3);
    } finally {
      stopAll(downloads);
    }
    // A client that goes away releases its connection, and is no error of ours.
    await expect.poll(() => exportConnectionsInUse(f.app.db), { timeout: 5_000 }).toBe(0);
    expect(f.logs.filter((line) => /cut short|request failed/.test(String(line.msg)))).toEqual([]);
  }, 60_000);

  it("refuses a user's export beyond the per-user limit at once with 429 and Retry-After", async () => {
    const [first, second] = f.researchers;
    const running = [
      slowDownload(exportUrl(f, "claims.csv"), first!.token, SLOW),
      slowDownload(exportUrl(f, "claims.jsonld"), first!.token, SLOW),
    ];
    try {
      expect((await Promise.all(running.map((download) => download.answer))).map((a) => a.status)).toEqual([
        200, 200,
      ]);
      // Another user still gets the third export connection; now all three are busy.
      running.push(slowDownload(exportUrl(f, "claims.csv"), second!.token, SLOW));
      expect((await running[2]!.answer).status).toBe(200);
      // The first user's third export is refused at once, not after queueing for a connection.
      const started = Date.now();
      const third = await request(f.app.url)
        .get("/export/articles.jsonl")
        .set("Authorization", `Bearer ${first!.token}`)
        .set("Accept", "application/json");
      expect(Date.now() - started).toBeLessThan(LATENCY_BOUND_MS);
      expect(third.status).toBe(429);
      expect(third.headers["retry-after"]).toBe("30");
      expect(third.body.error.message).toMatch(
        /You already have 2 exports running.*Try again when one of them has finished/,
      );
    } finally {
      stopAll(running);
    }
    await expect.poll(() => exportConnectionsInUse(f.app.db), { timeout: 5_000 }).toBe(0);
  });

  it("cuts off a client that stopped reading and releases its connection", async () => {
    const impatient = await startTestApp({
      database: f.database,
      env: { EXPORT_IDLE_TIMEOUT_SECONDS: "1" },
      logger: pino({ level: "info" }, { write: (line: string) => void f.logs.push(JSON.parse(line)) }),
    });
    const idle = slowDownload(`${impatient.url}/export/claims.csv`, f.researchers[2]!.token, 0);
    try {
      expect((await idle.answer).status).toBe(200);
      expect(await exportConnectionsInUse(f.app.db)).toBe(1);
      // Its connection is released soon after the idle timeout (plus the time to fill the buffers).
      const started = Date.now();
      await expect.poll(() => exportConnectionsInUse(f.app.db), { timeout: 5_000 }).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(f.logs).toContainEqual(
        expect.objectContaining({ level: 40, msg: expect.stringMatching(/client stopped reading/) }),
      );
      // When the client reads again it finds a cut download, not a short file that looks whole.
      idle.speedUp();
      expect(await idle.ended).toBe("cut");
    } finally {
      idle.stop();
      await impatient.close();
    }
  });

  it.each(["claims.csv", "claims.jsonl"])(
    "fails the download of %s visibly, and logs it with the request id, when the database fails mid-way",
    async (what) => {
      const download = slowDownload(exportUrl(f, what), f.researchers[3]!.token, SLOW);
      try {
        const answer = await download.answer;
        expect(answer.status).toBe(200);
        await expect.poll(() => exportConnectionsInUse(f.app.db)).toBe(1);
        await f.app.db.pool!.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND application_name LIKE '%-export' AND state <> 'idle'`,
        );
        download.speedUp();
        // Not a short body that ends as if complete: the connection is cut before the end.
        expect(await download.ended).toBe("cut");
        const requestId = answer.headers["x-request-id"];
        await expect
          .poll(() =>
            f.logs.find((line) => line.level === 50 && (line.req as { id?: string })?.id === requestId),
          )
          .toMatchObject({ msg: expect.stringMatching(/cut short/) });
      } finally {
        download.stop();
      }
    },
  );
});

describe("on the embedded database", () => {
  let f: Fixture;
  beforeAll(async () => {
    // About 13 MB of JSON Lines.
    f = await setUp("pglite", 10_000, 1_000);
  }, 120_000);
  afterAll(async () => {
    await f.app.close();
    await f.database.drop();
  });

  it("keeps saves and /healthz fast while slow exports download, and limits each user", async () => {
    const without = await measure(f, 2_000);
    const [first] = f.researchers;
    const started = Date.now();
    const running = [slowDownload(exportUrl(f, "claims.jsonl"), first!.token, SLOW)];
    try {
      expect((await running[0]!.answer).status).toBe(200);
      const spooledMs = Date.now() - started;
      running.push(slowDownload(exportUrl(f, "claims.csv"), first!.token, SLOW));
      expect((await running[1]!.answer).status).toBe(200);

      const during = await measure(f, 4_000);
      console.info(
        JSON.stringify({ embedded: { withoutExports: without, duringTwoSlowExports: during, spooledMs } }),
      );
      expect(during.failures).toEqual([]);
      expect(during.saves.p95Ms).toBeLessThan(LATENCY_BOUND_MS);
      expect(during.health.p95Ms).toBeLessThan(LATENCY_BOUND_MS);
      // Both downloads are still going: PGlite was free although they are not done.
      for (const download of running) expect(await Promise.race([download.ended, "running"])).toBe("running");

      const third = await request(f.app.url)
        .get("/export/claims.jsonl")
        .set("Authorization", `Bearer ${first!.token}`)
        .set("Accept", "application/json");
      expect(third.status).toBe(429);
      expect(third.headers["retry-after"]).toBe("30");
    } finally {
      stopAll(running);
    }
    // Once they are gone, the user may export again.
    await expect
      .poll(
        async () =>
          (
            await request(f.app.url)
              .get("/export/claims.csv?project=999999")
              .set("Authorization", `Bearer ${first!.token}`)
          ).status,
      )
      .toBe(200);
  }, 60_000);
});
