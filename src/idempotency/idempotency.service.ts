import { createHash } from "node:crypto";
import type { DbClient } from "../db/types.js";
import { Prisma } from "../generated/prisma/client.js";

/**
 * Idempotency keys: the answer to a write is stored in the write's own transaction, under the
 * user's key. A retry with the key finds the answer and writes nothing; a second request racing
 * the first waits on the key's row and fails when the first commits (isKeyTaken), and is then
 * answered from the stored row. Answers that wrote nothing (4xx, 5xx) are not stored: sending
 * the request again is then simply another try.
 */

/** The key a write was sent with, for the user who sent it, and what the request was. */
export interface IdempotentWrite {
  userId: number;
  key: string;
  /** sha256 of method, path and body (requestFingerprint). */
  fingerprint: string;
}

export interface StoredAnswer {
  status: number;
  location?: string | null;
  body?: unknown;
}

export interface FoundAnswer extends StoredAnswer {
  fingerprint: string;
}

/** Keys are kept this long after their first use: a day of retries, with room to spare. */
export const KEY_LIFETIME_HOURS = 24;

export function requestFingerprint(method: string, path: string, query: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method}\n${path}\n${query}\n${JSON.stringify(body ?? null)}`)
    .digest("hex");
}

export async function findAnswer(
  db: DbClient,
  userId: number,
  key: string,
): Promise<FoundAnswer | undefined> {
  const row = await db.idempotencyKey.findUnique({ where: { userId_key: { userId, key } } });
  if (!row) return undefined;
  return { fingerprint: row.fingerprint, status: row.status, location: row.location, body: row.body };
}

/** Stores the answer with the write; call last inside the write's transaction. */
export async function rememberAnswer(
  tx: DbClient,
  write: IdempotentWrite | undefined,
  answer: StoredAnswer,
): Promise<void> {
  if (!write) return;
  await tx.idempotencyKey.create({
    data: {
      userId: write.userId,
      key: write.key,
      fingerprint: write.fingerprint,
      status: answer.status,
      location: answer.location ?? null,
      body:
        answer.body === undefined || answer.body === null
          ? Prisma.DbNull
          : (JSON.parse(JSON.stringify(answer.body)) as Prisma.InputJsonValue),
    },
  });
}

/**
 * The same as rememberAnswer, as a part of one SQL statement: `answer` is SQL for the stored
 * body (a json value), `status` and `location` SQL too. Inserts nothing when there is no key.
 */
export function rememberAnswerSql(
  write: IdempotentWrite | undefined,
  answer: { status: number; location: Prisma.Sql; body: Prisma.Sql; from: Prisma.Sql },
): Prisma.Sql {
  return Prisma.sql`INSERT INTO idempotency_keys (user_id, key, fingerprint, status, location, body)
    SELECT ${write?.userId ?? null}::int, ${write?.key ?? null}::text, ${write?.fingerprint ?? null}::text,
           ${answer.status}::int, ${answer.location}, ${answer.body}
    FROM ${answer.from} WHERE ${write?.key ?? null}::text IS NOT NULL`;
}

/** Keys older than their lifetime go; so do bulk uploads untouched as long (with their records). */
export async function purgeExpiredKeys(
  db: DbClient,
  now = new Date(),
): Promise<{ keys: number; uploads: number }> {
  const before = new Date(now.getTime() - KEY_LIFETIME_HOURS * 3_600_000);
  const keys = await db.idempotencyKey.deleteMany({ where: { createdAt: { lt: before } } });
  const uploads = await db.bulkUpload.deleteMany({ where: { updatedAt: { lt: before } } });
  return { keys: keys.count, uploads: uploads.count };
}

interface ErrorLike {
  code?: unknown;
  originalCode?: unknown;
  kind?: unknown;
  message?: unknown;
  originalMessage?: unknown;
  constraint?: unknown;
  meta?: unknown;
  cause?: unknown;
}

/**
 * Whether a write failed because its idempotency key was stored meanwhile by another request
 * (a unique violation on idempotency_keys), in any of the shapes Prisma and the adapters give.
 */
export function isKeyTaken(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== "object" || error === null) return false;
  const e = error as ErrorLike;
  const unique =
    e.code === "23505" ||
    e.code === "P2002" ||
    e.originalCode === "23505" ||
    e.kind === "UniqueConstraintViolation";
  const named = /idempotency_keys|IdempotencyKey/.test(
    JSON.stringify([e.message, e.originalMessage, e.constraint, e.meta]),
  );
  if (unique && named) return true;
  const meta = e.meta as { driverAdapterError?: unknown } | undefined;
  return isKeyTaken(e.cause, depth + 1) || isKeyTaken(meta?.driverAdapterError, depth + 1);
}
