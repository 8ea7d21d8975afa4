import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MAX_LINE_BYTES } from "../../src/claims/bulk-import.schema.js";
import { startBulkUpload } from "../helpers/bulk-client.js";
import { TEST_PASSWORD } from "../helpers/test-app.js";
import { watchBystanders, watchMemory, type Bystanders } from "./probes.js";
import type { World } from "./world.js";

/** One abuse as played against one database mode, and what it did to the server and to others. */
export interface AbuseRow {
  database: World["database"];
  abuse: string;
  limit: string;
  outcome: string;
  memory: { startMb: number; peakMb: number };
  bystanders: Bystanders;
  problems: string[];
}

export interface Size {
  longLines: number;
  reportLines: number;
  exampleLines: number;
}

export type Scenario = (
  world: World,
  size: Size,
) => Promise<Omit<AbuseRow, "database" | "memory" | "bystanders">>;

/**
 * Other users' p95 while any abuse runs must stay under 500 ms (the issue's target, held by the
 * full form). The short form runs in CI beside nothing else but with few samples per abuse (a
 * dozen or two, so its p95 is nearly the slowest request) on two cores shared by the suite, the
 * server and Postgres: there the limit is looser, and a failed request still fails it.
 */
export const BYSTANDER_P95_MS = process.argv.includes("--short") ? 1_500 : 500;

/** Runs one abuse with a bystander at work beside it and the server's memory watched. */
export async function play(world: World, scenario: Scenario, size: Size): Promise<AbuseRow> {
  const memory = watchMemory(world.server.process.pid!);
  const bystanders = watchBystanders(world.bystander);
  let result: Awaited<ReturnType<Scenario>>;
  try {
    result = await scenario(world, size);
  } catch (error) {
    result = {
      abuse: scenario.name,
      limit: "",
      outcome: "",
      problems: [`threw: ${(error as Error).message}`],
    };
  }
  const row: AbuseRow = {
    ...result,
    database: world.database,
    memory: memory.stop(),
    bystanders: await bystanders.stop(),
  };
  if (row.bystanders.p95Ms >= BYSTANDER_P95_MS) {
    row.problems.push(`other users' p95 ${row.bystanders.p95Ms} ms (limit ${BYSTANDER_P95_MS})`);
  }
  if (row.bystanders.failures.length)
    row.problems.push(`other users failed: ${row.bystanders.failures.join("; ")}`);
  return row;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const within = <T>(work: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    work,
    new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms),
    ),
  ]);

function claimLine(world: World, note: string): string {
  const { span, articleId } = world.bystander;
  return `${JSON.stringify({ articleId, ...span, type: "outlet", note })}\n`;
}

/** A line the server refuses with a long report line (several errors). */
const refusedLine = (world: World) =>
  `${JSON.stringify({ articleId: world.articleId, start: -1, end: -1, quote: "", type: "nonsense" })}\n`;

async function uploadWorks(world: World): Promise<boolean> {
  const upload = startBulkUpload(world.server.url, world.abuserToken, { mode: "valid" });
  await upload.send(claimLine(world, "after the abuse"));
  upload.end();
  const answer = await upload.finished;
  return (await upload.status()) === 200 && answer.summary?.committed === true;
}

/** Lines just under the 5 MB line limit: memory grows by a batch (16 MB of lines), not by the file. */
export async function bulkLongLines(world: World, size: Size) {
  const problems: string[] = [];
  const memory = watchMemory(world.server.process.pid!);
  const line = claimLine(world, "x".repeat(MAX_LINE_BYTES - 512));
  const upload = startBulkUpload(world.server.url, world.abuserToken, { mode: "valid" });
  for (let n = 0; n < size.longLines; n++) await upload.send(line);
  upload.end();
  const answer = await within(upload.finished, 600_000, "the upload");
  const { startMb, peakMb } = memory.stop();
  if (answer.summary?.lines !== size.longLines) problems.push(`summary: ${JSON.stringify(answer.summary)}`);
  if (peakMb - startMb > 300) problems.push(`memory grew by ${peakMb - startMb} MB`);
  return {
    abuse: `bulk upload of ${size.longLines} lines of 5 MB (${((size.longLines * 5) / 1024).toFixed(2)} GB)`,
    limit: "16 MB of lines per batch, 5 MB per line",
    outcome: `${answer.summary?.invalid} lines refused one by one; server grew ${peakMb - startMb} MB`,
    problems,
  };
}

