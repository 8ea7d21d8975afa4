// Other users' page loads while one user keeps triggering a heavy path (issue 17): a real server
// process on Postgres, five users loading their project page in a loop, and one more user who, in
// turn, (a) saves new guidelines versions of 12,000 different lines or 18,000 table rows and views
// each (uncached diff and formatting every time), (b) loads agreement over 1,000 articles × 3
// annotators × 20 claims, every claim with a speaker of its own, page and confusion CSV, (c) sends
// Citron documents of 2,000 quotes × 50 contents (refused) and of 2,000 suggestions (stored), and
// (d) loads the suggestions of a 500,000-character article. Prints each phase's p50/p95/max.
//
//   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx tests/guidelines/heavy-paths.latency.ts
//
// LATENCY_SECONDS (default 20) sets each phase's length.
import os from "node:os";
import { randomUUID } from "node:crypto";
import { saveGuidelines } from "../../src/guidelines/guidelines.service.js";
import { createUser } from "../../src/users/users.service.js";
import { makeProject } from "../helpers/factories.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { createTestDatabase } from "../helpers/test-database.js";

const SECONDS = Number(process.env.LATENCY_SECONDS ?? 20);
const PASSWORD = "correct horse battery";
const OTHERS = 5;

const percentile = (sorted: number[], share: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]! : NaN;

