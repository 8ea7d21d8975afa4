// Agreement at research scale: 1,000 articles × 3 annotators × 20 claims each (60,000 claims),
// every article marked done by all three, beside a baseline that only reads the same rows.
import type pg from "pg";
import type { ServerProcess } from "../helpers/server-process.js";

const ARTICLES = Number(process.env.BENCH_AGREEMENT_ARTICLES ?? 1000);
const ANNOTATORS = 3;
const CLAIMS_EACH = 20;
const SENTENCES = 30;

const sentence = (i: number) =>
  `Speaker ${String(i).padStart(2, "0")} said the talks would resume next week in Geneva. `;
const SENTENCE_LENGTH = sentence(0).length;

/** A project where annotators mostly agree: each picks 20 of 30 sentences, shifted now and then. */
async function seedStudy(client: pg.PoolClient): Promise<number> {
  const body = Array.from({ length: SENTENCES }, (_, i) => sentence(i))
    .join("")
    .trim();
  const project = await client.query<{ id: number }>(
    `INSERT INTO projects (name, updated_at) VALUES ('Agreement bench', now()) RETURNING id`,
  );
  const projectId = project.rows[0]!.id;
  await client.query(
    `INSERT INTO users (email, name, role, password_hash, updated_at)
     SELECT 'coder' || g || '.' || $1::int || '@bench.example', 'Coder ' || g, 'annotator', 'x', now() FROM generate_series(1, $2::int) g`,
    [projectId, ANNOTATORS],
  );
  await client.query(
    `INSERT INTO stance_labels (project_id, key, label, position)
     VALUES ($1, 'favor', 'favor', 0), ($1, 'against', 'against', 1), ($1, 'neutral', 'neutral', 2)`,
    [projectId],
  );
  await client.query(
    `INSERT INTO speakers (project_id, name, updated_at) SELECT $1, 'Person ' || g, now() FROM generate_series(1, 40) g`,
    [projectId],
  );
  await client.query(
    `INSERT INTO articles (project_id, title, body, body_hash, updated_at)
     SELECT $1, 'Study article ' || g, $2 || ' (' || g || ')', md5('study' || $1::int || ':' || g), now()
     FROM generate_series(1, $3::int) g`,
    [projectId, body, ARTICLES],
  );
  await client.query(
    `INSERT INTO sentences (article_id, index, start, "end")
     SELECT a.id, s, s * $2::int, s * $2::int + $2::int - 1 FROM articles a, generate_series(0, $3::int - 1) s
     WHERE a.project_id = $1`,
    [projectId, SENTENCE_LENGTH, SENTENCES],
  );
  // Claim k of a coder covers sentence k (or, one time in six, the next one), sometimes one word
  // shorter; its labels agree with the article's "truth" most of the time.
  await client.query(
    `WITH coder AS (SELECT id FROM users WHERE email LIKE 'coder%.' || $1::int || '@bench.example'),
          st AS (SELECT array_agg(id ORDER BY position) AS ids FROM stance_labels WHERE project_id = $1),
          sp AS (SELECT min(id) AS first FROM speakers WHERE project_id = $1),
          picks AS (
            SELECT a.id AS article_id, coder.id AS annotator_id, k,
                   LEAST(k + (random() < 0.17)::int, $3::int - 1) AS s, random() AS r1, random() AS r2, random() AS r3
            FROM articles a CROSS JOIN coder CROSS JOIN generate_series(0, $4::int - 1) k
            WHERE a.project_id = $1)
     INSERT INTO claims (article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type,
                         speaker_id, stance_id, created_at, updated_at)
     SELECT p.article_id, $1, p.annotator_id, p.s * $2::int,
            p.s * $2::int + $2::int - 1 - CASE WHEN p.r1 < 0.2 THEN 6 ELSE 0 END, 'quote', '', '',
            (CASE WHEN p.r2 < 0.85 THEN (ARRAY['direct','indirect'])[1 + p.k % 2] ELSE 'mixed' END)::"ClaimType",
            sp.first + CASE WHEN p.r3 < 0.9 THEN p.k % 40 ELSE (p.k + 1) % 40 END,
            st.ids[1 + CASE WHEN p.r2 < 0.8 THEN p.k % 3 ELSE (p.k + 1) % 3 END], now(), now()
     FROM picks p CROSS JOIN st CROSS JOIN sp`,
    [projectId, SENTENCE_LENGTH, SENTENCES, CLAIMS_EACH],
  );
  await client.query(
    `INSERT INTO article_completions (article_id, user_id)
     SELECT a.id, u.id FROM articles a, users u
     WHERE a.project_id = $1 AND u.email LIKE 'coder%.' || $1::int || '@bench.example'`,
    [projectId],
  );
  await client.query(`ANALYZE claims; ANALYZE article_completions; ANALYZE sentences`);
  return projectId;
}

