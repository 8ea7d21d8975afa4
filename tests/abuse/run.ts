// npm run test:abuse [-- --short]: the abuse suite (issue 17). Starts the app as a real server
// process on a Postgres database and on the embedded database, side by side, and plays against
// each what one user or one careless script can do without a single bad value: huge lines, idle
// and unread uploads, exports nobody reads, the documented clients with a huge report, and the
// CPU-heavy paths. A bystander (another annotator) opens pages and saves claims throughout; each
// row prints the limit that held, what happened, the server's memory and the bystander's p95.
// Exits 1 if a limit did not hold, the bystander's p95 reached 500 ms or failed, or the server
// crashed or answered 500.
import {
  BYSTANDER_P95_MS,
  bulkIdleUploads,
  bulkLongLines,
  bulkUnreadReport,
  documentedClients,
  exportsAtOnce,
  loginGuessing,
  citronFlood,
  guidelineDiff,
  play,
  type AbuseRow,
  type Scenario,
  type Size,
} from "./scenarios.js";
import { watchBystanders } from "./probes.js";
import { embeddedWorld, postgresWorld, type World } from "./world.js";

const short = process.argv.includes("--short");
const size: Size = short
  ? { longLines: 16, reportLines: 30_000, exampleLines: 30_000 }
  : { longLines: 150, reportLines: 100_000, exampleLines: 200_000 };

const allScenarios: Scenario[] = [
  bulkLongLines,
  bulkIdleUploads,
  bulkUnreadReport,
  exportsAtOnce,
  documentedClients,
  loginGuessing,
  citronFlood,
  guidelineDiff,
];
// ABUSE_ONLY=bulkIdleUploads,exportsAtOnce runs only those; ABUSE_DATABASES=embedded only that mode.
const only = process.env.ABUSE_ONLY?.split(",");
const scenarios = allScenarios.filter((scenario) => !only || only.includes(scenario.name));
const unknown = only?.filter((name) => !allScenarios.some((scenario) => scenario.name === name));
if (unknown?.length) {
  throw new Error(
    `ABUSE_ONLY: no scenario ${unknown.join(", ")}; choose from ${allScenarios.map((s) => s.name).join(", ")}`,
  );
}
const databases = process.env.ABUSE_DATABASES?.split(",") ?? ["postgres", "embedded"];

async function runWorld(open: () => Promise<World>): Promise<AbuseRow[]> {
  const world = await open();
  // The first page of a new process compiles its templates: that is start-up, not abuse.
  const warm = watchBystanders(world.bystander);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await warm.stop();
  const rows: AbuseRow[] = [];
  try {
    for (const scenario of scenarios) {
      const row = await play(world, scenario, size);
      console.error(`[abuse] ${world.database}: ${row.abuse}: ${row.problems.length ? "PROBLEM" : "held"}`);
      rows.push(row);
    }
  } finally {
    try {
      await world.close();
    } catch (error) {
      rows.push({
        database: world.database,
        abuse: "the server's own log",
        limit: "no answer 500, no crash",
        outcome: "",
        memory: { startMb: 0, peakMb: 0 },
        bystanders: { n: 0, p95Ms: 0, maxMs: 0, failures: [] },
        problems: [(error as Error).message.slice(0, 500)],
      });
    }
  }
  return rows;
}

const started = Date.now();
const worlds = [postgresWorld, embeddedWorld].filter((open) =>
  databases.includes(open === postgresWorld ? "postgres" : "embedded"),
);
const rows = (await Promise.all(worlds.map(runWorld))).flat();
console.log(
  `\n| database | abuse | limit | what happened | server memory (start → peak) | other users' p95 (n) | held |`,
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const row of rows) {
  console.log(
    `| ${row.database} | ${row.abuse} | ${row.limit} | ${row.outcome} | ${row.memory.startMb} → ${row.memory.peakMb} MB | ` +
      `${row.bystanders.p95Ms} ms (${row.bystanders.n}) | ${row.problems.length ? `NO: ${row.problems.join("; ")}` : "yes"} |`,
  );
}
const failed = rows.filter((row) => row.problems.length);
if (rows.length < scenarios.length * worlds.length) {
  console.log(`only ${rows.length} of ${scenarios.length * worlds.length} rows: the suite did not run whole`);
  process.exit(1);
}
console.log(
  `\n${short ? "short" : "full"} form, ${Math.round((Date.now() - started) / 1000)} s; other users' p95 limit ${BYSTANDER_P95_MS} ms; ` +
    `${failed.length ? `${failed.length} did not hold` : "every limit held"}`,
);
process.exit(failed.length ? 1 : 0);
