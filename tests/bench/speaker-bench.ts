import type pg from "pg";
import { Prisma } from "../../src/generated/prisma/client.js";
import { speakerSearchSql } from "../../src/speakers/speakers.search.js";
import type { ServerProcess } from "../helpers/server-process.js";

const FIRST = [
  "Zoë",
  "Rafael",
  "Raffaella",
  "Jane",
  "John",
  "José",
  "Søren",
  "Łukasz",
  "Ana",
  "Ólafur",
  "Hikmet",
  "Ilham",
  "Nikol",
  "Jeyhun",
  "Anna",
  "Björn",
  "Chloé",
  "Mehmet",
  "François",
  "Ingrid",
];
const LAST = [
  "Müller",
  "Ortiz",
  "Ortolani",
  "Doe",
  "García",
  "Kierkegaard",
  "Wałęsa",
  "Grímsson",
  "Hajiyev",
  "Aliyev",
  "Pashinyan",
  "Bayramov",
  "Smith",
  "Öztürk",
  "Dubois",
  "Johansson",
  "Nowak",
  "Novák",
  "Petrović",
  "Jensen",
];

/** Extra speakers without claims, named like people (accents, initials), beside the seed's 200. */
export const EXTRA_SPEAKERS = 5_000;

/**
 * Speakers to look for in a project of a million claims: 5,000 more speakers ("Zoë K. Müller"),
 * and two whose claims are taken from the seed's speakers: "Zoë Müller" (1 claim in 1,000) and the
 * rarely quoted "Rafael Ortiz" (1 in 100,000), the hard case for a filter that walks newest first.
 */
export async function seedSpeakers(client: pg.PoolClient, projectId: number) {
  await client.query(
    `INSERT INTO speakers (project_id, name, role, aliases, updated_at)
     SELECT $1, f.name || ' ' || chr(65 + (g / 400) % 26) || '. ' || l.name, 'Official', ARRAY[]::text[], now()
     FROM generate_series(0, $2::int - 1) g
     JOIN unnest($3::text[]) WITH ORDINALITY AS f(name, n) ON f.n = 1 + g % 20
     JOIN unnest($4::text[]) WITH ORDINALITY AS l(name, n) ON l.n = 1 + (g / 20) % 20`,
    [projectId, EXTRA_SPEAKERS, FIRST, LAST],
  );
  const named = await client.query<{ id: number; name: string }>(
    `INSERT INTO speakers (project_id, name, role, aliases, updated_at)
     VALUES ($1, 'Zoë Müller', 'Mayor', ARRAY['Frau Müller'], now()), ($1, 'Rafael Ortiz', 'Spokesman', ARRAY['R. Ortiz'], now())
     RETURNING id, name`,
    [projectId],
  );
  const zoe = named.rows.find((row) => row.name === "Zoë Müller")!.id;
  const ortiz = named.rows.find((row) => row.name === "Rafael Ortiz")!.id;
  await client.query(`UPDATE claims SET speaker_id = $1 WHERE id % 1000 = 7`, [zoe]);
  await client.query(`UPDATE claims SET speaker_id = $1 WHERE id % 100000 = 3`, [ortiz]);
  await client.query(`VACUUM ANALYZE speakers`);
  await client.query(`VACUUM ANALYZE claims`);
  return { zoe, ortiz };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(run: () => Promise<unknown>, times = 15) {
  const ms: number[] = [];
  await run(); // warm: compiled query shapes, cached plans
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    medianMs: Math.round(median(ms) * 10) / 10,
    p95Ms: Math.round(sorted[Math.floor(sorted.length * 0.95)]! * 10) / 10,
  };
}

