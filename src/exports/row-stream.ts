import type { Prisma } from "../generated/prisma/client.js";
import type { KeysetPage } from "./export-query.js";
import QueryStream from "pg-query-stream";
import type { Database } from "../db/database.js";

const BATCH = 2000;

/**
 * Rows of one query, read as one consistent snapshot with memory held to a batch:
 * on a Postgres server a cursor over a single statement; on PGlite keyset batches inside one
 * transaction (which holds the embedded database for the duration: it is one connection).
 * Stopping the iteration (a client that went away) closes the cursor or ends the transaction.
 */
export async function* streamRows<Row extends Record<string, unknown>>(
  db: Database,
  query: (page?: KeysetPage) => Prisma.Sql,
  keyColumn: string,
): AsyncGenerator<Row> {
  if (db.pool) {
    const client = await db.pool.connect();
    const whole = query();
    const stream = client.query(new QueryStream(whole.text, whole.values, { batchSize: BATCH }));
    let failed: Error | undefined;
    try {
      for await (const row of stream) yield row as Row;
    } catch (error) {
      failed = error as Error;
      throw error;
    } finally {
      stream.destroy();
      // A cursor left open mid-way would keep the connection busy: discard it rather than reuse.
      client.release(failed ?? (stream.readableEnded ? undefined : new Error("export stopped")));
    }
    return;
  }
  yield* pgliteBatches<Row>(db, query, keyColumn);
}

async function* pgliteBatches<Row extends Record<string, unknown>>(
  db: Database,
  query: (page: KeysetPage) => Prisma.Sql,
  keyColumn: string,
): AsyncGenerator<Row> {
  const pglite = db.pglite!;
  const rows: Row[][] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let stopped = false;
  let failure: unknown;
  // The transaction runs ahead by at most one batch, then waits for the consumer.
  const done = pglite
    .transaction(async (tx) => {
      let last: number | null = null;
      for (;;) {
        const batchQuery = query({ after: last, limit: BATCH });
        const batch = await tx.query<Row>(batchQuery.text, batchQuery.values);
        if (batch.rows.length === 0 || stopped) break;
        rows.push(batch.rows);
        wake?.();
        last = batch.rows[batch.rows.length - 1]![keyColumn] as number;
        while (rows.length > 0 && !stopped) await new Promise<void>((resolve) => (wake = resolve));
        if (batch.rows.length < BATCH) break;
      }
    })
    .catch((error: unknown) => (failure = error))
    .finally(() => {
      finished = true;
      wake?.();
    });
  try {
    for (;;) {
      const batch = rows.shift();
      if (batch) {
        wake?.();
        yield* batch;
        continue;
      }
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failure) throw failure;
  } finally {
    stopped = true;
    wake?.();
    await done;
  }
}
