// npm run articles:purge (issue 20): articles in the trash longer than TRASH_DAYS (or
// --older-than-days) are counted, with their claims, and removed for good only with --yes. Run as
// the operator runs it, in its own process, on the database mode of this pass.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrations.js";
import { createEmptyServerDatabase, dropServerDatabase, onPostgresServer } from "../helpers/test-database.js";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "claimant-purge-"));
let serverDatabase: string | undefined;
afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (serverDatabase) await dropServerDatabase(serverDatabase);
});

async function withDatabase<T>(env: Record<string, string>, work: (db: Database) => Promise<T>): Promise<T> {
  const db = env.DATABASE_URL
    ? await openDatabase({ url: env.DATABASE_URL })
    : await openDatabase({ dataDir: env.DATA_DIR! });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

function purge(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "src/cli/articles-purge.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "silent", ...env },
  });
}

const DAY = 86_400_000;

describe("articles:purge", () => {
  it("says what it would remove, removes it only with --yes, and keeps younger trash and live articles", async () => {
    serverDatabase = onPostgresServer ? await createEmptyServerDatabase() : undefined;
    const env: Record<string, string> = serverDatabase
      ? { DATABASE_URL: serverDatabase }
      : { DATA_DIR: dataDir, DATABASE_URL: "" };
    const ids = await withDatabase(env, async (db) => {
      await applyMigrations(db);
      const user = await db.prisma.user.create({
        data: { email: "purge@example.org", name: "Purge Admin", role: "admin", passwordHash: "x" },
      });
      const project = await db.prisma.project.create({ data: { name: "Purge project" } });
      const article = (title: string, deletedDaysAgo: number | null) =>
        db.prisma.article.create({
          data: {
            projectId: project.id,
            title,
            body: `${title}: the minister said the road would reopen.`,
            bodyHash: title,
            deletedAt: deletedDaysAgo === null ? null : new Date(Date.now() - deletedDaysAgo * DAY),
          },
        });
      const old = await article("Old", 40);
      const recent = await article("Recent", 1);
      const live = await article("Live", null);
      for (const start of [0, 5])
        await db.prisma.claim.create({
          data: {
            articleId: old.id,
            projectId: project.id,
            annotatorId: user.id,
            start,
            end: start + 3,
            quote: "Old",
            prefix: "",
            suffix: "",
            type: "indirect",
            deletedAt: old.deletedAt,
          },
        });
      return { old: old.id, recent: recent.id, live: live.id };
    });

    const dry = purge([], env);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(
      "1 article in the trash for more than 30 days, with 2 claims, would be removed for good. Nothing was removed",
    );
    expect(await withDatabase(env, (db) => db.prisma.article.count())).toBe(3);

    const bad = purge(["--older-than-days", "soon"], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr + bad.stdout).toMatch(/whole number of days/);

    const done = purge(["--yes"], env);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toContain(
      "Removed for good: 1 article in the trash for more than 30 days, with 2 claims.",
    );
    await withDatabase(env, async (db) => {
      expect((await db.prisma.article.findMany({ orderBy: { id: "asc" } })).map((a) => a.id)).toEqual([
        ids.recent,
        ids.live,
      ]);
      expect(await db.prisma.claim.count()).toBe(0);
      expect(
        await db.prisma.auditEvent.count({ where: { action: "article.purge", subjectId: String(ids.old) } }),
      ).toBe(1);
    });

    const none = purge(["--yes", "--older-than-days", "30"], env);
    expect(none.stdout).toContain("Nothing to purge");
  });
});
