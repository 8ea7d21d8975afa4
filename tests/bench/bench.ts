// npm run bench: measures against a real Postgres server, reporting ratios against baselines
// measured in the same run. BENCH_CLAIMS (default 1,000,000) and BENCH_DATABASE_URL (default
// TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres) change the set-up;
// BENCH_ONLY (a comma-separated list of suggestions, export, claims, speakers, workspace, agreement,
// bulk, save, evidence, reanchor) runs only those parts; suggestions and reanchor need no database.
// BENCH_BULK_LINES (default 250,000) and BENCH_BULK_EMBEDDED_LINES (default 20,000) size the bulk
// claims uploads.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { buildClient } from "../../src/client/build.js";
import { claimsExportQuery, inlineParameters } from "../../src/exports/export-query.js";
import { openDatabase } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrations.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { RESEARCHER_PASSWORD, seedLarge } from "./seed-large.js";
import { measureAgreement } from "./agreement-bench.js";
import { measureSpeakers, seedSpeakers } from "./speaker-bench.js";
import { measureWorkspace } from "./workspace-bench.js";
import { measureSuggestions } from "./suggestions-bench.js";
import { measureBulk, measureBulkEmbedded } from "./bulk-bench.js";
import { measureSaves } from "./save-bench.js";
import { measureEvidence } from "./evidence-bench.js";
import { measureReanchor } from "./reanchor-bench.js";
import { benchRows, benchTable } from "./report.js";

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 1_000_000);
const ARTICLES = Math.max(10, Math.round(CLAIMS / 500));
const adminUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgresql://postgres@127.0.0.1:5432/postgres";
const results: Record<string, unknown> = { claims: CLAIMS, articles: ARTICLES, node: process.version };
const parts = [
  "suggestions",
  "export",
  "claims",
  "speakers",
  "workspace",
  "agreement",
  "bulk",
  "save",
  "evidence",
  "reanchor",
] as const;
const BULK_LINES = Number(process.env.BENCH_BULK_LINES ?? 250_000);
const BULK_EMBEDDED_LINES = Number(process.env.BENCH_BULK_EMBEDDED_LINES ?? 20_000);
const only = process.env.BENCH_ONLY?.split(",").map((part) => part.trim());
const unknownPart = only?.find((part) => !(parts as readonly string[]).includes(part));
if (unknownPart) throw new Error(`BENCH_ONLY: no part "${unknownPart}"; choose from ${parts.join(", ")}`);
const runs = (part: (typeof parts)[number]) => !only || only.includes(part);

function log(message: string) {
  process.stderr.write(`[bench] ${message}\n`);
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function withDatabase(work: (url: string) => Promise<void>) {
  const name = `claimant_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** Postgres's own COPY of the same SELECT, without the app: the baseline. */
async function copyBaseline(pool: pg.Pool): Promise<{ ms: number; bytes: number }> {
  const viewer = {
    id: 0,
    email: "",
    name: "",
    role: "admin" as const,
    version: 0,
    mustChangePassword: false,
  };
  const sql = inlineParameters(claimsExportQuery({}, viewer));
  const client = await pool.connect();
  try {
    const [bytes, ms] = await timed(
      () =>
        new Promise<number>((resolve, reject) => {
          let count = 0;
          const stream = client.query(copyTo(`COPY (${sql}) TO STDOUT WITH (FORMAT csv, HEADER true)`));
          stream.on("data", (chunk: Buffer) => (count += chunk.length));
          stream.on("end", () => resolve(count));
          stream.on("error", reject);
        }),
    );
    return { ms, bytes };
  } finally {
    client.release();
  }
}

async function logIn(server: ServerProcess): Promise<string> {
  const page = await fetch(`${server.url}/login`);
  const cookie = page.headers.get("set-cookie")!.split(";")[0]!;
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const response = await fetch(`${server.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      email: "researcher@bench.example",
      password: RESEARCHER_PASSWORD,
      _csrf: token,
    }),
  });
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

function residentMemoryKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

async function appExport(server: ServerProcess, cookie: string, format: "csv" | "jsonl" | "jsonld" = "csv") {
  const pid = server.process.pid!;
  const before = residentMemoryKb(pid, "VmRSS");
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, residentMemoryKb(pid, "VmRSS"))), 25);
  const started = performance.now();
  const response = await fetch(`${server.url}/export/claims.${format}`, { headers: { cookie } });
  let firstByteMs = 0;
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (bytes === 0) firstByteMs = performance.now() - started;
    bytes += chunk.length;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  return { ms, firstByteMs, bytes, rssBeforeMb: before / 1024, rssPeakMb: peak / 1024 };
}

async function claimsPage(server: ServerProcess, cookie: string, projectId: number) {
  const paths = {
    firstPage: `/claims?project=${projectId}`,
    filtered: `/claims?project=${projectId}&stance=favor&type=direct&target=Armenia`,
    fullText: `/claims?project=${projectId}&q=ceasefire&stance=against`,
    apiFiltered: `/api/v1/claims?project=${projectId}&stance=favor&type=direct`,
    countFiltered: `/claims/count?project=${projectId}&stance=favor&type=direct`,
    countAll: `/claims/count?project=${projectId}`,
  };
  const figures: Record<string, { medianMs: number; p95Ms: number }> = {};
  for (const [name, path] of Object.entries(paths)) {
    const times: number[] = [];
    for (let run = 0; run < 15; run += 1) {
      const [response, ms] = await timed(() => fetch(`${server.url}${path}`, { headers: { cookie } }));
      if (!response.ok) throw new Error(`${path} answered ${response.status}`);
      await response.arrayBuffer();
      times.push(ms);
    }
    const sorted = [...times].sort((a, b) => a - b);
    figures[name] = {
      medianMs: Math.round(median(times)),
      p95Ms: Math.round(sorted[Math.floor(sorted.length * 0.95)]!),
    };
  }
  return figures;
}

/** The machine's load when a figure was taken: figures move with what else runs. */
function load(): number {
  return Math.round(os.loadavg()[0]! * 100) / 100;
}

/**
 * Each export format against Postgres's own COPY of the same rows as CSV, taken in turn three
 * times (the medians compared), from the compiled server as production runs it (npm run build,
 * npm run start:prod), its heap held to 256 MB as a small container's would be: an export that
 * kept rows in memory would kill it.
 */
async function measureExports(pool: pg.Pool, url: string) {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"]);
  const server = await startServerProcess(
    {
      DATABASE_URL: url,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      NODE_OPTIONS: "--max-old-space-size=256",
    },
    { built: true },
  );
  const figures: Record<string, Record<string, number>> = {};
  try {
    const cookie = await logIn(server);
    // The seed's writes are flushed first, so that no checkpoint lands on one side only.
    await pool.query("CHECKPOINT");
    for (const format of ["csv", "jsonl", "jsonld"] as const) {
      log(`export ${format}: Postgres COPY (CSV) and the app's export, in turn, three times each (medians)`);
      const loadBefore = load();
      const copies = [];
      const exportsRun = [];
      for (let run = 0; run < 3; run += 1) {
        copies.push(await copyBaseline(pool));
        exportsRun.push(await appExport(server, cookie, format));
      }
      const copyMs = median(copies.map((run) => run.ms));
      const appMs = median(exportsRun.map((run) => run.ms));
      figures[format] = {
        copySeconds: Math.round(copyMs) / 1000,
        appSeconds: Math.round(appMs) / 1000,
        throughputOfCopy: Math.round((copyMs / appMs) * 100) / 100,
        appFirstByteMs: Math.round(median(exportsRun.map((run) => run.firstByteMs))),
        megabytes: Math.round(exportsRun[0]!.bytes / 1e5) / 10,
        appRssBeforeMb: Math.round(exportsRun[0]!.rssBeforeMb),
        appRssPeakMb: Math.round(Math.max(...exportsRun.map((run) => run.rssPeakMb))),
        heapLimitMb: 256,
        load: Math.max(loadBefore, load()),
      };
    }
  } finally {
    await server.stop();
  }
  return figures;
}

