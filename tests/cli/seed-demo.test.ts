import { spawnSync } from "node:child_process";
import { parse } from "csv-parse/sync";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodePointIndex } from "../../src/text/code-points.js";
import { openDatabase } from "../../src/db/database.js";
import { DEMO_ANNOTATOR_EMAIL, DEMO_PROJECT, seedDemo } from "../../src/demo/seed-demo.js";
import {
  createEmptyServerDatabase,
  createTestDatabase,
  dropServerDatabase,
  onPostgresServer,
  type TestDatabase,
} from "../helpers/test-database.js";
import { makeUser } from "../helpers/test-app.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe("seedDemo", () => {
  it("creates the demo project, article, speakers and claims once, however often it runs", async () => {
    const { prisma } = database.db;
    const admin = await makeUser(database.db, "admin");
    const first = await seedDemo(prisma, admin.id);
    expect(first.created).toEqual({ project: true, annotator: true, article: true, speakers: 2, claims: 4 });
    const second = await seedDemo(prisma, admin.id);
    expect(second).toEqual({
      ...first,
      created: { project: false, annotator: false, article: false, speakers: 0, claims: 0 },
    });

    const project = await prisma.project.findUniqueOrThrow({
      where: { name: DEMO_PROJECT },
      include: { stances: true, targets: { orderBy: { position: "asc" } }, members: true, articles: true },
    });
    expect(project.stances.map((s) => s.key).sort()).toEqual(["against", "favor", "neutral", "unclear"]);
    expect(project.targets.map((t) => t.name)).toEqual(["Azerbaijan", "Armenia", "ceasefire"]);
    expect(project.articles).toHaveLength(1);
    const annotator = await prisma.user.findUniqueOrThrow({ where: { email: DEMO_ANNOTATOR_EMAIL } });
    expect(annotator.role).toBe("annotator");
    expect(project.members.map((m) => m.userId)).toEqual([annotator.id]);

    const article = project.articles[0]!;
    expect(article).toMatchObject({
      title: "Azerbaijani army suppresses provocations, says Hajiyev",
      outlet: "Trend",
      createdById: admin.id,
    });
    expect(article.publishedAt?.toISOString().slice(0, 10)).toBe("2020-11-03");

    const hajiyev = await prisma.speaker.findUniqueOrThrow({
      where: { projectId_name: { projectId: project.id, name: "Hikmat Hajiyev" } },
    });
    expect(hajiyev).toMatchObject({
      role: "Assistant to the President of Azerbaijan",
      affiliation: "Presidential Administration of Azerbaijan",
      aliases: ["Hajiyev", "the president's assistant"],
    });
    expect(await prisma.speaker.count({ where: { projectId: project.id, name: "Ilham Aliyev" } })).toBe(1);
  });

  it("places every claim, mention and cue at code-point offsets of the body", async () => {
    const { prisma } = database.db;
    const article = await prisma.article.findFirstOrThrow({
      where: { project: { name: DEMO_PROJECT } },
      include: { claims: { orderBy: { start: "asc" }, include: { speaker: true } }, sentences: true },
    });
    const points = Array.from(article.body);
    const cut = (start: number | null, end: number | null) => points.slice(start!, end!).join("");
    const index = new CodePointIndex(article.body);
    expect(article.claims).toHaveLength(4);
    for (const claim of article.claims) {
      expect(cut(claim.start, claim.end)).toBe(claim.quote);
      expect(cut(claim.start - claim.prefix.length, claim.start)).toBe(claim.prefix);
      expect(cut(claim.end, claim.end + Array.from(claim.suffix).length)).toBe(claim.suffix);
      expect(index.slice(claim.start, claim.end)).toBe(claim.quote);
      // Each demo claim is one whole sentence as the splitter found it.
      expect(article.sentences.some((s) => s.start === claim.start && s.end === claim.end)).toBe(true);
    }
    const summary = article.claims.map((c) => ({
      type: c.type,
      opens: c.quote.slice(0, 16),
      speaker: c.speaker?.name ?? null,
      mention: c.mentionStart === null ? null : cut(c.mentionStart, c.mentionEnd),
      cue: c.cueStart === null ? null : cut(c.cueStart, c.cueEnd),
    }));
    expect(summary).toEqual([
      {
        type: "indirect",
        opens: "Hajiyev stressed",
        speaker: "Hikmat Hajiyev",
        mention: "Hajiyev",
        cue: "stressed",
      },
      {
        type: "indirect",
        opens: "According to him",
        speaker: "Hikmat Hajiyev",
        mention: "him",
        cue: "According to",
      },
      {
        type: "direct",
        opens: '"The Armenians a',
        speaker: "Hikmat Hajiyev",
        mention: "the president’s assistant",
        cue: "added",
      },
      { type: "outlet", opens: "Despite the fact", speaker: null, mention: null, cue: null },
    ]);
  });
});

