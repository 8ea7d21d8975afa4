// npm run test:faults [-- --short]: fault injection (issue 16). Starts the app (a real server
// process) on a Postgres of its own and on the embedded database; kills the app and Postgres with
// SIGKILL, cuts and stalls clients, kills import:claims, fills the embedded database's disk, all
// during single saves and bulk uploads (both modes); then compares what every client was told
// with what is stored. Prints a table per fault and exits 1 if anything acknowledged is missing,
// anything refused is stored, anything is stored twice, the server crashed or answered 500.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrations.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { freshDataDir, removeDataDir } from "../helpers/data-dir.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { canMountSmallDisks, mountSmallDisk } from "../helpers/small-disk.js";
import { makeUser } from "../helpers/test-app.js";
import { startBulkUpload } from "../helpers/bulk-client.js";
import { AppUnderTest } from "./app-under-test.js";
import {
  bulkFile,
  bulkWithRetries,
  saveLoop,
  saveWithRetries,
  type BulkOutcome,
  type SaveOutcome,
  type Target,
} from "./clients.js";
import { countBulk, countSaves, failed, table, type FaultCounts, type StoredNotes } from "./ledger.js";
import { startOwnPostgres, type OwnPostgres } from "./own-postgres.js";

const short = process.argv.includes("--short");
/** How many times each fault is injected per run, and how large the uploads are. */
const size = short
  ? { kills: 1, saveSeconds: 4, bulkLines: 3_000, stallSeconds: 4, uploads: 1 }
  : { kills: 6, saveSeconds: 20, bulkLines: 20_000, stallSeconds: 15, uploads: 4 };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number) => low + Math.random() * (high - low);

interface World {
  database: "postgres" | "embedded";
  app: AppUnderTest;
  target: Target;
  /** A second annotator's target: "other annotators" in the stall fault. */
  other: Target;
  annotatorEmail: string;
  env: Record<string, string>;
  pg?: OwnPostgres;
  /** Reads every live claim's note under the prefix (after the app has stopped, on the embedded database). */
  storedNotes(prefix: string): Promise<StoredNotes>;
  close(): Promise<void>;
}

/** Whatever a fault did, recorded for the check at the end of its world. */
interface Pending {
  fault: string;
  prefix: string;
  saves?: SaveOutcome[];
  uploads?: BulkOutcome[];
  crashesBefore: number;
  notes: string;
  problem?: string;
}

/** The live claims under a prefix of notes, by note: what the clients' writes left in the database. */
const NOTES_SQL =
  "SELECT note, array_agg(id) AS ids FROM claims WHERE deleted_at IS NULL AND note LIKE $1 GROUP BY note";
interface NoteRow {
  note: string;
  ids: number[];
}
const notesOf = ({ rows }: { rows: NoteRow[] }): StoredNotes =>
  new Map(rows.map((row) => [row.note, row.ids]));

const BODY = "Officials said the bridge was safe. Engineers disagreed. Fans cheered.";

async function seed(db: Database) {
  const admin = await makeUser(db, "admin");
  const annotator = await makeUser(db, "annotator");
  const colleague = await makeUser(db, "annotator");
  const project = await makeProject(db, admin, [annotator, colleague]);
  const article = await makeArticle(db, admin, project.id, BODY);
  const span = { ...spanOf(article.body, "Fans cheered."), quote: "Fans cheered." };
  return {
    annotatorEmail: annotator.email,
    articleId: article.id,
    span,
    token: (await createApiToken(db.prisma, annotator.id, "faults", "write")).token,
    otherToken: (await createApiToken(db.prisma, colleague.id, "faults", "write")).token,
  };
}

async function postgresWorld(): Promise<World> {
  const server = await startOwnPostgres();
  const db = await openDatabase({ url: server.url });
  await applyMigrations(db);
  const seeded = await seed(db);
  await db.close();
  const env = { DATABASE_URL: server.url, DATABASE_POOL_SIZE: "10" };
  const app = new AppUnderTest(env);
  await app.start();
  return {
    database: "postgres",
    app,
    pg: server,
    env,
    annotatorEmail: seeded.annotatorEmail,
    target: { url: () => app.url, token: seeded.token, articleId: seeded.articleId, span: seeded.span },
    other: { url: () => app.url, token: seeded.otherToken, articleId: seeded.articleId, span: seeded.span },
    async storedNotes(prefix) {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        return notesOf(await client.query<NoteRow>(NOTES_SQL, [`${prefix}%`]));
      } finally {
        await client.end();
      }
    },
    async close() {
      await app.stop();
      server.stop();
      server.remove();
    },
  };
}

