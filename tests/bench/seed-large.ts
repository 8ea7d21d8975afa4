import type pg from "pg";

/**
 * Fills a fresh database with a project of `articles` articles and `claims` claims, in SQL
 * (generate_series), the way a busy newsroom project looks after a few years.
 */
export async function seedLarge(client: pg.PoolClient, counts: { articles: number; claims: number }) {
  const sentence = (i: number) =>
    `Official ${i} stressed that the ceasefire agreement "must be respected by all parties", according to the ministry. `;
  const body = Array.from({ length: 30 }, (_, i) => sentence(i))
    .join("")
    .trim();
  await client.query(`INSERT INTO users (email, name, role, password_hash, updated_at)
    SELECT 'annotator' || g || '@bench.example', 'Annotator ' || g, 'annotator', 'x', now() FROM generate_series(1, 20) g`);
  await client.query(
    `INSERT INTO users (email, name, role, password_hash, updated_at)
    VALUES ('researcher@bench.example', 'Researcher', 'researcher', $1, now())`,
    [await researcherHash()],
  );
  const project = await client.query<{ id: number }>(
    `INSERT INTO projects (name, updated_at) VALUES ('Bench', now()) RETURNING id`,
  );
  const projectId = project.rows[0]!.id;
  await client.query(
    `INSERT INTO stance_labels (project_id, key, label, position)
    VALUES ($1, 'favor', 'favor', 0), ($1, 'against', 'against', 1), ($1, 'neutral', 'neutral', 2), ($1, 'unclear', 'unclear', 3)`,
    [projectId],
  );
  await client.query(
    `INSERT INTO targets (project_id, name, position)
    VALUES ($1, 'Azerbaijan', 0), ($1, 'Armenia', 1), ($1, 'ceasefire', 2)`,
    [projectId],
  );
  await client.query(
    `INSERT INTO speakers (project_id, name, role, aliases, updated_at)
    SELECT $1, 'Speaker ' || g, 'Minister', ARRAY['S' || g], now() FROM generate_series(1, 200) g`,
    [projectId],
  );
  await client.query(
    `INSERT INTO articles (project_id, title, body, body_hash, outlet, url, published_at, updated_at)
     SELECT $1, 'Article ' || g, $2 || ' (' || g || ')', md5(g::text), 'Bench Wire', 'https://bench.example/' || g,
            timestamp '2020-01-01' + (g % 1000) * interval '1 day', now()
     FROM generate_series(1, $3::int) g`,
    [projectId, body, counts.articles],
  );
  // The hand-made indexes are built once after the bulk insert: much faster than row by row.
  await client.query(`DROP INDEX IF EXISTS claims_quote_fts_idx`);
  await client.query(`DROP INDEX IF EXISTS claims_live_speaker_idx`);
  await client.query(
    `WITH a AS (SELECT id, body, row_number() OVER (ORDER BY id) - 1 AS n FROM articles WHERE project_id = $1),
          u AS (SELECT min(id) AS first FROM users WHERE role = 'annotator'),
          s AS (SELECT min(id) AS first FROM speakers WHERE project_id = $1),
          st AS (SELECT min(id) AS first FROM stance_labels WHERE project_id = $1),
          t AS (SELECT min(id) AS first FROM targets WHERE project_id = $1)
     INSERT INTO claims (article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type, speaker_id,
                         stance_id, target_id, note, created_at, updated_at)
     SELECT a.id, $1, u.first + g % 20, (g % 30) * ${sentence(0).length}, (g % 30) * ${sentence(0).length} + 60,
            substr(a.body, (g % 30) * ${sentence(0).length} + 1, 60),
            substr(a.body, greatest(1, (g % 30) * ${sentence(0).length} - 31), least(32, (g % 30) * ${sentence(0).length})),
            substr(a.body, (g % 30) * ${sentence(0).length} + 61, 32),
            (ARRAY['direct','indirect','mixed','outlet'])[1 + g % 4]::"ClaimType", s.first + g % 200,
            st.first + g % 4, t.first + g % 3, CASE WHEN g % 10 = 0 THEN 'checked, "quoted", twice' ELSE '' END,
            timestamp '2024-01-01' + g * interval '1 second', now()
     FROM generate_series(0, $2::int - 1) g
     JOIN a ON a.n = g % $3::int
     CROSS JOIN u CROSS JOIN s CROSS JOIN st CROSS JOIN t`,
    [projectId, counts.claims, counts.articles],
  );
  await client.query(`CREATE INDEX claims_quote_fts_idx ON claims USING GIN (to_tsvector('english', quote))`);
  await client.query(
    `CREATE INDEX claims_live_speaker_idx ON claims (speaker_id, id) INCLUDE (project_id) WHERE deleted_at IS NULL`,
  );
  // Sets the visibility map too, as autovacuum would soon: counts become index-only scans.
  await client.query(`VACUUM ANALYZE`);
  return projectId;
}

export const RESEARCHER_PASSWORD = "bench researcher password";

async function researcherHash(): Promise<string> {
  const { hashPassword } = await import("../../src/auth/passwords.js");
  return hashPassword(RESEARCHER_PASSWORD);
}