/** Reading the rows agreement needs, in SQL alone: what the app's computation is compared with. */
async function readBaseline(pool: pg.Pool, projectId: number): Promise<number> {
  const started = performance.now();
  await pool.query(
    `SELECT c.article_id, c.annotator_id, c.start, c."end", c.type, c.stance_id, c.target_id, c.speaker_id
     FROM claims c JOIN article_completions ac ON ac.article_id = c.article_id AND ac.user_id = c.annotator_id
     WHERE c.project_id = $1 AND c.deleted_at IS NULL`,
    [projectId],
  );
  await pool.query(
    `SELECT s.article_id, s.start, s."end" FROM sentences s JOIN articles a ON a.id = s.article_id WHERE a.project_id = $1`,
    [projectId],
  );
  return performance.now() - started;
}

export async function measureAgreement(pool: pg.Pool, server: ServerProcess, cookie: string) {
  const client = await pool.connect();
  const projectId = await seedStudy(client).finally(() => client.release());
  const times: number[] = [];
  const baselines: number[] = [];
  let report: {
    articles: number;
    sentenceAlpha: { alpha: number };
    span: { micro: { overlapF1: number } };
  } | null = null;
  for (let run = 0; run < 3; run += 1) {
    baselines.push(await readBaseline(pool, projectId));
    const started = performance.now();
    const response = await fetch(`${server.url}/api/v1/projects/${projectId}/agreement`, {
      headers: { cookie },
    });
    if (!response.ok) throw new Error(`agreement answered ${response.status}`);
    report = (await response.json()) as typeof report;
    times.push(performance.now() - started);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[1]!;
  const curation = await measureAcceptExact(pool, server, cookie, projectId);
  return {
    articles: report!.articles,
    claims: ARTICLES * ANNOTATORS * CLAIMS_EACH,
    medianMs: Math.round(median(times)),
    runsMs: times.map(Math.round),
    readRowsBaselineMs: Math.round(median(baselines)),
    ratioToReadingRows: Math.round((median(times) / median(baselines)) * 10) / 10,
    targetMs: 2000,
    sentenceAlpha: Math.round(report!.sentenceAlpha.alpha * 1000) / 1000,
    overlapF1: Math.round(report!.span.micro.overlapF1 * 1000) / 1000,
    acceptExact: curation,
  };
}

/**
 * Curation at the same scale: one request accepts every exact agreement of the project into the
 * gold layer, beside the baseline of finding those agreements with one SELECT (no writes).
 */
async function measureAcceptExact(pool: pg.Pool, server: ServerProcess, cookie: string, projectId: number) {
  const findStarted = performance.now();
  const found = await pool.query<{ groups: number }>(
    `SELECT count(*)::int AS groups FROM (
       SELECT 1 FROM claims c WHERE c.project_id = $1 AND c.layer = 'annotator' AND c.deleted_at IS NULL
       GROUP BY c.article_id, c.start, c."end", c.type, c.speaker_id, c.mention_start, c.mention_end,
                c.cue_start, c.cue_end, c.stance_id, c.target_id
       HAVING count(DISTINCT c.annotator_id) = ${ANNOTATORS} AND count(*) = ${ANNOTATORS}) g`,
    [projectId],
  );
  const baselineMs = performance.now() - findStarted;
  // The bench's user is a researcher: curators are admins and members marked as curators.
  await pool.query(
    `INSERT INTO project_members (project_id, user_id, is_curator)
     SELECT $1, id, true FROM users WHERE email = 'researcher@bench.example'`,
    [projectId],
  );
  const page = await fetch(`${server.url}/profile`, { headers: { cookie } });
  const token = /name="csrf-token" content="([^"]+)"/.exec(await page.text())![1]!;
  const started = performance.now();
  const response = await fetch(`${server.url}/api/v1/projects/${projectId}/accept-exact`, {
    method: "POST",
    headers: { cookie, "x-csrf-token": token, accept: "application/json" },
  });
  if (!response.ok) throw new Error(`accept-exact answered ${response.status}`);
  const outcome = (await response.json()) as { goldClaims: number; sources: number; curated: number };
  const ms = performance.now() - started;
  if (outcome.goldClaims !== found.rows[0]!.groups) {
    throw new Error(
      `accept-exact made ${outcome.goldClaims} gold claims; SQL finds ${found.rows[0]!.groups}`,
    );
  }
  return {
    ...outcome,
    ms: Math.round(ms),
    findInSqlBaselineMs: Math.round(baselineMs),
    ratioToFinding: Math.round((ms / baselineMs) * 10) / 10,
  };
}
