import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { makeArticle, makeProject } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

const CLAIMS = 20_000;
let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await startTestApp();
  const admin: CurrentUser = await makeUser(app.db, "admin");
  const annotator = await makeUser(app.db, "annotator");
  const project = await makeProject(app.db, admin, [annotator]);
  const article = await makeArticle(app.db, admin, project.id);
  await app.db.prisma.$executeRaw`
    INSERT INTO claims (article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type, note, updated_at)
    SELECT ${article.id}, ${project.id}, ${annotator.id}, 0, 4, 'BAKU', '', ', Azerbaijan', 'outlet', 'note ' || g, now()
    FROM generate_series(1, ${CLAIMS}) g`;
  token = (await createApiToken(app.db.prisma, admin.id, "export", "read")).token;
}, 120_000);
afterAll(() => app.close());

describe("streaming exports", () => {
  // On a server the rows come straight from the database as it reads them; on the embedded
  // database from a spool file written first (tests/exports/export-availability.test.ts).
  it.each(["csv", "jsonl"])(
    "sends %s in chunks, never the whole file at once, and all rows in the end",
    async (format) => {
      const response = await fetch(`${app.url}/export/claims.${format}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      let chunks = 0;
      let lines = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        chunks += 1;
        for (const byte of chunk) if (byte === 10) lines += 1;
      }
      expect(chunks).toBeGreaterThan(1);
      expect(lines).toBe(format === "csv" ? CLAIMS + 1 : CLAIMS);
    },
  );

  it("stops when the client goes away, leaving the database free for the next request", async () => {
    const controller = new AbortController();
    const response = await fetch(`${app.url}/export/claims.jsonl`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const started = Date.now();
    const next = await fetch(`${app.url}/api/v1/claims?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(next.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    if (app.db.pool) {
      // No export query is left running on the server.
      await expect
        .poll(
          async () =>
            (
              await app.db.pool!.query<{ n: number }>(
                `SELECT count(*)::int AS n FROM pg_stat_activity
                 WHERE datname = current_database() AND state = 'active' AND query ILIKE '%AS claim_id%' AND pid <> pg_backend_pid()`,
              )
            ).rows[0]!.n,
          { timeout: 5_000 },
        )
        .toBe(0);
    }
  });
});
