import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { freshDataDir, removeDataDir } from "../helpers/data-dir.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { launchServerProcess, startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { canMountSmallDisks, mountSmallDisk, type SmallDisk } from "../helpers/small-disk.js";
import { makeUser } from "../helpers/test-app.js";

// The embedded database with DATA_DIR on a small file system that fills up for real (issue 16):
// writes answer 507 saying the disk is full, reads and /healthz go on, writes resume by themselves
// once space is freed, nothing acknowledged is lost, the server never hangs; a start without room
// says so.

const MB = 1024 * 1024;
const RESERVE_MB = 24;
const slow = { timeout: 180_000 };

describe.runIf(canMountSmallDisks())("a full disk under the embedded database", slow, () => {
  let disk: SmallDisk;
  let dataDir: string;
  let server: ServerProcess;
  let token: string;
  let article: { id: number; body: string };

  beforeAll(async () => {
    disk = mountSmallDisk(160);
    dataDir = path.join(disk.dir, "data");
    const template = await freshDataDir();
    fs.cpSync(template, dataDir, { recursive: true });
    removeDataDir(template);
    const pglite = await PGlite.create({ dataDir: path.join(dataDir, "pglite") });
    const db = await openDatabase({ pglite });
    const admin = await makeUser(db, "admin");
    const annotator = await makeUser(db, "annotator");
    const project = await makeProject(db, admin, [annotator]);
    article = await makeArticle(db, admin, project.id);
    token = (await createApiToken(db.prisma, annotator.id, "disk", "write")).token;
    await db.close();
    await pglite.close();
    server = await startServerProcess({ DATA_DIR: dataDir, DISK_RESERVE_MB: String(RESERVE_MB) });
  }, slow.timeout);
  afterAll(async () => {
    await server?.stop();
    disk?.unmount();
  });

  const headers = () => ({
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
    accept: "application/json",
  });
  const save = (note: string) =>
    fetch(`${server.url}/api/v1/articles/${article.id}/claims`, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({ ...spanOf(article.body, "BAKU"), quote: "BAKU", type: "outlet", note }),
    });
  const read = () => fetch(`${server.url}/api/v1/claims?limit=5`, { headers: headers() });

  it("refuses writes with 507 before the disk is full, keeps reading, and takes writes again once space is freed", async () => {
    const acknowledged: string[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await save(`before ${i}`);
      expect(answer.status).toBe(201);
      acknowledged.push(`before ${i}`);
    }
    disk.fillLeaving((RESERVE_MB - 8) * MB);
    // The guard reads free space four times a second.
    await expect.poll(async () => (await save("during")).status, { timeout: 5_000 }).toBe(507);
    const refused = await save("during");
    expect(refused.status).toBe(507);
    expect(refused.headers.get("retry-after")).toBe("60");
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("insufficient_storage");
    expect(body.error.message).toMatch(/disk is full/);
    for (let i = 0; i < 20; i++) {
      expect((await read()).status).toBe(200);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await save(`refused ${i}`)).status).toBe(507);
    }

    disk.emptyFiller();
    await expect.poll(async () => (await save("after")).status, { timeout: 10_000 }).toBe(201);
    const shown = (await (
      await fetch(`${server.url}/api/v1/articles/${article.id}`, { headers: headers() })
    ).json()) as {
      claims: { note: string }[];
    };
    const stored = shown.claims.map((claim) => claim.note);
    for (const note of acknowledged) expect(stored).toContain(note);
    expect(stored.filter((note) => note.startsWith("refused"))).toEqual([]);
    // One line when the disk filled (and one when it is over): not one per refused request.
    const started = server
      .output()
      .split("\n")
      .filter(
        (line) =>
          line.includes('"outage":"insufficient_storage"') &&
          line.includes("Disk full (507): refusing requests"),
      );
    expect(started).toHaveLength(1);
    expect(server.output()).not.toMatch(/"level":50.*insufficient_storage/);
    expect(server.output()).toContain("the disk is nearly full");
    expect(server.output()).toContain("the disk has room again");
  });

  it("a bulk upload that meets the full disk stops with 507 and stores nothing more; the server goes on", async () => {
    disk.fillLeaving((RESERVE_MB - 8) * MB);
    await expect.poll(async () => (await save("x")).status, { timeout: 5_000 }).toBe(507);
    const line = JSON.stringify({
      articleId: article.id,
      ...spanOf(article.body, "BAKU"),
      quote: "BAKU",
      type: "outlet",
    });
    const upload = await fetch(`${server.url}/api/v1/claims/bulk?mode=valid`, {
      method: "POST",
      headers: { ...headers(), "content-type": "application/x-ndjson" },
      body: `${line}\n`.repeat(3_000),
    });
    expect(upload.status).toBe(507);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    disk.emptyFiller();
    await expect.poll(async () => (await save("after bulk")).status, { timeout: 10_000 }).toBe(201);
  });
});

describe.runIf(canMountSmallDisks())("starting on a disk without room", slow, () => {
  it("refuses to start, saying that the disk is full and what to do", async () => {
    const disk = mountSmallDisk(64);
    try {
      const dataDir = path.join(disk.dir, "data");
      disk.fillLeaving(8 * MB);
      const server = await launchServerProcess({ DATA_DIR: dataDir, DISK_RESERVE_MB: "32" });
      const code = await server.exited;
      expect(code).toBe(1);
      expect(server.output()).toMatch(
        /Claimant cannot start\. The disk holding .* has \d+ MB free; Claimant needs at least 32 MB/,
      );
      expect(server.output()).toMatch(/DISK_RESERVE_MB/);
    } finally {
      disk.unmount();
    }
  });
});
