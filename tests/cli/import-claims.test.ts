import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrations.js";
import { runCommand, runCommandKilledAfter } from "../helpers/command-process.js";
import { embeddedEnv, freshDataDir, removeDataDir } from "../helpers/data-dir.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { makeUser } from "../helpers/test-app.js";
import { createEmptyServerDatabase, dropServerDatabase, serverUrl } from "../helpers/test-database.js";

// npm run import:claims, as an operator runs it: on the Postgres server in the server suite, on
// the embedded database (no server running) in the embedded one.

const slow = { timeout: 120_000 };
const folder = fs.mkdtempSync(path.join(os.tmpdir(), "claimant-import-claims-"));
let env: Record<string, string>;
let dataDir: string | undefined;
let serverDatabase: string | undefined;
let article: { id: number; body: string };
let annotatorEmail: string;
let researcherEmail: string;

async function open(): Promise<Database> {
  return serverDatabase ? openDatabase({ url: serverDatabase }) : openDatabase({ dataDir: dataDir! });
}

beforeAll(async () => {
  if (serverUrl) {
    serverDatabase = await createEmptyServerDatabase();
    env = { DATABASE_URL: serverDatabase };
  } else {
    dataDir = await freshDataDir();
    env = embeddedEnv(dataDir);
  }
  const db = await open();
  try {
    await applyMigrations(db);
    const admin = await makeUser(db, "admin");
    const annotator = await makeUser(db, "annotator");
    researcherEmail = (await makeUser(db, "researcher")).email;
    annotatorEmail = annotator.email;
    const project = await makeProject(db, admin, [annotator]);
    article = await makeArticle(db, admin, project.id);
  } finally {
    await db.close();
  }
}, slow.timeout);
afterAll(async () => {
  fs.rmSync(folder, { recursive: true, force: true });
  removeDataDir(dataDir);
  if (serverDatabase) await dropServerDatabase(serverDatabase);
});

function claimFile(name: string, lines: object[]): string {
  const file = path.join(folder, name);
  fs.writeFileSync(file, lines.map((line) => JSON.stringify(line)).join("\n") + "\n");
  return file;
}

const claimOf = (quote: string, extra: object = {}) => ({
  articleId: article.id,
  ...spanOf(article.body, quote),
  quote,
  type: "direct",
  ...extra,
});

async function storedQuotes(ids: number[]): Promise<string[]> {
  const db = await open();
  try {
    const claims = await db.prisma.claim.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    return claims.map((claim) => claim.quote);
  } finally {
    await db.close();
  }
}

const reportOf = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("npm run import:claims", slow, () => {
  it("stores every line, prints the report on stdout and progress on stderr", async () => {
    const file = claimFile("good.jsonl", [
      claimOf("BAKU", { speaker: { name: "Cli Speaker" } }),
      claimOf("Fans cheered.", { speaker: { name: "cli speaker" }, stance: "favor" }),
    ]);
    const run = await runCommand("src/cli/import-claims.ts", [file, "--as", annotatorEmail], { env });
    expect(run.status, run.stderr).toBe(0);
    const report = reportOf(run.stdout);
    expect(report.at(-1)).toMatchObject({ summary: { lines: 2, stored: 2, committed: true } });
    expect(run.stderr).toMatch(/Importing \[.*\] 100%/);
    expect(run.stderr).toMatch(/Stored 2 claims\./);
    const ids = report.slice(0, 2).map((entry) => entry.id as number);
    expect(await storedQuotes(ids)).toEqual(["BAKU", "Fans cheered."]);
  });

  it("all-or-nothing: a refused line stores nothing, says why and exits 1", async () => {
    const file = claimFile("one-bad.jsonl", [claimOf("BAKU"), { ...claimOf("BAKU"), quote: "ROME" }]);
    const run = await runCommand("src/cli/import-claims.ts", [file, "--as", annotatorEmail], { env });
    expect(run.status).toBe(1);
    const report = reportOf(run.stdout);
    expect(report[0]).toMatchObject({ line: 2, ok: false, errors: [{ field: "quote" }] });
    expect(report.at(-1)).toMatchObject({ summary: { stored: 0, committed: false } });
    expect(run.stderr).toMatch(/Nothing was stored/);
  });

  it("--mode valid --report FILE keeps the valid lines and writes the report to the file", async () => {
    const file = claimFile("mixed.jsonl", [claimOf("BAKU"), { ...claimOf("BAKU"), quote: "ROME" }]);
    const reportFile = path.join(folder, "report.jsonl");
    const run = await runCommand(
      "src/cli/import-claims.ts",
      [file, "--as", annotatorEmail, "--mode", "valid", "--report", reportFile],
      { env },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    const report = reportOf(fs.readFileSync(reportFile, "utf8"));
    expect(report.at(-1)).toMatchObject({ summary: { stored: 1, invalid: 1, committed: true } });
    expect(await storedQuotes([report[0]!.id as number])).toEqual(["BAKU"]);
  });

  it("resumes when run again after being killed: every line stored once", async () => {
    const count = 6_000;
    const tag = `resume-${Date.now()}`;
    const file = claimFile(
      "resume.jsonl",
      Array.from({ length: count }, (_, i) => claimOf("BAKU", { note: `${tag} ${i + 1}` })),
    );
    const args = [file, "--as", annotatorEmail, "--mode", "valid"];
    // Killed once some batches are in, as an operator's Ctrl-C or a lost terminal would.
    await runCommandKilledAfter("src/cli/import-claims.ts", args, { env, lines: 1_000 });
    const again = await runCommand("src/cli/import-claims.ts", args, { env });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/Upload key import-claims-valid-[0-9a-f]{32}/);
    const summary = reportOf(again.stdout).at(-1)!.summary as { stored: number; alreadyStored: number };
    expect(summary.stored + summary.alreadyStored).toBe(count);
    expect(summary.alreadyStored).toBeGreaterThanOrEqual(1_000);
    const db = await open();
    try {
      const notes = await db.prisma.claim.groupBy({
        by: ["note"],
        where: { note: { startsWith: `${tag} ` } },
        _count: { _all: true },
      });
      expect(notes).toHaveLength(count);
      expect(notes.every((row) => row._count._all === 1)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it.each([
    ["no file", (file: string) => ["--as", annotatorEmail, file].slice(0, 2), /Name one JSON Lines file/],
    ["a missing file", () => ["/nonexistent/claims.jsonl", "--as", annotatorEmail], /Cannot read/],
    ["no --as", (file: string) => [file], /--as EMAIL/],
    ["an unknown user", (file: string) => [file, "--as", "nobody@example.org"], /No active user/],
    ["a researcher", (file: string) => [file, "--as", researcherEmail], /is a researcher/],
    ["an unknown mode", (file: string) => [file, "--as", annotatorEmail, "--mode", "x"], /mode must be/],
  ])("refuses %s with a message and exit code 1", async (_what, args, message) => {
    const file = claimFile("refused.jsonl", [claimOf("BAKU")]);
    const run = await runCommand("src/cli/import-claims.ts", args(file), { env });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
  });
});