/** Ten uploads by one user that send a line each and then nothing. */
export async function bulkIdleUploads(world: World) {
  const problems: string[] = [];
  const started = Date.now();
  const uploads = Array.from({ length: 10 }, () =>
    startBulkUpload(world.server.url, world.abuserToken, { mode: "valid" }),
  );
  for (const upload of uploads) await upload.send(claimLine(world, "idle"));
  const statuses = await Promise.all(uploads.map((upload) => upload.status().catch(() => 0)));
  await within(Promise.all(uploads.map((upload) => upload.closed)), 30_000, "the idle uploads' end");
  const endedAfter = Date.now() - started;
  const refused = statuses.filter((status) => status === 429).length;
  // 8 are refused while the first two hold the user's slots; on a slow machine a request may
  // arrive after those two were ended for idling, and take a slot itself (then idles too).
  if (refused < 6) problems.push(`expected about 8 answers 429, got statuses ${statuses.join(",")}`);
  if (!(await uploadWorks(world))) problems.push("the user could not upload after the idle ones ended");
  return {
    abuse: "10 bulk uploads by one user, each sending one line and then nothing",
    limit: `${world.env.BULK_UPLOADS_PER_USER} at once per user; ${world.env.BULK_IDLE_TIMEOUT_SECONDS} s idle`,
    outcome: `${refused} refused with 429; the others ended after ${(endedAfter / 1000).toFixed(1)} s`,
    problems,
  };
}

/** An upload whose client never reads the report (the deadlock of a send-then-read client). */
export async function bulkUnreadReport(world: World, size: Size) {
  const problems: string[] = [];
  const key = `unread-${Date.now()}`;
  const upload = startBulkUpload(world.server.url, world.abuserToken, { mode: "valid", key });
  const refused = refusedLine(world);
  await upload.send(refused.repeat(2_000));
  if ((await upload.status()) !== 200) problems.push("the upload did not start");
  upload.pause();
  const paused = Date.now();
  const sending = (async () => {
    for (let sent = 2_000; sent < size.reportLines; sent += 1_000) await upload.send(refused.repeat(1_000));
    upload.end();
  })();
  // A paused client does not notice the server closing: the record says when the upload stopped.
  const record = async () =>
    (await (
      await fetch(`${world.server.url}/api/v1/claims/bulk/${key}`, {
        headers: { authorization: `Bearer ${world.abuserToken}` },
      })
    ).json()) as { running: boolean; linesRecorded: number };
  let last = await record();
  while (last.running && Date.now() - paused < 120_000) {
    await pause(250);
    last = await record();
  }
  const endedAfter = Date.now() - paused;
  if (last.running) problems.push("still running 120 s after its client stopped reading");
  if (last.linesRecorded >= size.reportLines)
    problems.push("it ran to its end although nobody read its report");
  upload.resume();
  await within(upload.finished, 30_000, "the client's end");
  await within(sending, 30_000, "the client's sending");
  if (!(await uploadWorks(world))) problems.push("the user could not upload afterwards");
  return {
    abuse: `bulk upload of ${size.reportLines.toLocaleString("en")} refused lines, report never read`,
    limit: `${world.env.BULK_IDLE_TIMEOUT_SECONDS} s without reading`,
    outcome: `ended after line ${last.linesRecorded.toLocaleString("en")}, ${(endedAfter / 1000).toFixed(1)} s after the client stopped reading (socket buffers held the first reports)`,
    problems,
  };
}

/** Three exports at once by one user, none read: the third is refused, the others cut off. */
export async function exportsAtOnce(world: World) {
  const problems: string[] = [];
  const controller = new AbortController();
  const answers = await Promise.all(
    Array.from({ length: 3 }, async (_, n) => {
      await pause(n * 200);
      return fetch(`${world.server.url}/export/claims.jsonl?project=${world.projectId}`, {
        headers: { authorization: `Bearer ${world.adminToken}` },
        signal: controller.signal,
      });
    }),
  );
  const statuses = answers.map((answer) => answer.status);
  if (statuses.filter((status) => status === 429).length !== 1)
    problems.push(`statuses ${statuses.join(",")}`);
  // The two exports stay open, unread, while the others work.
  await pause(5_000);
  controller.abort();
  return {
    abuse: "3 exports at once by one user",
    limit: `${world.env.EXPORTS_PER_USER} at once per user`,
    outcome: `statuses ${statuses.join(", ")}`,
    problems,
  };
}

