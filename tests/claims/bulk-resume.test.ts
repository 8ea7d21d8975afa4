import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { startBulkUpload } from "../helpers/bulk-client.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

// Bulk uploads that are exactly once: a client that vanishes, a resend under the same key, a
// different file under an old key (issue 16).

let app: TestApp;
let token: string;
let article: Awaited<ReturnType<typeof makeArticle>>;

beforeAll(async () => {
  app = await startTestApp();
  const admin: CurrentUser = await makeUser(app.db, "admin");
  const annotator = await makeUser(app.db, "annotator");
  const project = await makeProject(app.db, admin, [annotator]);
  article = await makeArticle(app.db, admin, project.id);
  token = (await createApiToken(app.db.prisma, annotator.id, "bulk", "write")).token;
});
afterAll(() => app.close());

/** `count` claim lines, each with its own note: `${tag} ${n}` for line n. */
function file(tag: string, count: number, extra: (n: number) => object = () => ({})): string {
  const span = spanOf(article.body, "Fans cheered.");
  let text = "";
  for (let n = 1; n <= count; n++) {
    text += `${JSON.stringify({ articleId: article.id, ...span, quote: "Fans cheered.", type: "outlet", note: `${tag} ${n}`, ...extra(n) })}\n`;
  }
  return text;
}

/** Notes stored for the tag, with how many claims carry each. */
async function storedNotes(tag: string): Promise<Map<string, number>> {
  const rows = await app.db.prisma.claim.groupBy({
    by: ["note"],
    where: { note: { startsWith: `${tag} ` } },
    _count: { _all: true },
  });
  return new Map(rows.map((row) => [row.note, row._count._all]));
}

async function sendWhole(text: string, options: { mode?: "all" | "valid"; key?: string }) {
  const upload = startBulkUpload(app.url, token, options);
  await upload.send(text);
  upload.end();
  const finished = await upload.finished;
  return { status: await upload.status(), lines: upload.lines, ...finished };
}

