import { createHash, randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/types.js";
import { isDiskFull } from "../db/availability.js";
import { assertStorageRoom } from "../db/disk-space.js";
import { AppError, InsufficientStorageError, type FieldProblem } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { resolveSpeaker } from "../speakers/speakers.service.js";
import type { Line } from "../text/lines.js";
import { LineChecker, type AcceptedLine, type CheckedLine, type RefusedLine } from "./bulk-import.check.js";
import {
  endLease,
  LEASE_RENEW_MS,
  renewLease,
  assertNothingRecordedAfter,
  assertSameLines,
  finishUpload,
  findBatch,
  holdAttempt,
  openUpload,
  storedLines,
  SupersededError,
  type BatchRecord,
  type UploadHandle,
} from "./bulk-import.records.js";
import type { BulkMode } from "./bulk-import.schema.js";
import {
  insertClaimRows,
  recordBatch,
  reserveClaimIds,
  storeSetAside,
  type BatchIdentity,
} from "./bulk-import.sql.js";

/**
 * What became of one line: stored (with the claim's id), or refused and why. `replayed`: answered
 * from the record of an earlier request with the same key, nothing written again.
 */
export type LineReport =
  | { line: number; ok: true; id: number; replayed?: true }
  | { line: number; ok: false; errors: FieldProblem[]; replayed?: true };

export interface BulkSummary {
  /** The upload's key (the Idempotency-Key sent, or one made up): GET /api/v1/claims/bulk/:key reads its record. */
  key: string;
  mode: BulkMode;
  /** Lines read in this request. */
  lines: number;
  valid: number;
  invalid: number;
  /** Claims this request stored. */
  stored: number;
  /** Lines an earlier request with the same key stored, answered from its record. */
  alreadyStored: number;
  /** The whole file was read and every line answered. */
  complete: boolean;
  /** The upload is over and its claims are stored: complete, and in mode=all without a refused line. */
  committed: boolean;
  message: string;
}

export interface BulkImportOptions {
  mode: BulkMode;
  /** The Idempotency-Key: a request with the same key resumes the upload or answers from its record. */
  key?: string;
  /**
   * Called with report lines, only for lines whose batch has committed; the import waits for it,
   * so a slow reader slows the upload instead of piling reports up in memory.
   */
  report: (entries: LineReport[]) => Promise<void> | void;
  /** Called once the upload is under way; a refusal before it (an InvalidError) is the request's answer. */
  accepted?: () => void;
  /** Called after each batch with the lines read so far (progress bars). */
  progress?: (linesRead: number) => void;
  /** Told of a failure that is not a line's fault, for the log; the summary says what was kept. */
  onFailure?: (error: unknown) => void;
  /** Aborted when the client has gone: the upload stops at the next batch, storing nothing more. */
  signal?: AbortSignal;
  /** Uploads one user may run at once (BULK_UPLOADS_PER_USER); more are refused with 429. */
  perUser?: number;
}

/** Lines per batch: large enough to amortise a transaction, small enough to keep memory flat. */
export const BATCH_LINES = 1_000;
/**
 * Bytes per batch: 1,000 lines of up to 5 MB each would be 5 GB in memory at once, so a block of
 * 1,000 lines is cut into batches of at most this many bytes of lines (a single line of up to
 * MAX_LINE_BYTES always fits). The cut depends only on the file, so a resend cuts it the same way.
 */
export const BATCH_BYTES = 16 * 1024 * 1024;
/** A batch's transaction: checks and stores at most 1,000 lines. */
const BATCH_TRANSACTION = { timeout: 120_000, maxWait: 30_000 };
/** mode=all's last step stores every set-aside batch: a million lines take about a minute. */
const FINAL_TRANSACTION = { timeout: 3_600_000, maxWait: 30_000 };
/**
 * Set-aside batches stored per statement: each statement stays well within its time limit, and
 * the disk is looked at between them (10,000 claims write a few megabytes).
 */
const BATCHES_PER_STATEMENT = 10;

/** The client went away: nothing more is stored and nobody is left to tell. */
export class ClientGoneError extends Error {}

/**
 * POST /api/v1/claims/bulk and `npm run import:claims`: claims in the single-claim shape, one per
 * line, each checked as the single route checks it (bulk-import.check.ts). Each batch of lines is
 * checked and stored in a transaction of its own, which also writes the batch's record under the
 * upload's key; the transaction never waits for the client, whose lines are read and whose report
 * is written between transactions. mode=valid commits each batch and reports it after the commit.
 * mode=all sets each batch aside and stores them all in one last transaction once the whole file
 * has been read without a refused line.
 */
export async function importClaims(
  prisma: PrismaClient,
  user: CurrentUser,
  lines: AsyncIterable<Line>,
  options: BulkImportOptions,
): Promise<BulkSummary> {
  const upload = await openUpload(
    prisma,
    user.id,
    options.key ?? `upload-${randomUUID()}`,
    options.mode,
    options.perUser,
  );
  const lease = setInterval(() => void renewLease(prisma, upload).catch(() => undefined), LEASE_RENEW_MS);
  try {
    return await new UploadRun(prisma, user, upload, options).run(lines);
  } finally {
    clearInterval(lease);
    // A lease left behind (the database is away) lapses by itself within LEASE_SECONDS.
    await endLease(prisma, upload).catch(() => undefined);
  }
}

interface Batch extends BatchIdentity {
  lines: Line[];
}

/**
 * Groups lines into batches by line number (lines 1-1000, 1001-2000, ...), a block cut further
 * where its lines pass BATCH_BYTES: the same batches in every resend of the same file.
 */
async function* batches(lines: AsyncIterable<Line>): AsyncGenerator<Batch> {
  let current: Line[] = [];
  let bytes = 0;
  let block = -1;
  let firstLine = 1;
  for await (const line of lines) {
    const lineBlock = Math.floor((line.number - 1) / BATCH_LINES);
    if (current.length && lineBlock !== block) {
      yield batchOf(current, firstLine, (block + 1) * BATCH_LINES);
      current = [];
      bytes = 0;
    } else if (current.length && bytes + lineBytes(line) > BATCH_BYTES) {
      const lastLine = current[current.length - 1]!.number;
      yield batchOf(current, firstLine, lastLine);
      current = [];
      bytes = 0;
      firstLine = lastLine + 1;
    }
    if (!current.length && lineBlock !== block) firstLine = lineBlock * BATCH_LINES + 1;
    block = lineBlock;
    current.push(line);
    bytes += lineBytes(line);
  }
  if (current.length) yield batchOf(current, firstLine, current[current.length - 1]!.number);
}

/** What a line holds in memory: its text (a refused line keeps none). */
const lineBytes = (line: Line) => ("text" in line ? line.bytes : 0);

function batchOf(lines: Line[], firstLine: number, lastLine: number): Batch {
  const hash = createHash("sha256");
  for (const line of lines) {
    hash.update(
      "text" in line ? `${line.number}\t${line.text}\n` : `${line.number}\t!${line.problem}:${line.bytes}\n`,
    );
  }
  return { firstLine, lastLine, sha256: hash.digest("hex"), lines };
}

const isAccepted = (entry: CheckedLine): entry is AcceptedLine => "row" in entry;
const isRefused = (entry: CheckedLine): entry is RefusedLine => !("row" in entry);

class UploadRun {
  private readonly counts = { lines: 0, valid: 0, invalid: 0, stored: 0, alreadyStored: 0 };
  private readonly checker: LineChecker;
  private lastLine = 0;
  private isAccepted = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly user: CurrentUser,
    private readonly upload: UploadHandle,
    private readonly options: BulkImportOptions,
  ) {
    this.checker = new LineChecker(user, upload.mode === "all" ? "defer" : "create");
  }

  async run(lines: AsyncIterable<Line>): Promise<BulkSummary> {
    try {
      for await (const batch of batches(lines)) {
        this.throwIfGone();
        await this.take(batch);
        this.accept();
        this.lastLine = batch.lastLine;
        this.options.progress?.(this.counts.lines);
      }
      // The lines may have ended because the client left: then the file is not complete.
      this.throwIfGone();
      await this.finish();
      this.accept();
      return this.summary();
    } catch (thrown) {
      // A client cut off (gone, or idle too long) breaks the reading of its lines: that is why.
      const error = this.options.signal?.aborted
        ? new ClientGoneError("the client went away")
        : isDiskFull(thrown) && !(thrown instanceof AppError)
          ? new InsufficientStorageError()
          : thrown;
      // Before anything was answered, a refusal (another file under this key) or a failure (the
      // database is away, the disk is full) is the answer itself: a 422, a 503, a 507.
      if (!this.isAccepted && !(error instanceof ClientGoneError)) throw error;
      if (!(
        error instanceof ClientGoneError ||
        error instanceof SupersededError ||
        error instanceof AppError
      )) {
        this.options.onFailure?.(error);
      }
      return this.stopped(error);
    }
  }

  private accept(): void {
    if (this.isAccepted) return;
    this.isAccepted = true;
    this.options.accepted?.();
  }

  /** Reports lines of committed batches; the upload is under way from the first report on. */
  private async report(entries: LineReport[]): Promise<void> {
    this.accept();
    try {
      await this.options.report(entries);
    } catch {
      throw new ClientGoneError("the report could not be written: its reader has gone");
    }
  }

  private throwIfGone(): void {
    if (this.options.signal?.aborted) throw new ClientGoneError("the client went away");
  }

  private async take(batch: Batch): Promise<void> {
    assertStorageRoom();
    this.counts.lines += batch.lines.length;
    if (this.upload.state !== "open") return this.replay(batch);
    if (this.upload.mode === "valid") return this.store(batch);
    return this.setAside(batch);
  }

  /** mode=valid: checks and stores the batch, or answers from its record if a request before did. */
  private async store(batch: Batch): Promise<void> {
    type Outcome = { recorded: BatchRecord } | { checked: CheckedLine[]; ids: number[] };
    const outcome = await this.prisma.$transaction(async (tx): Promise<Outcome> => {
      await holdAttempt(tx, this.upload);
      const recorded = await findBatch(tx, this.upload.id, batch);
      assertSameLines(this.upload, recorded, batch);
      if (recorded) return { recorded };
      const checked = await this.checker.check(tx, batch.lines);
      const accepted = checked.filter(isAccepted);
      const ids = await reserveClaimIds(tx, accepted.length);
      await insertClaimRows(
        tx,
        this.user.id,
        accepted.map((entry, i) => ({ ...entry.row, id: ids[i]! })),
      );
      await recordBatch(tx, this.upload.id, batch, {
        lines: accepted.map((entry) => entry.line),
        ids,
        refused: checked.filter(isRefused),
      });
      this.throwIfGone();
      return { checked, ids };
    }, BATCH_TRANSACTION);
    if ("recorded" in outcome) return this.reportRecorded(outcome.recorded);
    let next = 0;
    const reports = outcome.checked.map((entry): LineReport => {
      if (isRefused(entry)) return entry;
      return { line: entry.line, ok: true, id: outcome.ids[next++]! };
    });
    this.counts.valid += next;
    this.counts.stored += next;
    this.counts.invalid += reports.length - next;
    await this.report(reports);
  }

  /** mode=all: checks the batch and sets its claims aside; refused lines are reported at once. */
  private async setAside(batch: Batch): Promise<void> {
    const refused = await this.prisma.$transaction(async (tx) => {
      await holdAttempt(tx, this.upload);
      assertSameLines(this.upload, await findBatch(tx, this.upload.id, batch), batch);
      const checked = await this.checker.check(tx, batch.lines);
      const accepted = checked.filter(isAccepted);
      const ids = await reserveClaimIds(tx, accepted.length);
      const refusedLines = checked.filter(isRefused);
      await recordBatch(tx, this.upload.id, batch, {
        lines: accepted.map((entry) => entry.line),
        ids,
        refused: refusedLines,
        staged: accepted.map((entry, i) => ({ ...entry.row, id: ids[i]! })),
      });
      this.throwIfGone();
      return refusedLines;
    }, BATCH_TRANSACTION);
    this.counts.valid += batch.lines.length - refused.length;
    this.counts.invalid += refused.length;
    if (refused.length) await this.report(refused);
  }

  /** A finished upload sent again: each batch must be the one recorded; nothing is written. */
  private async replay(batch: Batch): Promise<void> {
    const recorded = await findBatch(this.prisma, this.upload.id, batch);
    assertSameLines(this.upload, recorded ?? { ...batch, sha256: "" }, batch);
    if (this.upload.mode === "valid" || this.upload.state === "refused") await this.reportRecorded(recorded!);
    else this.counts.valid += recorded!.lines.length;
  }

  private async reportRecorded(recorded: BatchRecord): Promise<void> {
    const reports: LineReport[] = [
      ...recorded.lines.map((line, i): LineReport => ({
        line,
        ok: true,
        id: recorded.claimIds[i]!,
        replayed: true,
      })),
      ...recorded.refused.map((entry): LineReport => ({ ...entry, ok: false, replayed: true })),
    ].sort((a, b) => a.line - b.line);
    const stored = this.upload.mode === "valid" ? recorded.lines.length : 0;
    this.counts.alreadyStored += stored;
    this.counts.valid += stored;
    this.counts.invalid += recorded.refused.length;
    await this.report(reports);
  }

  /** The whole file was read. */
  private async finish(): Promise<void> {
    if (this.upload.state !== "open") {
      await assertNothingRecordedAfter(this.prisma, this.upload, this.lastLine);
      if (this.upload.mode === "all" && this.upload.state === "complete") await this.reportStored(true);
      return;
    }
    if (this.upload.mode === "valid") {
      await this.prisma.$transaction(async (tx) => {
        await holdAttempt(tx, this.upload);
        await assertNothingRecordedAfter(tx, this.upload, this.lastLine);
        await finishUpload(tx, this.upload, "complete");
      }, BATCH_TRANSACTION);
      this.upload.state = "complete";
      return;
    }
    const state = await this.prisma.$transaction(async (tx) => {
      await holdAttempt(tx, this.upload);
      await assertNothingRecordedAfter(tx, this.upload, this.lastLine);
      if (this.counts.invalid > 0) {
        // Nothing is stored: the ids set aside are void, only the refusals stay on record.
        await tx.$executeRaw`UPDATE bulk_upload_batches SET staged = NULL, lines = '{}', claim_ids = '{}'
          WHERE upload_id = ${this.upload.id}`;
        await finishUpload(tx, this.upload, "refused");
        return "refused" as const;
      }
      const speakers: Record<string, number> = {};
      for (const [key, speaker] of this.checker.pendingSpeakers) {
        const { projectId, ...ref } = speaker;
        speakers[key] = (await resolveSpeaker(tx, projectId, { ...ref, confirmNew: true }, this.user)).id;
      }
      for (let from = 1; from <= this.lastLine; from += BATCHES_PER_STATEMENT * BATCH_LINES) {
        // One long transaction is not held back by the disk guard's read-only mode: look each time.
        assertStorageRoom();
        await storeSetAside(tx, this.upload.id, this.user.id, speakers, {
          from,
          to: from + BATCHES_PER_STATEMENT * BATCH_LINES - 1,
        });
      }
      await finishUpload(tx, this.upload, "complete");
      this.throwIfGone();
      return "complete" as const;
    }, FINAL_TRANSACTION);
    this.upload.state = state;
    if (state === "complete") await this.reportStored(false);
  }

  /** mode=all, stored: each stored line with its claim's id, from the record, in line order. */
  private async reportStored(replayed: boolean): Promise<void> {
    for await (const page of storedLines(this.prisma, this.upload.id)) {
      if (replayed) this.counts.alreadyStored += page.length;
      else this.counts.stored += page.length;
      await this.report(
        page.map(({ line, id }): LineReport => ({
          line,
          ok: true,
          id,
          ...(replayed ? { replayed: true as const } : {}),
        })),
      );
    }
  }

  private summary(): BulkSummary {
    const { invalid, stored, alreadyStored } = this.counts;
    const committed = this.upload.mode === "valid" || this.upload.state === "complete";
    const refusedLines = `${invalid.toLocaleString("en")} ${invalid === 1 ? "line was" : "lines were"} refused`;
    const earlier =
      alreadyStored > 0
        ? ` ${alreadyStored.toLocaleString("en")} ${alreadyStored === 1 ? "line was" : "lines were"} stored by an earlier request with this key and not stored again.`
        : "";
    const message = !committed
      ? `Nothing was stored: ${refusedLines} (see their errors). Fix them and send the whole file under a new key, or send it with mode=valid to store the valid lines.`
      : invalid > 0
        ? `Stored ${stored.toLocaleString("en")} claims; ${refusedLines} (see their errors).${earlier}`
        : `Stored ${stored.toLocaleString("en")} claims.${earlier}`;
    return { ...this.base(), complete: true, committed, message };
  }

  /** The upload stopped before the end of the file: the record keeps what was stored. */
  private stopped(error: unknown): BulkSummary {
    const why =
      error instanceof ClientGoneError
        ? "the client went away"
        : error instanceof SupersededError || error instanceof AppError
          ? error.message
          : "the server could not finish the upload";
    const again = `Send the same file again with Idempotency-Key ${this.upload.key}`;
    const message =
      this.upload.mode === "all"
        ? `Nothing was stored: ${why} (after line ${this.lastLine}). ${again}.`
        : `Stopped after line ${this.lastLine}: ${why}. The lines reported with an id are stored; ${again} to store the rest (lines already stored are not stored twice).`;
    return { ...this.base(), complete: false, committed: false, message };
  }

  private base() {
    return { key: this.upload.key, mode: this.upload.mode, ...this.counts };
  }
}
