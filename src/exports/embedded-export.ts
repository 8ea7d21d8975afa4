import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { EXPORT_CONNECTION_WAIT_MS } from "../db/database.js";
import type { CurrentUser } from "../http/current-user.js";
import { ExportTurns, LocalUserSlots, type ExportLimits } from "./export-limits.js";
import { BATCH, type CsvPlan, type ExportPlan, type LinesPlan } from "./export-plan.js";
import { inlineParameters } from "./export-query.js";
import { CsvFinisher, lastRecordKey } from "./formats.js";
import { batchRows } from "./row-stream.js";

/** What the embedded exports of one process share: the user slots and the turn to read. */
export interface EmbeddedExportState {
  slots: LocalUserSlots;
  turns: ExportTurns;
}

export function embeddedExportState(): EmbeddedExportState {
  return { slots: new LocalUserSlots(), turns: new ExportTurns() };
}

/**
 * An export on the embedded database. PGlite is one connection: streaming to a slow client from
 * it would hold the whole database for the download. Instead the export is read as one
 * snapshot into a temporary file as fast as the database goes (one read-only transaction, keyset
 * batches, memory held to a batch), PGlite is released, and the file is what the client reads.
 * The file is deleted when the download ends, however it ends. Every database failure happens
 * before this returns, so it can still be answered with a status.
 */
export async function openEmbeddedExport(
  pglite: PGlite,
  plan: ExportPlan,
  viewer: CurrentUser,
  limits: ExportLimits,
  state: EmbeddedExportState,
): Promise<Readable> {
  const giveBack = limits.perUser ? state.slots.take(viewer.id, limits.perUser) : () => undefined;
  let spool: Spool;
  try {
    spool = await state.turns.run(() => writeSpool(pglite, plan), EXPORT_CONNECTION_WAIT_MS);
  } catch (error) {
    giveBack();
    throw error;
  }
  const stream = createReadStream(spool.file);
  stream.once("close", () => {
    giveBack();
    void spool.remove();
  });
  return stream;
}

interface Spool {
  file: string;
  remove(): Promise<void>;
}

async function writeSpool(pglite: PGlite, plan: ExportPlan): Promise<Spool> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "claimant-export-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  const file = path.join(dir, "export");
  const out = createWriteStream(file);
  try {
    await pglite.transaction(async (tx) => {
      // Batches are separate statements: make them share one snapshot explicitly.
      await tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      if (plan.kind === "csv") await spoolCsv(tx, plan, out);
      else if (plan.kind === "lines") await spoolLines(tx, plan, out);
      else for await (const text of plan.encode(batchRows(tx, plan.query, plan.key))) await write(out, text);
    });
    out.end();
    await finished(out);
    return { file, remove };
  } catch (error) {
    out.destroy();
    await remove();
    throw error;
  }
}

/**
 * The same COPY as on a server, in keyset batches (COPY TO '/dev/blob' hands PGlite's output
 * back whole, so one COPY of everything would hold the whole file in memory). Only the first
 * batch has the header; each batch ends with a whole record, so the CRLF pass runs on as one.
 */
async function spoolCsv(tx: Transaction, plan: CsvPlan, out: WriteStream) {
  const crlf = new CsvFinisher();
  if (plan.prefix) await write(out, plan.prefix);
  let after: number | null = null;
  for (let header = true; ; header = false) {
    const batch = inlineParameters(plan.query({ after, limit: BATCH }));
    const result = await tx.query(`COPY (${batch}) TO '/dev/blob' WITH (FORMAT csv, HEADER ${header})`);
    // An empty output comes back as no blob at all.
    const bytes = result.blob ? Buffer.from(await result.blob.arrayBuffer()) : Buffer.alloc(0);
    await write(out, crlf.convert(bytes));
    if ((result.affectedRows ?? 0) < BATCH) return;
    after = lastRecordKey(bytes) ?? null;
    if (after === null) throw new Error("CSV export: no key in a full batch");
  }
}

/** Values lines in keyset batches, made into export lines: the same bytes as on a server. */
async function spoolLines(tx: Transaction, plan: LinesPlan, out: WriteStream) {
  const lines = plan.lines();
  if (plan.head) await write(out, plan.head);
  let text = "";
  for await (const row of batchRows<{ claim_id: number; line: string }>(tx, plan.query, "claim_id")) {
    text += `${row.line}\n`;
    if (text.length >= 256 * 1024) {
      await write(out, lines.convert(Buffer.from(text)));
      text = "";
    }
  }
  await write(out, Buffer.concat([lines.convert(Buffer.from(text)), lines.finish(), Buffer.from(plan.tail)]));
}

async function write(out: WriteStream, chunk: Buffer | string) {
  if (!out.write(chunk)) await once(out, "drain");
}
