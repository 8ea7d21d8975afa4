import type { DbClient, PrismaClient } from "../db/types.js";
import { InvalidError, NotFoundError, TooManyRequestsError } from "../errors.js";
import type { FieldProblem } from "../errors.js";
import type { BulkMode } from "./bulk-import.schema.js";
import type { BatchIdentity } from "./bulk-import.sql.js";

/**
 * The record of a bulk upload, by its key: which attempt (request) may write, whether the upload
 * is over, and per batch of lines what became of them. Everything here is written in the
 * transaction that stores the lines it describes, so the record never says more than is stored.
 */

export type UploadState = "open" | "complete" | "refused";

export interface UploadHandle {
  id: number;
  key: string;
  mode: BulkMode;
  /** This request's attempt: an older one stops at its next batch (SupersededError). */
  attempt: number;
  /** complete or refused: this request only reads the record and answers from it. */
  state: UploadState;
}

export interface BatchRecord extends BatchIdentity {
  lines: number[];
  claimIds: number[];
  refused: { line: number; errors: FieldProblem[] }[];
}

export const recordMessages = {
  otherMode: (key: string, mode: string) =>
    `The upload with Idempotency-Key "${key}" was sent with mode=${mode}. Send it again with the same mode, ` +
    "or send a new file under a new key.",
  otherFile: (key: string, line: number) =>
    `Lines from ${line} on differ from the file first sent with Idempotency-Key "${key}". Send exactly the same ` +
    "file to resume that upload; a changed file needs a new key (send only the lines not yet stored, or they are stored twice).",
  superseded: (key: string) =>
    `A newer request with Idempotency-Key "${key}" took over this upload; it goes on there.`,
  unknown: "No bulk upload of yours has this key (uploads are kept a day after their last request).",
  tooMany: (perUser: number) =>
    `You already have ${perUser === 1 ? "a bulk upload" : `${perUser} bulk uploads`} running, the most one ` +
    "person may run at once (BULK_UPLOADS_PER_USER). Send this file when one has finished; an interrupted " +
    "upload resumes when sent again with its Idempotency-Key.",
};

/** How long a running upload's lease lasts; its request renews it well before (LEASE_RENEW_MS). */
export const LEASE_SECONDS = 90;
export const LEASE_RENEW_MS = 30_000;
/** Namespace of the advisory lock that makes two uploads of one user start one after the other. */
const START_LOCK = 7_117;

/** Another request with the same key started after this one: this one stops writing. */
export class SupersededError extends Error {}

/**
 * Starts this request's attempt at the upload `key`: a new record, or the next attempt of an
 * open one (mode=all then starts again from its first line: nothing of it is stored yet), or a
 * finished upload that this request only answers from.
 */
export async function openUpload(
  prisma: PrismaClient,
  userId: number,
  key: string,
  mode: BulkMode,
  perUser = Infinity,
): Promise<UploadHandle> {
  for (let tries = 0; ; tries++) {
    try {
      return await prisma.$transaction(async (tx) => {
        await assertRoomToRun(tx, userId, key, perUser);
        const [existing] = await tx.$queryRaw<
          { id: number; mode: string; state: UploadState; attempt: number }[]
        >`
          SELECT id, mode, state, attempt FROM bulk_uploads WHERE user_id = ${userId} AND key = ${key} FOR UPDATE`;
        if (!existing) {
          const created = await tx.bulkUpload.create({
            data: { userId, key, mode, runningUntil: leaseEnd() },
          });
          return { id: created.id, key, mode, attempt: created.attempt, state: "open" as const };
        }
        if (existing.mode !== mode) throw new InvalidError(recordMessages.otherMode(key, existing.mode));
        if (existing.state !== "open")
          return { id: existing.id, key, mode, attempt: existing.attempt, state: existing.state };
        const attempt = existing.attempt + 1;
        await tx.bulkUpload.update({
          where: { id: existing.id },
          data: { attempt, updatedAt: new Date(), runningUntil: leaseEnd() },
        });
        if (mode === "all") {
          // What an earlier attempt set aside is checked again from the file: only the checksums stay.
          await tx.$executeRaw`UPDATE bulk_upload_batches SET lines = '{}', claim_ids = '{}', refused = NULL, staged = NULL
            WHERE upload_id = ${existing.id}`;
        }
        return { id: existing.id, key, mode, attempt, state: "open" as const };
      });
    } catch (error) {
      // Two first requests with one key at once: the loser finds the winner's record.
      if (tries === 0 && (error as { code?: string }).code === "P2002") continue;
      throw error;
    }
  }
}

