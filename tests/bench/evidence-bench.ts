// What the suggester learns from a project (src/suggestions/project-evidence.query.ts), read on the
// 1,000,000-claim project: first as seeded (no claim has a cue or mention, the worst case: every
// row is looked at and none qualifies), then with a cue and mention on every tenth claim, each
// beside a baseline that reads the newest 5,000 claim ids of the project.
import type pg from "pg";
import type { Database } from "../../src/db/database.js";
import { CONFIRMED_CLAIMS_READ, projectEvidence } from "../../src/suggestions/project-evidence.query.js";

async function medianOf(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return Math.round(times.sort((a, b) => a - b)[Math.floor(runs / 2)]! * 10) / 10;
}

export async function measureEvidence(db: Database, pool: pg.Pool, projectId: number) {
  const admin = { id: 0, role: "admin" as const };
  const baseline = () =>
    pool.query(
      `SELECT id FROM claims WHERE project_id = $1 AND deleted_at IS NULL ORDER BY id DESC LIMIT ${CONFIRMED_CLAIMS_READ}`,
      [projectId],
    );
  await baseline();
  const baselineMs = await medianOf(5, baseline);
  const noCuesMs = await medianOf(5, () => projectEvidence(db.prisma, admin, projectId));
  // Every tenth claim gets the cue and mention its quote holds ("stressed", "Official").
  await pool.query(
    `UPDATE claims SET cue_start = start + 11, cue_end = start + 19, mention_start = start, mention_end = start + 8
     WHERE project_id = $1 AND id % 10 = 0`,
    [projectId],
  );
  await pool.query("VACUUM ANALYZE claims");
  const withCuesMs = await medianOf(5, () => projectEvidence(db.prisma, admin, projectId));
  const evidence = await projectEvidence(db.prisma, admin, projectId);
  await pool.query(
    `UPDATE claims SET cue_start = NULL, cue_end = NULL, mention_start = NULL, mention_end = NULL
     WHERE project_id = $1 AND id % 10 = 0`,
    [projectId],
  );
  return {
    baselineMs,
    noConfirmedCuesMs: noCuesMs,
    everyTenthConfirmedMs: withCuesMs,
    ratioNoCues: Math.round((noCuesMs / baselineMs) * 10) / 10,
    ratioEveryTenth: Math.round((withCuesMs / baselineMs) * 10) / 10,
    learnedMentions: evidence.mentions.size,
  };
}