describe("npm run seed:demo", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "claimant-seed-"));
  let serverDatabase: string | undefined;
  let env: Record<string, string> = {};
  afterAll(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (serverDatabase) await dropServerDatabase(serverDatabase);
  });

  it("prints what it created, and creates nothing the second time", async () => {
    serverDatabase = onPostgresServer ? await createEmptyServerDatabase() : undefined;
    env = serverDatabase ? { DATABASE_URL: serverDatabase } : { DATA_DIR: dataDir, DATABASE_URL: "" };
    const run = () =>
      spawnSync(process.execPath, ["--import", "tsx", "src/cli/seed-demo.ts"], {
        encoding: "utf8",
        env: { ...process.env, LOG_LEVEL: "silent", ...env },
      });
    const first = run();
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`Created project "${DEMO_PROJECT}"`);
    expect(first.stdout).toContain("Added 2 speakers and 4 claims.");
    const second = run();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("Kept existing project");
    expect(second.stdout).toContain("Added 0 speakers and 0 claims.");

    const db = serverDatabase ? await openDatabase({ url: serverDatabase }) : await openDatabase({ dataDir });
    try {
      expect(await db.prisma.claim.count()).toBe(4);
      expect(await db.prisma.article.count()).toBe(1);
    } finally {
      await db.close();
    }
  }, 120_000);

  it("npm run export writes the demo claims as CSV and the article as JSON Lines to standard output", () => {
    const exportWith = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "src/cli/export.ts", ...args], {
        encoding: "utf8",
        env: { ...process.env, LOG_LEVEL: "silent", ...env },
      });
    const csv = exportWith("--format", "csv", "--type", "indirect");
    expect(csv.status).toBe(0);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.cue)).toEqual(["stressed", "According to"]);
    const articles = exportWith("--what", "articles");
    const [article] = articles.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { body: string });
    for (const row of rows) {
      expect(Array.from(article!.body).slice(Number(row.start), Number(row.end)).join("")).toBe(row.quote);
    }
    // Exactly as documented: `npm run -s export -- ... > file` writes nothing but the export.
    const viaNpm = spawnSync("npm", ["run", "-s", "export", "--", "--format", "jsonl", "--type", "direct"], {
      encoding: "utf8",
      env: { ...process.env, LOG_LEVEL: "silent", ...env },
    });
    expect(viaNpm.status).toBe(0);
    expect(
      viaNpm.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).cue),
    ).toEqual(["added"]);
    // Or --out FILE: the file holds the export, and appears only once the export is complete.
    const outFile = path.join(dataDir, "claims.csv");
    const toFile = exportWith("--format", "csv", "--type", "indirect", "--out", outFile);
    expect(toFile.status).toBe(0);
    expect(toFile.stdout).toBe("");
    expect(fs.readFileSync(outFile, "utf8")).toBe(csv.stdout);
    const failed = exportWith("--format", "xlsx", "--out", path.join(dataDir, "never.csv"));
    expect(failed.status).toBe(1);
    expect(fs.readdirSync(dataDir).filter((name) => name.includes("never"))).toEqual([]);
    const bad = exportWith("--format", "xlsx");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--format must be csv, jsonl, jsonld or citron");
  }, 60_000);
});
