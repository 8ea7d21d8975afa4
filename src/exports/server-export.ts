import { Readable } from "node:stream";
import type { Pool, PoolClient } from "pg";
import { to as copyTo } from "pg-copy-streams";
import type { Database } from "../db/database.js";
import type { CurrentUser } from "../http/current-user.js";
import {
  exportsBusy,
  freeUserSlot,
  takeUserSlot,
  tooManyExports,
  userSlotsHeld,
  type ExportLimits,
} from "./export-limits.js";
import type { ExportPlan, LinesPlan } from "./export-plan.js";
import { inlineParameters } from "./export-query.js";
import { CsvFinisher } from "./formats.js";
import { begin, coalesced, cursorRows } from "./row-stream.js";

/**
 * An export on a Postgres server, streamed straight from the database on a connection of the
 * exports' own pool (never the app's), which it holds until the download ends. The user's slot
 * is an advisory lock on that connection. The query has produced its first bytes when this
 * returns, so every failure up to then can still be answered with a status.
 */
export async function openServerExport(
  db: Database,
  plan: ExportPlan,
  viewer: CurrentUser,
  limits: ExportLimits,
): Promise<Readable> {
  const { perUser } = limits;
  if (perUser && (await userSlotsHeld(db.prisma, viewer.id, perUser)) >= perUser) {
    throw tooManyExports(perUser);
  }
  const client = await connect(db.exportPool!);
  let slot: number | undefined;
  let chunks: AsyncIterable<Buffer | string>;
  try {
    if (perUser) {
      slot = await takeUserSlot(client, viewer.id, perUser);
      if (slot === undefined) throw tooManyExports(perUser);
    }
    chunks =
      plan.kind === "csv"
        ? await copyChunks(client, plan.query(), plan.prefix)
        : plan.kind === "lines"
          ? await copyLines(client, plan)
          : await rowChunks(client, plan);
  } catch (error) {
    // Dropping the connection also drops its lock and whatever query it was running.
    client.off("error", ignoreClientError);
    client.release(error as Error);
    throw error;
  }
  let completed = false;
  const stream = Readable.from(
    (async function* () {
      yield* chunks;
      // Freed before the response ends, not when the stream closes after it: a client that
      // starts its next export as soon as this one has arrived must find its slot free.
      if (slot !== undefined) await freeUserSlot(client, viewer.id, slot);
      completed = true;
    })(),
    { objectMode: false },
  );
  stream.once("close", () => release(client, completed));
  return stream;
}

async function connect(pool: Pool): Promise<PoolClient> {
  try {
    const client = await pool.connect();
    // pg emits a lost connection on the client too; the pool listens only while the client is
    // idle. The export's query fails with the same error, so here it only must not crash us.
    client.on("error", ignoreClientError);
    return client;
  } catch (error) {
    // pg.Pool says the same words when its queue wait ran out and when a new connection timed
    // out; only a full pool means "busy" (anything else is the database being unreachable).
    const queueTimeout = /^timeout exceeded when trying to connect/.test((error as Error).message);
    if (queueTimeout && pool.totalCount >= (pool.options.max ?? 10)) throw exportsBusy();
    throw error;
  }
}

/** One COPY statement: one snapshot, written by Postgres at full speed, records ended with CRLF. */
async function copyChunks(client: PoolClient, query: Parameters<typeof inlineParameters>[0], prefix: string) {
  const copy = client.query(
    copyTo(`COPY (${inlineParameters(query)}) TO STDOUT WITH (FORMAT csv, HEADER true)`),
  );
  const bytes = await begin<Buffer>(copy[Symbol.asyncIterator]());
  return (async function* () {
    const crlf = new CsvFinisher();
    let first = prefix;
    for await (const chunk of coalesced(bytes)) {
      yield first ? Buffer.concat([Buffer.from(first), crlf.convert(chunk)]) : crlf.convert(chunk);
      first = "";
    }
  })();
}

/**
 * Values lines as COPY writes them (CSV with a quote and a delimiter that a values line never
 * holds raw, so each line is the text itself), made into export lines as they arrive.
 */
async function copyLines(client: PoolClient, plan: LinesPlan) {
  const copy = client.query(
    copyTo(
      `COPY (${inlineParameters(plan.query())}) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')`,
    ),
  );
  const bytes = await begin<Buffer>(copy[Symbol.asyncIterator]());
  return (async function* () {
    const lines = plan.lines();
    if (plan.head) yield Buffer.from(plan.head);
    for await (const chunk of coalesced(bytes)) yield lines.convert(chunk);
    yield Buffer.concat([lines.finish(), Buffer.from(plan.tail)]);
  })();
}

async function rowChunks(client: PoolClient, plan: Extract<ExportPlan, { kind: "rows" }>) {
  return plan.encode(await begin(cursorRows<Record<string, unknown>>(client, plan.query())));
}

function ignoreClientError() {
  // See connect().
}

/**
 * A finished export hands its connection back to the pool, unlocked. One cut short may be
 * mid-COPY or mid-cursor: the connection is closed instead, which ends the query and the lock.
 */
function release(client: PoolClient, completed: boolean) {
  client.off("error", ignoreClientError);
  client.release(completed ? undefined : new Error("export stopped before its end"));
}
