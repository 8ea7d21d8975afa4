import type { Database } from "../../src/db/database.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import type { ServerProcess } from "../helpers/server-process.js";

/** Clients sending saves at once, each waiting for its answer before the next. */
const CLIENT_COUNTS = [1, 4, 16] as const;
const SECONDS_PER_LEVEL = Number(process.env.BENCH_SAVE_SECONDS ?? 6);

interface SaveInputs {
  token: string;
  app: { path: string; body: string };
  baseline: { path: string; body: string };
}

/** The everyday claim: a sentence with an existing speaker, mention, cue, stance and target. */
async function saveInputs(db: Database, projectId: number): Promise<SaveInputs> {
  const annotator = await db.prisma.user.findFirstOrThrow({
    where: { role: "annotator" },
    orderBy: { id: "asc" },
  });
  await db.prisma.projectMember.upsert({
    where: { projectId_userId: { projectId, userId: annotator.id } },
    create: { projectId, userId: annotator.id },
    update: {},
  });
  const { token } = await createApiToken(db.prisma, annotator.id, "bench saves", "write");
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

/** Saves per second with `clients` clients sending for SECONDS_PER_LEVEL seconds. */
async function savesPerSecond(
  server: ServerProcess,
  token: string,
  route: { path: string; body: string },
  clients: number,
) {
  const deadline = performance.now() + SECONDS_PER_LEVEL * 1000;
  let saves = 0;
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
        saves += 1;
      }
    }),
  );
  return Math.round((saves / (performance.now() - started)) * 1000);
}

/**
 * Claim creates per second through POST /api/v1/articles/:id/claims at 1, 4 and 16 clients, beside
 * the minimal route with the same authentication and one plain INSERT (BENCH_BASELINE_ROUTES),
 * measured in turn at each level.
 */
export async function measureSaves(db: Database, server: ServerProcess, projectId: number) {
  const inputs = await saveInputs(db, projectId);
  const levels: Record<string, { appPerSecond: number; baselinePerSecond: number; ratio: number }> = {};
  for (const clients of CLIENT_COUNTS) {
    const baselinePerSecond = await savesPerSecond(server, inputs.token, inputs.baseline, clients);
    const appPerSecond = await savesPerSecond(server, inputs.token, inputs.app, clients);
    levels[clients] = {
      appPerSecond,
      baselinePerSecond,
      ratio: Math.round((appPerSecond / baselinePerSecond) * 100) / 100,
    };
  }
  return levels;
}
