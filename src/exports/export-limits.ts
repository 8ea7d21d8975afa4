import type { PoolClient } from "pg";
import { ServiceUnavailableError, TooManyRequestsError } from "../errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";

/** What an export may take. Unset limits (the operator's command line) do not apply. */
export interface ExportLimits {
  /** Exports one user may run at once. */
  perUser?: number;
  /** A download whose client has taken nothing for this long is cut. */
  idleTimeoutMs?: number;
}

/** Exports run for seconds to minutes; sooner than this, the same answer is likely. */
export const EXPORT_RETRY_SECONDS = 30;

const messages = {
  perUser: (perUser: number) =>
    `You already have ${perUser === 1 ? "an export" : `${perUser} exports`} running, the most one person ` +
    `may run at once. Try again when ${perUser === 1 ? "it has" : "one of them has"} finished, ` +
    `or in ${EXPORT_RETRY_SECONDS} seconds.`,
  busy:
    "All export slots are busy with other people's downloads; nothing is wrong with your request. " +
    `Try again in ${EXPORT_RETRY_SECONDS} seconds.`,
};

export function tooManyExports(perUser: number): TooManyRequestsError {
  return new TooManyRequestsError(
    new Date(Date.now() + EXPORT_RETRY_SECONDS * 1000),
    messages.perUser(perUser),
  );
}

export function exportsBusy(): ServiceUnavailableError {
  return new ServiceUnavailableError("exports_busy", messages.busy, EXPORT_RETRY_SECONDS);
}

/**
 * Server mode: a user's running exports are Postgres advisory locks (key pair: namespace + slot,
 * user id) held by each export's own connection, so every app process sees them and a
 * connection that dies takes its lock with it. Two-key locks never meet the migrations' one-key lock.
 */
const USER_SLOT_NAMESPACE = 72_617_100;

/** Takes a free slot of the user's on this connection, or returns undefined when all are held. */
export async function takeUserSlot(
  client: PoolClient,
  userId: number,
  perUser: number,
): Promise<number | undefined> {
  for (let slot = 0; slot < perUser; slot += 1) {
    const { rows } = await client.query<{ taken: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS taken", [
      USER_SLOT_NAMESPACE + slot,
      userId,
    ]);
    if (rows[0]?.taken) return slot;
  }
  return undefined;
}

export async function freeUserSlot(client: PoolClient, userId: number, slot: number): Promise<void> {
  await client.query("SELECT pg_advisory_unlock($1, $2)", [USER_SLOT_NAMESPACE + slot, userId]);
}

/**
 * How many of the user's slots are held right now, read from pg_locks. It lets a user at the
 * limit hear 429 at once instead of first queueing for an export connection; the lock taken on
 * the export's connection stays the rule.
 */
export async function userSlotsHeld(prisma: PrismaClient, userId: number, perUser: number): Promise<number> {
  const rows = await prisma.$queryRaw<{ held: number }[]>`
    SELECT count(*)::int AS held FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 2
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND classid::bigint BETWEEN ${USER_SLOT_NAMESPACE} AND ${USER_SLOT_NAMESPACE + perUser - 1}
      AND objid::bigint = ${userId}`;
  return rows[0]?.held ?? 0;
}

/** Embedded mode: one process holds the database, so counting in memory is exact. */
export class LocalUserSlots {
  private readonly running = new Map<number, number>();

  /** Takes one of the user's slots; the returned function gives it back (once). */
  take(userId: number, perUser: number): () => void {
    const count = this.running.get(userId) ?? 0;
    if (count >= perUser) throw tooManyExports(perUser);
    this.running.set(userId, count + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.running.get(userId) ?? 1) - 1;
      if (left > 0) this.running.set(userId, left);
      else this.running.delete(userId);
    };
  }
}

/**
 * Embedded mode: exports read the one PGlite connection one at a time. PGlite queues work in
 * arrival order, so two exports queued together would make a save that arrives after them wait
 * for both; taking turns here lets it slip in between. A turn not granted within `maxWaitMs`
 * is refused as busy.
 */
export class ExportTurns {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(work: () => Promise<T>, maxWaitMs: number): Promise<T> {
    const previous = this.tail;
    let finished!: () => void;
    const mine = new Promise<void>((resolve) => (finished = resolve));
    this.tail = previous.then(() => mine);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), maxWaitMs)));
    const timedOut = await Promise.race([previous.then(() => false), gaveUp]);
    clearTimeout(timer);
    if (timedOut) {
      finished();
      throw exportsBusy();
    }
    try {
      return await work();
    } finally {
      finished();
    }
  }
}
