import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_BYTES } from "../../src/claims/bulk-import.service.js";
import { MAX_LINE_BYTES } from "../../src/claims/bulk-import.schema.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { startBulkUpload } from "../helpers/bulk-client.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

// What one bulk upload may hold of the server (issue 17): bytes per batch, a client that keeps it
// waiting, and how many one user may run at once.

const IDLE_SECONDS = 1;
let app: TestApp;
let token: string;
let annotatorId: number;
let article: Awaited<ReturnType<typeof makeArticle>>;

beforeAll(async () => {
  app = await startTestApp({
    env: { BULK_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS), BULK_UPLOADS_PER_USER: "1" },
  });
  const admin: CurrentUser = await makeUser(app.db, "admin");
  const annotator = await makeUser(app.db, "annotator");
  annotatorId = annotator.id;
  const project = await makeProject(app.db, admin, [annotator]);
  article = await makeArticle(app.db, admin, project.id);
  token = (await createApiToken(app.db.prisma, annotator.id, "bulk", "write")).token;
});
afterAll(() => app.close());

function claimLine(note: string): string {
  const span = spanOf(article.body, "Fans cheered.");
  return `${JSON.stringify({ articleId: article.id, ...span, quote: "Fans cheered.", type: "outlet", note })}\n`;
}

async function batchesOf(key: string) {
  const upload = await app.db.prisma.bulkUpload.findUniqueOrThrow({
    where: { userId_key: { userId: annotatorId, key } },
    include: { batches: { orderBy: { firstLine: "asc" } } },
  });
  return upload;
}

/** Resolves with the time the connection took to end, or rejects after `ms`. */
async function endsWithin(finished: Promise<{ how: string }>, ms: number) {
  const started = Date.now();
  const outcome = await Promise.race([
    finished,
    new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error("still open")), ms)),
  ]);
  return { ...outcome, afterMs: Date.now() - started };
}

describe("bytes per batch", () => {
  it("cuts a block of long lines into batches of at most BATCH_BYTES, the same way when sent again", async () => {
    // Lines of 3 MB (refused: the note is far too long), so five fit in a batch and six do not.
    const lineBytes = 3 * 1024 * 1024;
    expect(lineBytes).toBeLessThan(MAX_LINE_BYTES);
    const perBatch = Math.floor(BATCH_BYTES / lineBytes);
    const text = Array.from({ length: 8 }, (_, i) => claimLine(`${i}`.padEnd(lineBytes - 200, "x"))).join("");
    const key = randomUUID();
    const send = async () => {
      const upload = startBulkUpload(app.url, token, { mode: "valid", key });
      await upload.send(text);
      upload.end();
      return upload.finished;
    };
    const first = await send();
    expect(first.how).toBe("complete");
    expect(first.summary).toMatchObject({ lines: 8, invalid: 8, complete: true });
    const ranges = (await batchesOf(key)).batches.map((batch) => [batch.firstLine, batch.lastLine]);
    expect(ranges).toEqual([
      [1, perBatch],
      [perBatch + 1, 8],
    ]);

    const again = await send();
    expect(again.summary).toMatchObject({ lines: 8, invalid: 8, complete: true });
    expect((await batchesOf(key)).batches.map((batch) => [batch.firstLine, batch.lastLine])).toEqual(ranges);
  });
});

describe("a client that keeps the upload waiting", () => {
  it("is ended when it stops sending lines, and nothing of the upload stays held", async () => {
    const key = randomUUID();
    const upload = startBulkUpload(app.url, token, { mode: "valid", key });
    await upload.send(Array.from({ length: 10 }, (_, i) => claimLine(`idle ${i}`)).join(""));
    // Never ends its body.
    const ended = await endsWithin(upload.finished, (IDLE_SECONDS + 4) * 1000);
    expect(ended.how).toBe("cut");
    expect(ended.afterMs).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000 - 100);
    // The lease is given back: the same user (allowed one upload at once) can upload again at once.
    const next = startBulkUpload(app.url, token, { mode: "valid" });
    await next.send(claimLine("after the idle one"));
    next.end();
    const answer = await next.finished;
    expect(await next.status()).toBe(200);
    expect(answer.summary).toMatchObject({ stored: 1, committed: true });
    expect((await batchesOf(key)).runningUntil).toBeNull();
  });

  it("is ended when it stops reading the report, and gives back its lease", { timeout: 90_000 }, async () => {
    const key = randomUUID();
    const upload = startBulkUpload(app.url, token, { mode: "valid", key });
    // Refused lines make long report lines: far more than the socket buffers hold.
    const refused = `${JSON.stringify({ articleId: article.id, start: -1, end: -1, quote: "", type: "nonsense" })}\n`;
    // The answer starts with the first batch's report, once the second batch's first line came.
    await upload.send(refused.repeat(2_000));
    expect(await upload.status()).toBe(200);
    upload.pause();
    const sending = (async () => {
      for (let sent = 2_000; sent < 60_000; sent += 1_000) await upload.send(refused.repeat(1_000));
      upload.end();
    })();
    // The server ends the upload (and gives back its lease) soon after the report stops draining.
    const paused = Date.now();
    let recordAfter = await batchesOf(key);
    while (recordAfter.runningUntil !== null && Date.now() - paused < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      recordAfter = await batchesOf(key);
    }
    expect(recordAfter.runningUntil).toBeNull();
    // It stopped long before the end of the file: the reports the socket buffers took, then the limit.
    expect(recordAfter.batches[recordAfter.batches.length - 1]!.lastLine).toBeLessThan(60_000);
    upload.resume();
    const ended = await endsWithin(upload.finished, 10_000);
    await sending;
    expect(ended.how).toBe("cut");
    expect(recordAfter.state).toBe("open");
  });
});

describe("uploads one user runs at once", () => {
  it("refuses one more than BULK_UPLOADS_PER_USER with 429, lets the running one resume, and frees the slot at its end", async () => {
    const key = randomUUID();
    const running = startBulkUpload(app.url, token, { mode: "valid", key });
    await running.send(claimLine("running 1"));
    // The upload has started once its record exists.
    for (let i = 0; i < 100 && !(await app.db.prisma.bulkUpload.findFirst({ where: { key } })); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const response = await fetch(`${app.url}/api/v1/claims/bulk?mode=valid`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/x-ndjson",
        accept: "application/json",
      },
      body: claimLine("refused for now"),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/already have a bulk upload running.*BULK_UPLOADS_PER_USER/);

    // Sending the running upload again under its key takes it over: that is no second upload.
    const resumed = startBulkUpload(app.url, token, { mode: "valid", key });
    await resumed.send(claimLine("running 1"));
    resumed.end();
    const resumedAnswer = await resumed.finished;
    expect(await resumed.status()).toBe(200);
    expect(resumedAnswer.summary).toMatchObject({ complete: true, committed: true });
    running.cut();
    await running.finished;

    const later = startBulkUpload(app.url, token, { mode: "valid" });
    await later.send(claimLine("after the slot was freed"));
    later.end();
    await later.finished;
    expect(await later.status()).toBe(200);
  });
});