/** A logged-in client: the cookies of the login, and the CSRF token of the page after it. */
async function logIn(url: string, email: string) {
  const cookies = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = pair!.split("=");
      cookies.set(name!, value.join("="));
    }
  };
  const header = () => [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  const page = await fetch(`${url}/login`);
  keep(page);
  const token = (html: string) =>
    (/name="_csrf" value="([^"]+)"/.exec(html) ?? /name="csrf-token" content="([^"]+)"/.exec(html))![1]!;
  const login = await fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: header(), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: PASSWORD, _csrf: token(await page.text()) }),
  });
  keep(login);
  if (login.status !== 302) throw new Error(`login of ${email} answered ${login.status}`);
  const profile = await fetch(`${url}/profile`, { headers: { cookie: header() } });
  keep(profile);
  const csrf = token(await profile.text());
  return {
    get: (path: string) => fetch(`${url}${path}`, { headers: { cookie: header() } }),
    post: (path: string, body: string, type: string) =>
      fetch(`${url}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: header(), "content-type": type, "x-csrf-token": csrf },
        body,
      }),
    csrf,
  };
}
type Client = Awaited<ReturnType<typeof logIn>>;

/** Runs `heavy` in a loop while the others load their page in a loop; their latencies, sorted. */
async function phase(name: string, others: Client[], path: string, heavy: (() => Promise<void>) | null) {
  const until = Date.now() + SECONDS * 1000;
  const times: number[] = [];
  let heavyRuns = 0;
  const heavyTimes: number[] = [];
  await Promise.all([
    ...others.map(async (client) => {
      while (Date.now() < until) {
        const started = performance.now();
        const response = await client.get(path);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
        times.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }),
    (async () => {
      while (heavy && Date.now() < until) {
        const started = performance.now();
        await heavy();
        heavyTimes.push(performance.now() - started);
        heavyRuns += 1;
      }
    })(),
  ]);
  times.sort((a, b) => a - b);
  heavyTimes.sort((a, b) => a - b);
  const load = os.loadavg()[0]!.toFixed(1);
  console.log(
    `${name.padEnd(58)} others: ${times.length} loads, p50 ${percentile(times, 0.5).toFixed(0)} ms, ` +
      `p95 ${percentile(times, 0.95).toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms` +
      (heavy ? ` | heavy: ${heavyRuns} runs, median ${percentile(heavyTimes, 0.5).toFixed(0)} ms` : "") +
      ` | load ${load}`,
  );
}

async function expectStatus(response: Promise<Response>, status: number) {
  const answer = await response;
  await answer.arrayBuffer();
  if (answer.status !== status) throw new Error(`${answer.url} answered ${answer.status}, not ${status}`);
}

async function main() {
  const database = await createTestDatabase({ mode: "server" });
  const prisma = database.db.prisma;
  let server: ServerProcess | undefined;
  try {
    const user = async (role: "admin" | "researcher", n: number) =>
      (
        await createUser(
          prisma,
          null,
          { email: `${role}${n}@latency.example`, name: `${role} ${n}`, role, password: PASSWORD },
          { mustChangePassword: false },
        )
      ).user;
    const admin = await user("admin", 0);
    const researchers = await Promise.all(Array.from({ length: OTHERS }, (_, n) => user("researcher", n)));
    const project = await makeProject(database.db, admin);
    const projectId = project.id;
    await saveGuidelines(prisma, admin, projectId, { body: "# Rules\n\nTag every claim.", baseVersion: 0 });

    // Agreement: 1,000 articles × 3 annotators × 20 claims, each with a speaker of its own.
    const coders = await Promise.all([1, 2, 3].map((n) => user("researcher", 100 + n)));
    const sentence = (i: number) =>
      `Speaker ${String(i).padStart(2, "0")} said the talks would resume soon. `;
    const body = Array.from({ length: 30 }, (_, i) => sentence(i)).join("");
    const length = sentence(0).length;
    const studyProject = (await makeProject(database.db, admin)).id;
    for (let from = 0; from < 1000; from += 100) {
      const articles = await prisma.article.createManyAndReturn({
        data: Array.from({ length: 100 }, (_, i) => ({
          projectId: studyProject,
          title: `Study ${from + i}`,
          body: `${body}(${from + i})`,
          bodyHash: randomUUID(),
        })),
        select: { id: true },
      });
      await prisma.sentence.createMany({
        data: articles.flatMap(({ id }) =>
          Array.from({ length: 30 }, (_, s) => ({
            articleId: id,
            index: s,
            start: s * length,
            end: (s + 1) * length - 1,
          })),
        ),
      });
      const speakers = await prisma.speaker.createManyAndReturn({
        data: Array.from({ length: 100 * 3 * 20 }, () => ({
          projectId: studyProject,
          name: `P ${randomUUID()}`,
        })),
        select: { id: true },
      });
      let next = 0;
      await prisma.claim.createMany({
        data: articles.flatMap(({ id }) =>
          coders.flatMap((coder) =>
            Array.from({ length: 20 }, (_, k) => ({
              articleId: id,
              projectId: studyProject,
              annotatorId: coder.id,
              start: k * length,
              end: (k + 1) * length - 1,
              quote: "q",
              prefix: "",
              suffix: "",
              type: "direct" as const,
              speakerId: speakers[next++]!.id,
            })),
          ),
        ),
      });
      await prisma.articleCompletion.createMany({
        data: articles.flatMap(({ id }) => coders.map((coder) => ({ articleId: id, userId: coder.id }))),
      });
    }

    // Suggestions: a 500,000-character article, and one of "Ann said yes." sentences for Citron.
    let long = "";
    const sample = "Mayor Ana Reis said the bridge would open in May. “It took ten years,” she added. ";
    while (long.length < 500_000) long += sample;
    const longArticle = await prisma.article.create({
      data: { projectId, title: "Long", body: long, bodyHash: randomUUID() },
    });
    const SENTENCE = "Ann said yes. ";
    const citronArticle = await prisma.article.create({
      data: { projectId, title: "Citron", body: SENTENCE.repeat(2000), bodyHash: randomUUID() },
    });
    const at = (n: number, from: number, text: string) => ({
      start: n * SENTENCE.length + from,
      end: n * SENTENCE.length + from + text.length,
      text,
    });
    const citron = (quotes: number, contents: number) =>
      JSON.stringify({
        source: "citron",
        document: {
          quotes: Array.from({ length: quotes }, (_, n) => ({
            cue: at(n, 4, "said"),
            sources: [at(n, 0, "Ann")],
            contents: Array.from({ length: contents }, () => at(n, 9, "yes.")),
          })),
        },
      });
    const hugeCitron = citron(2000, 50);
    const fullCitron = citron(40, 50);

    server = await startServerProcess({
      DATABASE_URL: database.url!,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
    });
    const others = await Promise.all(researchers.map((r) => logIn(server!.url, r.email)));
    const attacker = await logIn(server.url, admin.email);
    const page = `/projects/${projectId}`;
    for (const client of others) await (await client.get(page)).arrayBuffer(); // warm up

    console.log(`Each phase ${SECONDS} s; ${OTHERS} users load ${page} in a loop (50 ms apart).`);
    await phase("nobody else (baseline)", others, page, null);

    let version = 1;
    let round = 0;
    await phase("guidelines: save a new 12,000-line / table version, view it", others, page, async () => {
      round += 1;
      const text =
        round % 2
          ? Array.from({ length: 12_000 }, (_, i) => `l${round} ${i} ${randomUUID().slice(0, 4)}`).join("\n")
          : `| a | b |\n|-|-|\n${Array.from({ length: 18_000 }, (_, i) => `|${round}|${i}|`).join("\n")}`;
      const form = new URLSearchParams({ body: text, baseVersion: String(version), _csrf: attacker.csrf });
      await expectStatus(
        attacker.post(
          `/projects/${projectId}/guidelines`,
          form.toString(),
          "application/x-www-form-urlencoded",
        ),
        302,
      );
      version += 1;
      await expectStatus(attacker.get(`/projects/${projectId}/guidelines`), 200);
    });

    await phase("agreement: 60,000 claims, own speakers (page, confusion CSV)", others, page, async () => {
      await expectStatus(attacker.get(`/projects/${studyProject}/agreement`), 200);
      await expectStatus(attacker.get(`/projects/${studyProject}/agreement/confusion.csv`), 200);
    });

    await phase("Citron: 2,000 × 50 refused (413), 2,000 stored", others, page, async () => {
      const path = `/api/v1/articles/${citronArticle.id}/suggestions/citron`;
      await expectStatus(attacker.post(path, hugeCitron, "application/json"), 413);
      await expectStatus(attacker.post(path, fullCitron, "application/json"), 201);
    });

    await phase("suggestions of a 500,000-character article", others, page, async () => {
      await expectStatus(attacker.get(`/api/v1/articles/${longArticle.id}/suggestions?for=me`), 200);
    });
  } finally {
    await server?.stop();
    await database.drop();
  }
}

await main();