/** Citron documents of 2,000 quotes × 50 contents (100,000 suggestions each), sent again and again. */
export async function citronFlood(world: World) {
  const problems: string[] = [];
  const span = (text: string) => ({ start: 0, end: text.length, text });
  const quote = {
    cue: span("Officials"),
    sources: [span("Officials")],
    contents: Array.from({ length: 50 }, () => span("Officials")),
  };
  const body = JSON.stringify({
    source: "citron",
    document: { quotes: Array.from({ length: 2_000 }, () => quote) },
  });
  const statuses: number[] = [];
  const times: number[] = [];
  for (let n = 0; n < 5; n++) {
    const started = Date.now();
    const answer = await fetch(`${world.server.url}/api/v1/articles/${world.articleId}/suggestions/citron`, {
      method: "POST",
      headers: { authorization: `Bearer ${world.adminToken}`, "content-type": "application/json" },
      body,
    });
    const json = (await answer.json()) as { error?: { limit?: { name: string } } };
    times.push(Date.now() - started);
    statuses.push(answer.status);
    if (answer.status !== 413 || json.error?.limit?.name !== "suggestionsPerRequest") {
      problems.push(`answer ${answer.status} ${JSON.stringify(json).slice(0, 200)}`);
    }
  }
  return {
    abuse: `5 Citron documents of 2,000 quotes × 50 contents (${(body.length / 1e6).toFixed(1)} MB each)`,
    limit: "2,000 suggestions per request",
    outcome: `answered ${statuses.join(", ")} in ${Math.max(...times)} ms at most`,
    problems,
  };
}