if (runs("suggestions")) {
  log("suggestions: the built-in suggester on a 10,000-word article, beside splitting it into sentences");
  results.suggestions = measureSuggestions();
}
if (runs("reanchor")) {
  log("re-anchoring: 5,000 claim spans of a 10,000-word article moved to a corrected revision");
  results.reanchor = measureReanchor();
}
const needsDatabase = parts.some((part) => part !== "suggestions" && part !== "reanchor" && runs(part));

// The workspace measurement opens pages: their scripts are bundled from the current sources.
if (needsDatabase) await buildClient();
if (needsDatabase)
  await withDatabase(async (url) => {
    const db = await openDatabase({ url, poolSize: 4 });
    await applyMigrations(db);
    log(`seeding ${CLAIMS.toLocaleString("en")} claims over ${ARTICLES.toLocaleString("en")} articles`);
    const client = await db.pool!.connect();
    const [projectId, seedMs] = await timed(() => seedLarge(client, { articles: ARTICLES, claims: CLAIMS }));
    const namedSpeakers = await seedSpeakers(client, projectId);
    client.release();
    results.seedSeconds = Math.round(seedMs / 100) / 10;

    const server = await startServerProcess({
      DATABASE_URL: url,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      BENCH_BASELINE_ROUTES: "true",
    });
    try {
      const cookie = await logIn(server);
      if (runs("export")) results.exports = await measureExports(db.pool!, url);
      if (runs("claims")) {
        log("claims page and API, 15 requests each");
        results.claimsPage = await claimsPage(server, cookie, projectId);
      }
      if (runs("speakers")) {
        log("speaker search: picker, suggestions, Claims filter and speakers page, beside baselines");
        results.speakerSearch = await measureSpeakers(server, cookie, db.pool!, projectId, namedSpeakers);
      }
      if (runs("workspace")) {
        log("workspace: 10,000-word article with 5,000 claims");
        results.workspace = await measureWorkspace(db, server, cookie, projectId);
      }
      if (runs("agreement")) {
        log("agreement: 1,000 articles × 3 annotators × 20 claims, beside reading the same rows");
        results.agreement = await measureAgreement(db.pool!, server, cookie);
      }
      if (runs("evidence")) {
        log("suggestions' project evidence: the newest 5,000 confirmed claims, beside reading 5,000 ids");
        results.evidence = await measureEvidence(db, db.pool!, projectId);
      }
      if (runs("save")) {
        log(
          "claim saves: creates per second at 1, 4 and 16 clients, beside one plain INSERT behind the same auth",
        );
        results.save = await measureSaves(db, server, projectId);
      }
      if (runs("bulk")) {
        log(
          `bulk claims: ${BULK_LINES.toLocaleString("en")} lines through the API, beside plain batched INSERTs`,
        );
        results.bulk = await measureBulk(db, server, projectId, BULK_LINES);
      }
    } finally {
      await server.stop();
      await db.close();
    }
  });

if (runs("bulk") && BULK_EMBEDDED_LINES > 0) {
  log(`bulk claims on the embedded database: ${BULK_EMBEDDED_LINES.toLocaleString("en")} lines`);
  results.bulkEmbedded = await measureBulkEmbedded(BULK_EMBEDDED_LINES);
}

console.log(JSON.stringify(results, null, 2));
const rows = benchRows(results);
console.log(`\n${benchTable(rows)}`);
const missed = rows.filter((row) => !row.met);
if (missed.length) {
  log(
    `missed ${missed.length} ${missed.length === 1 ? "target" : "targets"}: ${missed.map((row) => row.figure).join("; ")}`,
  );
  process.exitCode = 1;
}