const leaseEnd = () => new Date(Date.now() + LEASE_SECONDS * 1000);

/**
 * Refuses a new upload (429) while the user runs `perUser` others: each stores its batches on a
 * database connection, so one user may not take more of them. Resuming an upload (its key) counts
 * as the same one. Two starts at once are counted one after the other (an advisory lock).
 */
async function assertRoomToRun(tx: DbClient, userId: number, key: string, perUser: number): Promise<void> {
  if (!Number.isFinite(perUser)) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${START_LOCK}::int, ${userId}::int)`;
  const running = await tx.bulkUpload.findMany({
    where: { userId, key: { not: key }, state: "open", runningUntil: { gt: new Date() } },
    select: { runningUntil: true },
    orderBy: { runningUntil: "asc" },
  });
  if (running.length >= perUser) {
    throw new TooManyRequestsError(running[0]!.runningUntil!, recordMessages.tooMany(perUser));
  }
}

/** Renews this attempt's lease: the upload still runs. */
export async function renewLease(db: DbClient, upload: UploadHandle): Promise<void> {
  await db.$executeRaw`UPDATE bulk_uploads SET running_until = ${leaseEnd()}
    WHERE id = ${upload.id} AND attempt = ${upload.attempt}`;
}

/** Ends this attempt's lease: the request is over, however it ended. */
export async function endLease(db: DbClient, upload: UploadHandle): Promise<void> {
  await db.$executeRaw`UPDATE bulk_uploads SET running_until = NULL
    WHERE id = ${upload.id} AND attempt = ${upload.attempt}`;
}

/** Holds the upload for this attempt until the transaction ends; SupersededError if a newer one began. */
export async function holdAttempt(tx: DbClient, upload: UploadHandle): Promise<void> {
  const held = await tx.$executeRaw`
    UPDATE bulk_uploads SET updated_at = now() WHERE id = ${upload.id} AND attempt = ${upload.attempt} AND state = 'open'`;
  if (held === 0) throw new SupersededError(recordMessages.superseded(upload.key));
}

/**
 * The recorded batch that shares a line with `lines`: the same batch when the same file is sent
 * again; any other overlap means another file under the key (assertSameLines).
 */
export async function findBatch(
  db: DbClient,
  uploadId: number,
  lines: { firstLine: number; lastLine: number },
): Promise<BatchRecord | undefined> {
  const row = await db.bulkUploadBatch.findFirst({
    where: { uploadId, firstLine: { lte: lines.lastLine }, lastLine: { gte: lines.firstLine } },
    orderBy: { firstLine: "asc" },
    select: {
      firstLine: true,
      lastLine: true,
      linesSha256: true,
      lines: true,
      claimIds: true,
      refused: true,
    },
  });
  if (!row) return undefined;
  return {
    firstLine: row.firstLine,
    lastLine: row.lastLine,
    sha256: row.linesSha256,
    lines: row.lines,
    claimIds: row.claimIds,
    refused: (row.refused ?? []) as unknown as BatchRecord["refused"],
  };
}

/** Refuses a batch that differs from the one recorded under the same lines (a different file). */
export function assertSameLines(
  upload: UploadHandle,
  recorded: BatchIdentity | undefined,
  batch: BatchIdentity,
): void {
  if (
    recorded &&
    (recorded.sha256 !== batch.sha256 ||
      recorded.firstLine !== batch.firstLine ||
      recorded.lastLine !== batch.lastLine)
  ) {
    throw new InvalidError(recordMessages.otherFile(upload.key, batch.firstLine));
  }
}

/** An earlier request sent lines past where this file ends: it was another file. */
export async function assertNothingRecordedAfter(
  tx: DbClient,
  upload: UploadHandle,
  lastLine: number,
): Promise<void> {
  const later = await tx.bulkUploadBatch.findFirst({
    where: { uploadId: upload.id, firstLine: { gt: lastLine } },
    select: { firstLine: true },
    orderBy: { firstLine: "asc" },
  });
  if (later) throw new InvalidError(recordMessages.otherFile(upload.key, lastLine + 1));
}

export async function finishUpload(tx: DbClient, upload: UploadHandle, state: Exclude<UploadState, "open">) {
  await tx.bulkUpload.update({ where: { id: upload.id }, data: { state, updatedAt: new Date() } });
}

/** Stored lines with their claims' ids, in line order, a page of batches at a time. */
export async function* storedLines(
  db: DbClient,
  uploadId: number,
): AsyncGenerator<{ line: number; id: number }[]> {
  let after = 0;
  for (;;) {
    const batches = await db.bulkUploadBatch.findMany({
      where: { uploadId, firstLine: { gt: after } },
      orderBy: { firstLine: "asc" },
      select: { firstLine: true, lines: true, claimIds: true },
      take: 20,
    });
    if (batches.length === 0) return;
    for (const batch of batches) yield batch.lines.map((line, i) => ({ line, id: batch.claimIds[i]! }));
    after = batches[batches.length - 1]!.firstLine;
  }
}

/** The stored lines of the user's upload `key` (none while a mode=all upload is not complete). */
export async function storedLinesOf(
  db: DbClient,
  userId: number,
  key: string,
): Promise<AsyncGenerator<{ line: number; id: number }[]>> {
  const upload = await db.bulkUpload.findUnique({ where: { userId_key: { userId, key } } });
  if (!upload) throw new NotFoundError(recordMessages.unknown);
  const nothingYet = upload.mode === "all" && upload.state !== "complete";
  return nothingYet ? (async function* () {})() : storedLines(db, upload.id);
}

export interface UploadRecordJson {
  key: string;
  mode: string;
  state: UploadState;
  /** A request is working on the upload now (it holds one of the user's BULK_UPLOADS_PER_USER). */
  running: boolean;
  /** The last line of the last batch recorded. */
  linesRecorded: number;
  stored: number;
  refused: number;
  /** Stored lines as inclusive ranges, [[1, 1000], [1002, 5000]]. */
  storedRanges: [number, number][];
  createdAt: string;
  updatedAt: string;
}

/** GET /api/v1/claims/bulk/:key: what an upload stored so far, as far as its record says. */
export async function readUploadRecord(db: DbClient, userId: number, key: string): Promise<UploadRecordJson> {
  const upload = await db.bulkUpload.findUnique({ where: { userId_key: { userId, key } } });
  if (!upload) throw new NotFoundError(recordMessages.unknown);
  const summary = await db.$queryRaw<{ last: number | null; refused: number }[]>`
    SELECT max(last_line)::int AS last, coalesce(sum(jsonb_array_length(coalesce(refused, '[]'::jsonb))), 0)::int AS refused
    FROM bulk_upload_batches WHERE upload_id = ${upload.id}`;
  // An open mode=all upload has stored nothing yet, whatever it has set aside.
  const counts = upload.mode === "all" && upload.state !== "complete" ? false : true;
  const ranges: [number, number][] = [];
  let stored = 0;
  if (counts) {
    for await (const page of storedLines(db, upload.id)) {
      for (const { line } of page) {
        stored += 1;
        const last = ranges[ranges.length - 1];
        if (last && last[1] === line - 1) last[1] = line;
        else ranges.push([line, line]);
      }
    }
  }
  return {
    key,
    mode: upload.mode,
    state: upload.state as UploadState,
    running: upload.runningUntil !== null && upload.runningUntil > new Date(),
    linesRecorded: summary[0]?.last ?? 0,
    stored,
    refused: counts ? (summary[0]?.refused ?? 0) : 0,
    storedRanges: ranges,
    createdAt: upload.createdAt.toISOString(),
    updatedAt: upload.updatedAt.toISOString(),
  };
}
