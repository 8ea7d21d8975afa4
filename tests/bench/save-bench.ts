import type { Database } from "../../src/db/database.js";
import { benchWriter } from "./bench-writer.js";
import type { ServerProcess } from "../helpers/server-process.js";

/** Clients sending saves at once, each waiting for its answer before the next. */
const CLIENT_COUNTS = [1, 4, 16] as const;
/** Per level, each route gets this many one-second slices, in turn with the other's. */
const SLICES = Number(process.env.BENCH_SAVE_SLICES ?? 4);
const SLICE_SECONDS = 1;

interface SaveInputs {
  token: string;
  app: { path: string; body: string };
  baseline: { path: string; body: string };
}

/** The everyday claim: a sentence with an existing speaker, mention, cue, stance and target. */
async function saveInputs(db: Database, projectId: number): Promise<SaveInputs> {
  const { token } = await benchWriter(db, projectId, "bench saves");
  const article = await db.prisma.article.findFirstOrThrow({ where: { projectId }, orderBy: { id: "asc" } });
  const speaker = await db.prisma.speaker.findFirstOrThrow({ where: { projectId }, orderBy: { id: "asc" } });
  const stance = await db.prisma.stanceLabel.findFirstOrThrow({ where: { projectId, key: "favor" } });
  const target = await db.prisma.target.findFirstOrThrow({
    where: { projectId },
    orderBy: { position: "asc" },
  });
  const start = article.body.indexOf("Official 3 ");
  const end = start + 60;
  const claim = {
    start,
    end,
    quote: article.body.slice(start, end),
    type: "indirect",
    speaker: { name: speaker.name },
    speakerMention: { start, end: start + 10 },
    cue: { start: start + 11, end: start + 19 },
    stance: stance.key,
    target: target.name,
  };
  const plain = {
    articleId: article.id,
    projectId,
    start,
    end,
    quote: claim.quote,
    prefix: article.body.slice(Math.max(0, start - 32), start),
    suffix: article.body.slice(end, end + 32),
    type: "indirect",
    speakerId: speaker.id,
    mentionStart: start,
    mentionEnd: start + 10,
    cueStart: start + 11,
    cueEnd: start + 19,
    stanceId: stance.id,
    targetId: target.id,
  };
  return {
    token,
    app: { path: `/api/v1/articles/${article.id}/claims`, body: JSON.stringify(claim) },
    baseline: { path: "/api/v1/bench/plain-claims", body: JSON.stringify(plain) },
  };
}

/** Saves and milliseconds with `clients` clients sending for `seconds`. */
async function saves(
  server: ServerProcess,
  token: string,
  route: { path: string; body: string },
  clients: number,
  seconds: number,
) {
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const response = await fetch(`${server.url}${route.path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: route.body,
        });
        await response.arrayBuffer();
        if (response.status !== 201) throw new Error(`${route.path} answered ${response.status}`);
        count += 1;
      }
    }),
  );
  return { saves: count, ms: performance.now() - started };
}

/**
 * Claim creates per second through POST /api/v1/articles/:id/claims at 1, 4 and 16 clients, beside
 * the minimal route with the same authentication and one plain INSERT (BENCH_BASELINE_ROUTES),
 * measured in one-second slices taken in turn at each level, after a second of each not counted.
 */
export async function measureSaves(db: Database, server: ServerProcess, projectId: number) {
  const inputs = await saveInputs(db, projectId);
  const levels: Record<string, { appPerSecond: number; baselinePerSecond: number; ratio: number }> = {};
  for (const clients of CLIENT_COUNTS) {
    // Not counted: both routes open this level's connections and prepare their statements first.
    await saves(server, inputs.token, inputs.baseline, clients, SLICE_SECONDS);
    await saves(server, inputs.token, inputs.app, clients, SLICE_SECONDS);
    // In turn, so that whatever else the machine does falls on both sides alike.
    const totals = { app: { saves: 0, ms: 0 }, baseline: { saves: 0, ms: 0 } };
    for (let slice = 0; slice < SLICES; slice += 1) {
      for (const side of slice % 2 === 0 ? (["baseline", "app"] as const) : (["app", "baseline"] as const)) {
        const run = await saves(server, inputs.token, inputs[side], clients, SLICE_SECONDS);
        totals[side].saves += run.saves;
        totals[side].ms += run.ms;
      }
    }
    const appPerSecond = Math.round((totals.app.saves / totals.app.ms) * 1000);
    const baselinePerSecond = Math.round((totals.baseline.saves / totals.baseline.ms) * 1000);
    levels[clients] = {
      appPerSecond,
      baselinePerSecond,
      ratio: Math.round((appPerSecond / baselinePerSecond) * 100) / 100,
    };
  }
  return levels;
}
