import type { Transaction } from "@electric-sql/pglite";
import type { PoolClient } from "pg";
import QueryStream from "pg-query-stream";
import type { Prisma } from "../generated/prisma/client.js";
import { BATCH } from "./export-plan.js";
import type { KeysetPage } from "./export-query.js";

/**
 * Rows of one statement through a cursor on the caller's connection: one snapshot, memory held
 * to a batch. Stopping the iteration closes the cursor.
 *
 * A connection lost while the cursor waits for its reader is watched for here: pg-query-stream
 * (4.x) then neither ends nor fails, it hangs, and the download with it.
 */
export async function* cursorRows<Row>(client: PoolClient, query: Prisma.Sql): AsyncGenerator<Row> {
  const stream = client.query(new QueryStream(query.text, query.values, { batchSize: BATCH }));
  // Each wait for a row can be cut short by a lost connection. A promise of its own per wait:
  // racing every row against one long-lived promise would keep every row reachable from it.
  let lostWith: Error | undefined;
  let cutShort: ((error: Error) => void) | undefined;
  const onLost = (error: Error) => {
    lostWith = error;
    cutShort?.(error);
  };
  const onEnd = () => onLost(new Error("Connection terminated unexpectedly"));
  client.once("error", onLost);
  client.once("end", onEnd);
  const rows = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (lostWith) throw lostWith;
      const next = await new Promise<IteratorResult<unknown>>((resolve, reject) => {
        cutShort = reject;
        rows.next().then(resolve, reject);
      });
      cutShort = undefined;
      if (next.done) return;
      yield next.value as Row;
    }
  } finally {
    client.off("error", onLost);
    client.off("end", onEnd);
    // Closing the cursor on a failed connection would wait forever for the server's answer;
    // the caller discards that connection anyway.
    if (!lostWith) stream.destroy();
  }
}

/**
 * Rows in keyset batches inside the caller's PGlite transaction (which holds the one snapshot).
 */
export async function* batchRows<Row extends Record<string, unknown>>(
  tx: Transaction,
  query: (page: KeysetPage) => Prisma.Sql,
  keyColumn: string,
): AsyncGenerator<Row> {
  let after: number | null = null;
  for (;;) {
    const batch = query({ after, limit: BATCH });
    const { rows } = await tx.query<Row>(batch.text, batch.values);
    yield* rows;
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1]![keyColumn] as number;
  }
}

/**
 * Starts `source` now, so that a failure before its first item (a bad query, a lost connection)
 * is thrown here, before any byte of the response is sent, and can still become a proper status.
 */
export async function begin<T>(source: AsyncIterator<T>): Promise<AsyncGenerator<T>> {
  const first = await source.next();
  async function* rest(): AsyncGenerator<T> {
    try {
      if (first.done) return;
      yield first.value;
      for (;;) {
        const next = await source.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await source.return?.();
    }
  }
  return rest();
}

/** Chunks handed on together: COPY writes one message a row, too small to send one by one. */
const COALESCED_BYTES = 256 * 1024;

/**
 * Joins small chunks into pieces of about COALESCED_BYTES, so that the response is written in
 * a few large writes instead of one per row (a million writes cost more than the bytes).
 */
export async function* coalesced(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= COALESCED_BYTES) {
      yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield Buffer.concat(parts, size);
}
