import fs from "node:fs";
import os from "node:os";
import { Readable } from "node:stream";
import type pg from "pg";
import type { Database } from "../../src/db/database.js";
import { openDatabase } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrations.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { benchWriter } from "./bench-writer.js";
import { emptyDataDir, removeDataDir } from "../helpers/data-dir.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";

/** Lines per plain INSERT in the baseline: the app's own batch size. */
const BASELINE_BATCH = 1_000;

interface BenchArticle {
  id: number;
  body: string;
}

interface Labels {
  speakers: { id: number; name: string }[];
  stances: { id: number; key: string }[];
  targets: { id: number; name: string }[];
}

/** The i-th claim of the upload: a sentence of an article, with speaker, mention, cue, stance and target. */
function claimLine(i: number, articles: BenchArticle[], labels: Labels) {
  const article = articles[i % articles.length]!;
  const sentence = i % 30;
  const sentenceStart = article.body.indexOf(`Official ${sentence} `);
  const start = sentenceStart;
  const end = start + 60;
  const speaker = labels.speakers[i % labels.speakers.length]!;
  return {
    articleId: article.id,
    start,
    end,
    quote: article.body.slice(start, end),
    type: (["direct", "indirect", "mixed", "outlet"] as const)[i % 4],
    speaker: { name: speaker.name },
    speakerMention: { start, end: start + 8 },
    cue: {
      start: start + `Official ${sentence} `.length,
      end: start + `Official ${sentence} stressed`.length,
    },
    stance: labels.stances[i % labels.stances.length]!.key,
    target: labels.targets[i % labels.targets.length]!.name,
    note: i % 10 === 0 ? "bulk" : "",
  };
}