/** Two guideline versions of 12,000 different lines, then their diff viewed again and again. */
export async function guidelineDiff(world: World) {
  const problems: string[] = [];
  const version = (tag: string) => Array.from({ length: 12_000 }, (_, n) => `${tag}${n}`).join("\n");
  const save = async (text: string) =>
    fetch(`${world.server.url}/projects/${world.projectId}/guidelines`, {
      method: "POST",
      redirect: "manual",
      headers: {
        authorization: `Bearer ${world.adminToken}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ body: text, baseVersion: String(await currentVersion()) }).toString(),
    });
  const currentVersion = async () => {
    const answer = await fetch(`${world.server.url}/api/v1/projects/${world.projectId}/guidelines`, {
      headers: { authorization: `Bearer ${world.adminToken}` },
    });
    return ((await answer.json()) as { version: number } | null)?.version ?? 0;
  };
  // Every line differs between the two (about 100,000 characters each, under the 200,000 allowed).
  for (const tag of ["first ", "second "]) {
    const saved = await save(version(tag));
    await saved.arrayBuffer();
    if (saved.status >= 400) problems.push(`saving a version answered ${saved.status}`);
  }
  // The bystander has read them (else their next page is these 12,000 lines, which is no abuse).
  const read = await fetch(`${world.server.url}/api/v1/projects/${world.projectId}/guidelines/read`, {
    method: "POST",
    headers: { authorization: `Bearer ${world.bystander.token}`, "content-type": "application/json" },
    body: JSON.stringify({ version: await currentVersion() }),
  });
  if (read.status !== 204) problems.push(`marking the guidelines read answered ${read.status}`);
  const times: number[] = [];
  for (let n = 0; n < 10; n++) {
    const started = Date.now();
    const page = await fetch(`${world.server.url}/projects/${world.projectId}/guidelines`, {
      headers: { authorization: `Bearer ${world.adminToken}` },
    });
    const html = await page.text();
    times.push(Date.now() - started);
    if (page.status !== 200) problems.push(`the guidelines page answered ${page.status}`);
    else if (n === 0 && !/differ too much/.test(html))
      problems.push("the page did not say the versions differ too much");
  }
  return {
    abuse: "two guideline versions of 12,000 different lines, viewed 10 times",
    limit: "2,000 changed lines or 1,000,000 steps per diff",
    outcome: `views took ${Math.min(...times)}-${Math.max(...times)} ms`,
    problems,
  };
}

/** A logged-out visitor's login form: the CSRF cookie and its token. */
async function loginForm(world: World, address: string) {
  const page = await fetch(`${world.server.url}/login`, { headers: { "x-forwarded-for": address } });
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0]!;
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  return { cookie, token };
}

async function logIn(world: World, email: string, password: string, address: string): Promise<number> {
  const { cookie, token } = await loginForm(world, address);
  const answer = await fetch(`${world.server.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, "x-forwarded-for": address },
    body: new URLSearchParams({ email, password, _csrf: token }).toString(),
  });
  await answer.arrayBuffer();
  return answer.status;
}

/** An outsider guessing the admin's password from many addresses, then the admin logging in. */
export async function loginGuessing(world: World) {
  const problems: string[] = [];
  const statuses = new Map<number, number>();
  await Promise.all(
    Array.from({ length: 20 }, async (_, address) => {
      for (let guess = 0; guess < 10; guess++) {
        const status = await logIn(world, world.adminEmail, `wrong ${guess}`, `203.0.113.${address + 1}`);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  if (!statuses.get(429)) problems.push("no guess was slowed down (429)");
  const admin = await logIn(world, world.adminEmail, TEST_PASSWORD, "198.51.100.7");
  if (admin !== 302) problems.push(`the admin, from a clean address, got ${admin} instead of logging in`);
  const seen = [...statuses].map(([status, count]) => `${count}×${status}`).join(", ");
  return {
    abuse: "200 wrong passwords for the admin from 20 addresses",
    limit: "back-off per account and address, per address, per account",
    outcome: `guesses answered ${seen}; the admin from a clean address: ${admin === 302 ? "logged in" : admin}`,
    problems,
  };
}

/** The clients docs/api.md shows, with a report far beyond the sockets' buffers. */
export async function documentedClients(world: World, size: Size) {
  const problems: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "claimant-abuse-clients-"));
  const file = path.join(dir, "claims.jsonl");
  const line = refusedLine(world);
  fs.writeFileSync(file, line.repeat(size.exampleLines - 1) + claimLine(world, "example"));
  const run = (command: string, args: string[]) =>
    new Promise<{ code: number | null; out: string; ms: number }>((resolve) => {
      const started = Date.now();
      const child = spawn(command, args, {
        env: { ...process.env, CLAIMANT_URL: world.server.url, CLAIMANT_TOKEN: world.abuserToken },
      });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.resume();
      const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, out, ms: Date.now() - started });
      });
    });
  try {
    const python = await run("python3", ["docs/examples/bulk_upload.py", file, "valid"]);
    const pythonSummary = JSON.parse(python.out.trim().split("\n").pop() || "{}") as { lines?: number };
    if (pythonSummary.lines !== size.exampleLines) problems.push(`python: ${python.out.slice(-300)}`);
    const curl = await run("curl", [
      "-sS",
      "-N",
      "-T",
      file,
      "-X",
      "POST",
      "-H",
      `Authorization: Bearer ${world.abuserToken}`,
      "-H",
      "Content-Type: application/x-ndjson",
      "-H",
      `Idempotency-Key: curl-${Date.now()}`,
      `${world.server.url}/api/v1/claims/bulk?mode=valid`,
    ]);
    const curlSummary = (
      JSON.parse(curl.out.trim().split("\n").pop() || "{}") as { summary?: { lines?: number } }
    ).summary;
    if (curlSummary?.lines !== size.exampleLines) problems.push(`curl: ${curl.out.slice(-300)}`);
    return {
      abuse: `docs' clients (Python, curl) sending ${size.exampleLines.toLocaleString("en")} lines (${(
        fs.statSync(file).size / 1e6
      ).toFixed(0)} MB), each answered while sending`,
      limit: "report read while sending",
      outcome: `python ${(python.ms / 1000).toFixed(1)} s, curl ${(curl.ms / 1000).toFixed(1)} s, both complete`,
      problems,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