async function embeddedWorld(dataDir?: string, env: Record<string, string> = {}): Promise<World> {
  const dir = dataDir ?? (await freshDataDir("claimant-faults-"));
  if (dataDir) {
    const template = await freshDataDir();
    fs.cpSync(template, dir, { recursive: true });
    removeDataDir(template);
  }
  const pglite = await PGlite.create({ dataDir: path.join(dir, "pglite") });
  const db = await openDatabase({ pglite });
  const seeded = await seed(db);
  await db.close();
  await pglite.close();
  const appEnv = { DATA_DIR: dir, DISK_RESERVE_MB: "16", ...env };
  const app = new AppUnderTest(appEnv);
  await app.start();
  return {
    database: "embedded",
    app,
    env: appEnv,
    annotatorEmail: seeded.annotatorEmail,
    target: { url: () => app.url, token: seeded.token, articleId: seeded.articleId, span: seeded.span },
    other: { url: () => app.url, token: seeded.otherToken, articleId: seeded.articleId, span: seeded.span },
    async storedNotes(prefix) {
      const reader = await PGlite.create({ dataDir: path.join(dir, "pglite") });
      try {
        return notesOf(await reader.query<NoteRow>(NOTES_SQL, [`${prefix}%`]));
      } finally {
        await reader.close();
      }
    },
    async close() {
      await app.stop();
      if (!dataDir) removeDataDir(dir);
    },
  };
}

/** Clients save without pause while the app (or Postgres) is killed and started again. */
async function savesWhileKilling(world: World, what: "app" | "postgres"): Promise<Pending> {
  const prefix = `saves-${what}-${world.database}`;
  const crashesBefore = world.app.crashes.length;
  let stop = false;
  const saving = saveLoop(world.target, prefix, 4, () => stop);
  for (let kill = 0; kill < size.kills; kill++) {
    await pause(between(700, 2_000));
    if (what === "app") await world.app.restart();
    else {
      world.pg!.kill();
      await pause(between(300, 1_500));
      world.pg!.start();
    }
  }
  await pause(1_500);
  stop = true;
  const saves = await saving;
  return { fault: `single saves, ${what} killed ×${size.kills}`, prefix, saves, crashesBefore, notes: "" };
}

/** Bulk uploads whose client vanishes mid-way, then sends the file again with the same key. */
async function bulkClientVanishes(world: World, mode: "all" | "valid"): Promise<Pending> {
  const cuts = 2;
  const prefix = `vanish-${mode}-${world.database}`;
  const crashesBefore = world.app.crashes.length;
  const uploads: BulkOutcome[] = [];
  for (let n = 0; n < size.uploads; n++) {
    uploads.push(
      await bulkWithRetries(world.target, {
        prefix: `${prefix}-${n}`,
        lines: size.bulkLines,
        mode,
        deadline: Date.now() + 120_000,
        during: async (upload, tryNumber) => {
          if (tryNumber > cuts) return;
          await pause(between(100, 1_200));
          upload.cut();
        },
      }),
    );
  }
  return {
    fault: `bulk mode=${mode}, client vanishes ×2 per upload`,
    prefix,
    uploads,
    crashesBefore,
    notes: "",
  };
}

/** Bulk uploads during which the app or Postgres is killed; the client sends again with its key. */
async function bulkWhileKilling(
  world: World,
  mode: "all" | "valid",
  what: "app" | "postgres",
): Promise<Pending> {
  const prefix = `bulk-${what}-${mode}-${world.database}`;
  const crashesBefore = world.app.crashes.length;
  const uploads: BulkOutcome[] = [];
  for (let n = 0; n < size.uploads; n++) {
    let killed = false;
    uploads.push(
      await bulkWithRetries(world.target, {
        prefix: `${prefix}-${n}`,
        lines: size.bulkLines,
        mode,
        deadline: Date.now() + 180_000,
        during: async () => {
          if (killed) return;
          killed = true;
          await pause(between(100, 1_200));
          if (what === "app") await world.app.restart();
          else {
            world.pg!.kill();
            await pause(between(300, 1_000));
            world.pg!.start();
          }
        },
      }),
    );
  }
  return {
    fault: `bulk mode=${mode}, ${what} killed during each upload`,
    prefix,
    uploads,
    crashesBefore,
    notes: "",
  };
}