function* jsonLines(count: number, articles: BenchArticle[], labels: Labels): Generator<string> {
  let chunk = "";
  for (let i = 0; i < count; i += 1) {
    chunk += `${JSON.stringify(claimLine(i, articles, labels))}\n`;
    if (chunk.length > 64_000) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

function residentMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Uploads `count` lines to the server; answers the time to the summary line and the server's peak memory. */
async function upload(
  server: ServerProcess,
  token: string,
  count: number,
  articles: BenchArticle[],
  labels: Labels,
) {
  const pid = server.process.pid!;
  const rssBefore = residentMb(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, residentMb(pid))), 50);
  const started = performance.now();
  const response = await fetch(`${server.url}/api/v1/claims/bulk?mode=all`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
    body: Readable.toWeb(Readable.from(jsonLines(count, articles, labels))) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  let tail = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    tail = (tail + Buffer.from(chunk).toString("utf8")).slice(-2_000);
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  const summary = JSON.parse(tail.trimEnd().split("\n").at(-1)!).summary as {
    stored: number;
    message: string;
  };
  if (summary.stored !== count)
    throw new Error(`bulk upload stored ${summary.stored} of ${count}: ${summary.message}`);
  return { ms, rssBeforeMb: Math.round(rssBefore), rssPeakMb: Math.round(rssPeak) };
}

async function benchInputs(db: Database, projectId: number) {
  const { annotator, token } = await benchWriter(db, projectId, "bench bulk");
  const articles = await db.prisma.article.findMany({
    where: { projectId },
    select: { id: true, body: true },
    orderBy: { id: "asc" },
    take: 200,
  });
  const labels: Labels = {
    speakers: await db.prisma.speaker.findMany({
      where: { projectId },
      select: { id: true, name: true },
      take: 200,
    }),
    stances: await db.prisma.stanceLabel.findMany({
      where: { projectId, retired: false },
      select: { id: true, key: true },
    }),
    targets: await db.prisma.target.findMany({
      where: { projectId, retired: false },
      select: { id: true, name: true },
    }),
  };
  return { annotator, token, articles, labels };
}

/** The same rows as plain batched INSERTs over one connection, in one transaction: no checks, no audit. */
async function plainInsert(
  pool: pg.Pool,
  count: number,
  annotatorId: number,
  articles: BenchArticle[],
  labels: Labels,
): Promise<number> {
  const projectOf = new Map<number, number>();
  const client = await pool.connect();
  try {
    for (const row of (
      await client.query<{ id: number; project_id: number }>(
        `SELECT id, project_id FROM articles WHERE id = ANY($1)`,
        [articles.map((a) => a.id)],
      )
    ).rows)
      projectOf.set(row.id, row.project_id);
    const started = performance.now();
    await client.query("BEGIN");
    for (let from = 0; from < count; from += BASELINE_BATCH) {
      const columns: unknown[][] = Array.from({ length: 16 }, () => []);
      for (let i = from; i < Math.min(count, from + BASELINE_BATCH); i += 1) {
        const line = claimLine(i, articles, labels);
        const body = articles[i % articles.length]!.body;
        const values = [
          line.articleId,
          projectOf.get(line.articleId),
          line.start,
          line.end,
          line.quote,
          body.slice(Math.max(0, line.start - 32), line.start),
          body.slice(line.end, line.end + 32),
          line.type,
          labels.speakers[i % labels.speakers.length]!.id,
          line.speakerMention.start,
          line.speakerMention.end,
          line.cue.start,
          line.cue.end,
          labels.stances[i % labels.stances.length]!.id,
          labels.targets[i % labels.targets.length]!.id,
          line.note,
        ];
        values.forEach((value, column) => columns[column]!.push(value));
      }
      await client.query(
        `INSERT INTO claims (article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type, speaker_id,
                             mention_start, mention_end, cue_start, cue_end, stance_id, target_id, note, updated_at)
         SELECT a, p, $17, s, e, q, pre, suf, t::"ClaimType", sp, ms, me, cs, ce, st, tg, n, now()
         FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::int[], $10::int[], $11::int[], $12::int[], $13::int[], $14::int[], $15::int[], $16::text[])
              AS r(a, p, s, e, q, pre, suf, t, sp, ms, me, cs, ce, st, tg, n)`,
        [...columns, annotatorId],
      );
    }
    await client.query("COMMIT");
    return performance.now() - started;
  } finally {
    client.release();
  }
}

/**
 * POST /api/v1/claims/bulk of `lines` claims on the Postgres server, beside plain batched INSERTs
 * of the same rows in the same run; then the same upload, smaller, on the
 * embedded database. Each side three times, in turn; the medians are compared.
 */
export async function measureBulk(db: Database, server: ServerProcess, projectId: number, lines: number) {
  const { annotator, token, articles, labels } = await benchInputs(db, projectId);
  const load = () => Math.round(os.loadavg()[0]! * 100) / 100;
  const loadBefore = load();
  const baselines: number[] = [];
  const uploads: Awaited<ReturnType<typeof upload>>[] = [];
  for (let run = 0; run < 3; run += 1) {
    baselines.push(await plainInsert(db.pool!, lines, annotator.id, articles, labels));
    uploads.push(await upload(server, token, lines, articles, labels));
  }
  const baselineMs = [...baselines].sort((a, b) => a - b)[1]!;
  const middle = [...uploads].sort((a, b) => a.ms - b.ms)[1]!;
  const appPerSecond = Math.round((lines / middle.ms) * 1000);
  const plainPerSecond = Math.round((lines / baselineMs) * 1000);
  return {
    lines,
    appClaimsPerSecond: appPerSecond,
    plainInsertRowsPerSecond: plainPerSecond,
    ratioToPlainInsert: Math.round((appPerSecond / plainPerSecond) * 100) / 100,
    appSeconds: Math.round(middle.ms) / 1000,
    plainInsertSeconds: Math.round(baselineMs) / 1000,
    serverRssBeforeMb: middle.rssBeforeMb,
    serverRssPeakMb: Math.max(...uploads.map((run) => run.rssPeakMb)),
    load: Math.max(loadBefore, load()),
  };
}

/** The same upload on the embedded database (PGlite), from a server process as `npm start` runs it. */
export async function measureBulkEmbedded(lines: number) {
  const dataDir = emptyDataDir("claimant-bench-bulk-");
  try {
    const db = await openDatabase({ dataDir });
    await applyMigrations(db);
    const admin = await db.prisma.user.create({
      data: { email: "bulk@bench.example", name: "Bulk", role: "annotator", passwordHash: "x" },
    });
    const project = await db.prisma.project.create({ data: { name: "Bulk" } });
    await db.prisma.projectMember.create({ data: { projectId: project.id, userId: admin.id } });
    await db.prisma.stanceLabel.createMany({
      data: ["favor", "against"].map((key, position) => ({
        projectId: project.id,
        key,
        label: key,
        position,
      })),
    });
    await db.prisma.target.createMany({
      data: ["Armenia", "ceasefire"].map((name, position) => ({ projectId: project.id, name, position })),
    });
    const sentence = (i: number) =>
      `Official ${i} stressed that the ceasefire agreement "must be respected by all parties". `;
    const body = Array.from({ length: 30 }, (_, i) => sentence(i)).join("");
    for (let i = 0; i < 20; i += 1) {
      await db.prisma.article.create({
        data: { projectId: project.id, title: `A${i}`, body: `${body}(${i})`, bodyHash: `bench-${i}` },
      });
    }
    const { token } = await createApiToken(db.prisma, admin.id, "bench", "write");
    const articles = await db.prisma.article.findMany({
      select: { id: true, body: true },
      orderBy: { id: "asc" },
    });
    const labels: Labels = {
      speakers: Array.from({ length: 50 }, (_, i) => ({ id: 0, name: `Speaker ${i}` })),
      stances: await db.prisma.stanceLabel.findMany({ select: { id: true, key: true } }),
      targets: await db.prisma.target.findMany({ select: { id: true, name: true } }),
    };
    await db.close();
    const server = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: "warn", NODE_ENV: "production" });
    try {
      const run = await upload(server, token, lines, articles, labels);
      return {
        lines,
        claimsPerSecond: Math.round((lines / run.ms) * 1000),
        seconds: Math.round(run.ms) / 1000,
        serverRssPeakMb: run.rssPeakMb,
      };
    } finally {
      await server.stop();
    }
  } finally {
    removeDataDir(dataDir);
  }
}
