import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrations.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { canMountSmallDisks, mountSmallDisk, type SmallDisk } from "../helpers/small-disk.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";
import { serverUrl } from "../helpers/test-database.js";

// A Postgres server whose database lives on a small file system that fills up (a tablespace on
// its own tmpfs): writes answer 507 saying the disk is full, reads go on, and writes work again
// by themselves once space is freed (issue 16).

const MB = 1024 * 1024;

describe.runIf(Boolean(serverUrl) && canMountSmallDisks())(
  "a full disk under a Postgres server",
  { timeout: 120_000 },
  () => {
    let disk: SmallDisk;
    let admin: pg.Client;
    let name: string;
    let app: TestApp;
    let token: string;
    let article: { id: number; body: string };

    beforeAll(async () => {
      disk = mountSmallDisk(96);
      execFileSync("chown", ["postgres:postgres", disk.dir]);
      admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      name = `claimant_full_${randomBytes(4).toString("hex")}`;
      await admin.query(`CREATE TABLESPACE ${name} LOCATION '${disk.dir}'`);
      await admin.query(`CREATE DATABASE ${name} TABLESPACE ${name}`);
      const url = new URL(serverUrl!);
      url.pathname = `/${name}`;
      const db = await openDatabase({ url: url.toString(), poolSize: 4 });
      await applyMigrations(db);
      app = await startTestApp({ database: { db, drop: async () => undefined } });
      const owner = await makeUser(db, "admin");
      const annotator = await makeUser(db, "annotator");
      article = await makeArticle(db, owner, (await makeProject(db, owner, [annotator])).id);
      token = (await createApiToken(db.prisma, annotator.id, "disk", "write")).token;
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await app?.db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`DROP TABLESPACE IF EXISTS ${name}`);
      await admin.end();
      disk?.unmount();
    });

    const headers = () => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });
    const note = (size: number) => "n".repeat(size);
    const save = (text: string) =>
      fetch(`${app.url}/api/v1/articles/${article.id}/claims`, {
        method: "POST",
        headers: headers(),
        body: JSON.stringify({ ...spanOf(article.body, "BAKU"), quote: "BAKU", type: "outlet", note: text }),
      });

    it("answers 507 while the tablespace is full and saves again once it has room", async () => {
      expect((await save("first")).status).toBe(201);
      disk.fillLeaving(0);
      // Each save needs new pages now and then: keep saving until the disk refuses one.
      let status = 201;
      for (let i = 0; i < 2_000 && status === 201; i++) status = (await save(`${i} ${note(4_000)}`)).status;
      expect(status).toBe(507);
      const refused = await save(note(4_000));
      expect(refused.status).toBe(507);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("insufficient_storage");
      expect((await fetch(`${app.url}/api/v1/claims?limit=1`, { headers: headers() })).status).toBe(200);
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      disk.emptyFiller();
      await expect.poll(async () => (await save("after")).status, { timeout: 10_000 }).toBe(201);
      expect(disk.freeBytes()).toBeGreaterThan(8 * MB);
    });
  },
);