/** A bulk client that stops reading its report: other annotators' saves must stay fast. */
async function stalledBulkReader(world: World): Promise<Pending> {
  const prefix = `stall-${world.database}`;
  const crashesBefore = world.app.crashes.length;
  const staller = startBulkUpload(world.app.url, world.target.token, { mode: "valid" });
  staller.pause();
  const sending = staller.send(bulkFile(world.target, `${prefix}-staller`, 60_000));
  await pause(1_000);
  const latencies: number[] = [];
  const saves: SaveOutcome[] = [];
  const until = Date.now() + size.stallSeconds * 1_000;
  await Promise.all(
    Array.from({ length: 3 }, async (_, client) => {
      for (let n = 0; Date.now() < until; n++) {
        const started = Date.now();
        saves.push(await saveWithRetries(world.other, `${prefix}:${client}:${n}`, Date.now() + 30_000));
        latencies.push(Date.now() - started);
      }
    }),
  );
  staller.cut();
  await sending.catch(() => undefined);
  await staller.finished;
  latencies.sort((a, b) => a - b);
  const p95 = latencies[Math.floor(latencies.length * 0.95)] ?? 0;
  const notes = `other annotators' saves p95 ${p95} ms (max ${latencies.at(-1)} ms, ${latencies.length} saves)`;
  const problem = p95 >= 1_000 ? `other saves' p95 ${p95} ms is not under 1 s` : undefined;
  return { fault: "a bulk client stops reading its report", prefix, saves, crashesBefore, notes, problem };
}

/** import:claims killed (SIGKILL) mid-way and run again with the same file, until it succeeds. */
async function importCommandKilled(world: World): Promise<Pending> {
  const prefix = `cli-${world.database}`;
  const crashesBefore = world.app.crashes.length;
  const file = path.join(
    fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "claimant-faults-cli-")),
    "claims.jsonl",
  );
  fs.writeFileSync(file, bulkFile(world.target, prefix, size.bulkLines * 2));
  const outcome: BulkOutcome = {
    prefix,
    lines: size.bulkLines * 2,
    key: "",
    reported: new Map(),
    complete: false,
    tries: 0,
  };
  while (!outcome.complete && outcome.tries < 8) {
    outcome.tries += 1;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/import-claims.ts", file, "--as", world.annotatorEmail, "--mode", "valid"],
      { env: { ...process.env, LOG_LEVEL: "silent", ...world.env }, stdio: ["ignore", "pipe", "ignore"] },
    );
    let stdout = "";
    const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
    const cut = outcome.tries <= 2;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      // Killed soon after its first batch was reported, while the import is under way.
      if (cut && !timer) timer = setTimeout(() => child.kill("SIGKILL"), between(0, 300));
    });
    const code = await exited;
    clearTimeout(timer);
    if (code === 0) {
      outcome.complete = true;
      for (const line of stdout.trim().split("\n")) {
        const entry = JSON.parse(line) as { line?: number; ok?: boolean; id?: number };
        if (entry.ok === true && entry.line && entry.id) outcome.reported.set(entry.line, entry.id);
      }
    }
  }
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return {
    fault: "import:claims killed ×2, run again",
    prefix,
    uploads: [outcome],
    crashesBefore,
    notes: "",
  };
}