/** The speaker search through the app, each beside a baseline taken in the same run. */
export async function measureSpeakers(
  server: ServerProcess,
  cookie: string,
  pool: pg.Pool,
  projectId: number,
  ids: { zoe: number; ortiz: number },
) {
  const get = (path: string) => async () => {
    const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    return response.text();
  };
  const sql = (text: string, values: unknown[]) => async () => (await pool.query(text, values)).rows;
  const picker = (q: string) => `/api/v1/projects/${projectId}/speakers?q=${encodeURIComponent(q)}`;
  const claims = (speaker: string | number) =>
    `/claims?project=${projectId}&speaker=${encodeURIComponent(String(speaker))}`;
  const count = (speaker: string | number) =>
    `/claims/count?project=${projectId}&speaker=${encodeURIComponent(String(speaker))}`;

  const found = JSON.parse(await get(picker("muller"))()) as { speakers: { name: string }[] };
  if (found.speakers[0]?.name !== "Zoë Müller") throw new Error(`muller found ${found.speakers[0]?.name}`);

  const plan = async (text: string, values: unknown[]) => {
    const rows = (await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE) ${text}`, values)).rows;
    const lines = rows.map((row) => row["QUERY PLAN"]);
    return {
      usesSearchIndex: lines.some((line) => line.includes("speakers_search_idx")),
      executionMs: Number(/Execution Time: ([\d.]+)/.exec(lines.join("\n"))?.[1]),
    };
  };
  const words = `speaker_words(s.name, s.aliases) @@
    (SELECT string_agg(quote_literal(w) || ':*', ' & ')::tsquery FROM unnest(string_to_array(search_fold($2), ' ')) AS w)`;

  return {
    speakers: EXTRA_SPEAKERS + 202,
    picker: {
      "q=muller (about 250 speakers match)": await measure(get(picker("muller"))),
      "q=zoe mul": await measure(get(picker("zoe mul"))),
      "q=raf ort": await measure(get(picker("raf ort"))),
      "q=speaker (the 200 speakers holding 1M claims: every claim counted)": await measure(
        get(picker("speaker")),
      ),
      "the same search as direct SQL, q=muller": await measure(async () => {
        const query = speakerSearchSql(Prisma.sql`s.project_id = ${projectId}`, "muller", 20);
        return (await pool.query(query.text, query.values)).rows;
      }),
      "baseline: HTTP floor, GET /healthz": await measure(get("/healthz")),
      baselineExactNameLookup: await measure(
        sql(
          `SELECT s.id, s.name, (SELECT count(*) FROM claims c WHERE c.speaker_id = s.id AND c.deleted_at IS NULL)
           FROM speakers s WHERE s.project_id = $1 AND s.name = $2`,
          [projectId, "Zoë Müller"],
        ),
      ),
      baselineOldSubstringSearch: await measure(
        sql(
          `SELECT s.id, s.name FROM speakers s WHERE s.project_id = $1 AND EXISTS (
             SELECT 1 FROM unnest(array_prepend(s.name, coalesce(s.aliases, ARRAY[]::text[]))) AS known(n)
             WHERE strpos(lower(known.n), lower($2)) > 0)
           ORDER BY (SELECT count(*) FROM claims c WHERE c.speaker_id = s.id AND c.deleted_at IS NULL) DESC,
             lower(s.name), s.id LIMIT 20`,
          [projectId, "müller"],
        ),
      ),
      planMuller: await plan(`SELECT s.id FROM speakers s WHERE s.project_id = $1 AND ${words}`, [
        projectId,
        "muller",
      ]),
    },
    suggestionsAllProjects: await measure(get(`/api/v1/speakers?q=muller`)),
    claimsFilter: {
      "name: zoë müller (1,000 claims)": await measure(get(claims("zoë müller"))),
      "baseline id: Zoë Müller": await measure(get(claims(ids.zoe))),
      "name: rafael ortiz (10 claims)": await measure(get(claims("rafael ortiz"))),
      "baseline id: Rafael Ortiz": await measure(get(claims(ids.ortiz))),
      "name: muller (every Müller)": await measure(get(claims("muller"))),
      "count, name: zoë müller": await measure(get(count("zoë müller"))),
      "count baseline id: Zoë Müller": await measure(get(count(ids.zoe))),
      planCountByName: await plan(
        `SELECT count(*) FROM claims c WHERE c.project_id = $1 AND c.deleted_at IS NULL
           AND c.speaker_id IN (SELECT s.id FROM speakers s WHERE ${words})`,
        [projectId, "zoë müller"],
      ),
    },
    speakersPage: {
      "q=muller": await measure(get(`/projects/${projectId}/speakers?q=muller`), 5),
      "baseline: the page without q": await measure(get(`/projects/${projectId}/speakers`), 5),
    },
  };
}