/** Sends `text` and vanishes once `reportLines` lines were reported (or after the first batch, mode=all). */
async function sendAndVanish(
  text: string,
  options: { mode: "all" | "valid"; key: string },
  reportLines: number,
) {
  const upload = startBulkUpload(app.url, token, options);
  const lines = text.split("\n");
  // Sent in pieces, so the server is still reading when the client leaves.
  for (let at = 0; at < lines.length; at += 500) {
    await upload.send(
      lines
        .slice(at, at + 500)
        .map((line) => `${line}\n`)
        .join(""),
    );
    if (upload.lines.length >= reportLines) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await upload.waitForLines(reportLines);
  upload.cut();
  await upload.finished;
  return upload.lines;
}

async function record(key: string) {
  const response = await fetch(`${app.url}/api/v1/claims/bulk/${key}`, {
    headers: { authorization: `Bearer ${token}`, accept: "application/json" },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Waits until the record of `key` has at least `lines` lines and has not changed for a second:
 * every batch's transaction touches it, and none takes that long here.
 */
async function settled(key: string, lines: number) {
  let last = "";
  let since = Date.now();
  for (let i = 0; i < 400; i++) {
    const { body } = await record(key);
    const now = JSON.stringify(body);
    if (now !== last) since = Date.now();
    else if ((body.linesRecorded as number) >= lines && Date.now() - since >= 1_000) return body;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the upload ${key} did not settle`);
}

describe("mode=valid: a vanished client, then the same file again with the same key", () => {
  it("stores every line exactly once, and the record says which lines the first request stored", async () => {
    const tag = `vanish-${randomUUID()}`;
    const key = randomUUID();
    const text = file(tag, 3_500);
    const reported = await sendAndVanish(text, { mode: "valid", key }, 1_000);
    expect(reported.length).toBeGreaterThanOrEqual(1_000);
    // Every id reported is stored.
    const ids = reported.filter((line) => line.ok === true).map((line) => line.id as number);
    expect(await app.db.prisma.claim.count({ where: { id: { in: ids } } })).toBe(ids.length);

    const before = await settled(key, 1_000);
    const storedBefore = await storedNotes(tag);
    expect(before.stored).toBe(storedBefore.size);
    expect(before.state).toBe("open");
    // Whole batches only: what was stored is lines 1..N for a multiple of 1,000.
    expect(before.storedRanges).toEqual([[1, storedBefore.size]]);
    expect(storedBefore.size % 1_000).toBe(0);

    const again = await sendWhole(text, { mode: "valid", key });
    expect(again.status).toBe(200);
    expect(again.summary).toMatchObject({
      key,
      complete: true,
      committed: true,
      stored: 3_500 - storedBefore.size,
      alreadyStored: storedBefore.size,
    });
    const replayed = again.lines.filter((line) => line.replayed === true);
    expect(replayed).toHaveLength(storedBefore.size);
    const after = await storedNotes(tag);
    expect(after.size).toBe(3_500);
    expect([...after.values()].every((count) => count === 1)).toBe(true);
    expect((await record(key)).body).toMatchObject({
      state: "complete",
      stored: 3_500,
      storedRanges: [[1, 3_500]],
    });

    const third = await sendWhole(text, { mode: "valid", key });
    expect(third.summary).toMatchObject({ stored: 0, alreadyStored: 3_500, complete: true });
    expect((await storedNotes(tag)).size).toBe(3_500);
  });

  it("lists the stored lines with their ids", async () => {
    const tag = `list-${randomUUID()}`;
    const key = randomUUID();
    const sent = await sendWhole(file(tag, 3), { mode: "valid", key });
    const response = await fetch(`${app.url}/api/v1/claims/bulk/${key}/lines`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const listed = (await response.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(listed).toEqual(sent.lines.slice(0, 3).map(({ line, id }) => ({ line, id })));
  });
});

describe("mode=all: a vanished client stores nothing, and the same key then stores it all", () => {
  it("creates no speaker and no claim until the whole file is in", async () => {
    const tag = `all-${randomUUID()}`;
    const key = randomUUID();
    const speaker = `Speaker ${tag}`;
    const text = file(tag, 2_500, (n) => (n === 1 ? { speaker: { name: speaker, confirmNew: true } } : {}));
    const upload = startBulkUpload(app.url, token, { mode: "all", key });
    await upload.send(text.slice(0, Math.floor(text.length * 0.8)));
    await settled(key, 2_000);
    upload.cut();
    await upload.finished;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await storedNotes(tag)).size).toBe(0);
    expect(await app.db.prisma.speaker.count({ where: { name: speaker } })).toBe(0);
    expect((await record(key)).body).toMatchObject({ state: "open", stored: 0 });

    const again = await sendWhole(text, { mode: "all", key });
    expect(again.summary).toMatchObject({ complete: true, committed: true, stored: 2_500 });
    const notes = await storedNotes(tag);
    expect(notes.size).toBe(2_500);
    expect([...notes.values()].every((count) => count === 1)).toBe(true);
    expect(await app.db.prisma.speaker.count({ where: { name: speaker } })).toBe(1);
    // Ids only after the commit, each stored.
    const ids = again.lines.filter((line) => line.ok === true).map((line) => line.id as number);
    expect(ids).toHaveLength(2_500);
    expect(await app.db.prisma.claim.count({ where: { id: { in: ids } } })).toBe(2_500);

    const replay = await sendWhole(text, { mode: "all", key });
    expect(replay.summary).toMatchObject({ stored: 0, alreadyStored: 2_500, committed: true });
    expect((await storedNotes(tag)).size).toBe(2_500);
  });

  it("a refused upload sent again under its key is refused again, storing nothing", async () => {
    const tag = `refused-${randomUUID()}`;
    const key = randomUUID();
    const text = file(tag, 3, (n) => (n === 2 ? { quote: "ROME" } : {}));
    const first = await sendWhole(text, { mode: "all", key });
    expect(first.summary).toMatchObject({ committed: false, invalid: 1 });
    const again = await sendWhole(text, { mode: "all", key });
    expect(again.summary).toMatchObject({ committed: false, invalid: 1, stored: 0 });
    expect(again.lines[0]).toMatchObject({ line: 2, ok: false, replayed: true });
    expect((await storedNotes(tag)).size).toBe(0);
  });
});

describe("one key, one file", () => {
  it("refuses another file under a used key before storing anything (422)", async () => {
    const key = randomUUID();
    await sendWhole(file(`first-${key}`, 5), { mode: "valid", key });
    const other = await sendWhole(file(`second-${key}`, 5), { mode: "valid", key });
    expect(other.status).toBe(422);
    expect(JSON.parse(other.body).error.message).toMatch(/differ from the file first sent/);
    expect((await storedNotes(`second-${key}`)).size).toBe(0);
  });

  it("stops at the first batch that differs when the files part later on", async () => {
    const key = randomUUID();
    const tag = `part-${key}`;
    const text = file(tag, 2_500);
    await sendAndVanish(text, { mode: "valid", key }, 2_000);
    await settled(key, 2_000);
    const changed = text.replace(`${tag} 1500"`, `${tag} 1500 changed"`);
    const again = await sendWhole(changed, { mode: "valid", key });
    expect(again.status).toBe(200);
    expect(again.summary).toMatchObject({ complete: false, stored: 0 });
    expect(again.summary!.message).toMatch(/Lines from 1001 on differ/);
    expect((await storedNotes(tag)).size).toBe(2_000);
  });

  it("refuses the key with the other mode (422)", async () => {
    const key = randomUUID();
    await sendWhole(file(`mode-${key}`, 2), { mode: "valid", key });
    const other = await sendWhole(file(`mode-${key}`, 2), { mode: "all", key });
    expect(other.status).toBe(422);
    expect(JSON.parse(other.body).error.message).toMatch(/was sent with mode=valid/);
  });

  it("answers 404 for the record of an unknown key", async () => {
    expect((await record(randomUUID())).status).toBe(404);
  });
});

describe("a client that vanishes or stalls harms no one else", () => {
  it("keeps the server answering after many vanished uploads", async () => {
    for (let i = 0; i < 5; i++) {
      const upload = startBulkUpload(app.url, token, { mode: i % 2 ? "all" : "valid" });
      await upload.send(file(`gone-${i}-${randomUUID()}`, 1_500));
      upload.cut();
      await upload.finished;
    }
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it("stops a stalled reader's upload at a batch boundary without holding a transaction", async () => {
    const tag = `stall-${randomUUID()}`;
    const key = randomUUID();
    const upload = startBulkUpload(app.url, token, { mode: "valid", key });
    upload.pause();
    // Far more report than socket buffers hold: the server must wait for the reader.
    const sending = upload.send(file(tag, 60_000));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // Meanwhile another user's single save goes through at once.
    const started = Date.now();
    const span = spanOf(article.body, "BAKU");
    const single = await fetch(`${app.url}/api/v1/articles/${article.id}/claims`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ ...span, quote: "BAKU", type: "outlet" }),
    });
    expect(single.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(1_000);
    upload.cut();
    await sending;
    await upload.finished;
    await settled(key, 0);
    const stored = (await storedNotes(tag)).size;
    expect(stored % 1_000).toBe(0);
    expect((await record(key)).body.stored).toBe(stored);
  });
});