/** The embedded database's disk fills up while clients save, then is freed. */
async function diskFills(): Promise<FaultCounts> {
  const disk = mountSmallDisk(160);
  const reserveMb = 24;
  const world = await embeddedWorld(path.join(disk.dir, "data"), { DISK_RESERVE_MB: String(reserveMb) });
  const prefix = "disk-embedded";
  try {
    let stop = false;
    const saving = saveLoop(world.target, prefix, 3, () => stop);
    let slowestHealth = 0;
    let healthFailures = 0;
    let refusals = 0;
    const probing = (async () => {
      while (!stop) {
        const started = Date.now();
        const health = await fetch(`${world.app.url}/healthz`, { signal: AbortSignal.timeout(5_000) }).catch(
          () => undefined,
        );
        if (health?.status !== 200) healthFailures += 1;
        slowestHealth = Math.max(slowestHealth, Date.now() - started);
        const save = await fetch(`${world.app.url}/api/v1/articles/${world.target.articleId}/claims`, {
          method: "POST",
          headers: { authorization: `Bearer ${world.target.token}`, "content-type": "application/json" },
          body: JSON.stringify({ ...world.target.span, type: "outlet", note: "probe" }),
        }).catch(() => undefined);
        if (save?.status === 507) refusals += 1;
        await pause(200);
      }
    })();
    await pause(1_500);
    disk.fillLeaving((reserveMb - 8) * 1024 * 1024);
    await pause(size.stallSeconds * 500);
    disk.emptyFiller();
    await pause(3_000);
    stop = true;
    const saves = await saving;
    await probing;
    const crashes = world.app.crashes.length;
    await world.app.stop();
    const stored = await world.storedNotes(prefix);
    return {
      fault: "the embedded database's disk fills up, then is freed",
      database: "embedded",
      ...countSaves(saves, stored),
      serverCrashes: crashes + (healthFailures > 0 ? 1 : 0),
      serverErrors: saves.filter((save) => save.status === 500).length,
      notes: `507 answers to probes ${refusals}; /healthz slowest ${slowestHealth} ms, failed ${healthFailures}`,
    };
  } finally {
    await world.close().catch(() => undefined);
    disk.unmount();
  }
}

/** How many requests the uploads took: more than one each means the fault did cut them. */
function tries(uploads: BulkOutcome[] | undefined): string {
  if (!uploads?.length) return "";
  const total = uploads.reduce((sum, upload) => sum + upload.tries, 0);
  return `${uploads.length} uploads took ${total} requests (${total - uploads.length} cut short)`;
}

async function check(world: World, pending: Pending[]): Promise<FaultCounts[]> {
  const crashes = world.app.crashes.length;
  await world.app.stop();
  const rows: FaultCounts[] = [];
  for (const [i, fault] of pending.entries()) {
    const stored = await world.storedNotes(fault.prefix);
    const counts = fault.saves ? countSaves(fault.saves, stored) : countBulk(fault.uploads ?? [], stored);
    const crashesDuring = (pending[i + 1]?.crashesBefore ?? crashes) - fault.crashesBefore;
    rows.push({
      fault: fault.fault,
      database: world.database,
      ...counts,
      serverCrashes: crashesDuring,
      serverErrors: (fault.saves ?? []).filter((save) => save.status === 500).length,
      notes: [fault.notes, tries(fault.uploads)].filter(Boolean).join("; "),
      problem: fault.problem,
    });
  }
  return rows;
}

/** Every fault of one database mode, in turn, on one app; then the check of what is stored. */
async function faultsOn(database: "postgres" | "embedded"): Promise<FaultCounts[]> {
  console.error(`[faults] ${database}: starting`);
  const world = database === "postgres" ? await postgresWorld() : await embeddedWorld();
  const pending: Pending[] = [];
  try {
    pending.push(await savesWhileKilling(world, "app"));
    if (world.pg) pending.push(await savesWhileKilling(world, "postgres"));
    pending.push(await bulkClientVanishes(world, "valid"));
    pending.push(await bulkClientVanishes(world, "all"));
    pending.push(await bulkWhileKilling(world, "valid", "app"));
    pending.push(await bulkWhileKilling(world, "all", world.pg ? "postgres" : "app"));
    pending.push(await stalledBulkReader(world));
    pending.push(await importCommandKilled(world));
    const rows = await check(world, pending);
    for (const crash of world.app.crashes) console.error(`[faults] ${database}: ${crash}`);
    console.error(`[faults] ${database}: done`);
    return rows;
  } finally {
    await world.close().catch(() => undefined);
  }
}

async function main() {
  const started = Date.now();
  // The two database modes run side by side: each has its own app, database and clients.
  const [postgresRows, embeddedRows] = await Promise.all([faultsOn("postgres"), faultsOn("embedded")]);
  const rows = [...postgresRows, ...embeddedRows];
  if (canMountSmallDisks()) rows.push(await diskFills());
  else console.error("[faults] the full-disk fault needs root (a tmpfs mount): not run");
  console.log(table(rows));
  console.log(`\n${short ? "short form" : "full form"}, ${Math.round((Date.now() - started) / 1000)} s`);
  const bad = rows.filter(failed);
  if (bad.length) {
    console.error(`[faults] FAILED: ${bad.map((row) => `${row.fault} (${row.database})`).join("; ")}`);
    process.exit(1);
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
