import type { DbClient } from "../db/types.js";
import { TooManyRequestsError } from "../errors.js";

export interface ThrottleLimits {
  /** Failures allowed per account within the window before it is locked. */
  perAccount: number;
  /** Failures allowed per client address within the window. */
  perAddress: number;
  windowMs: number;
  lockMs: number;
}

export const defaultThrottleLimits: ThrottleLimits = {
  perAccount: 5,
  perAddress: 30,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const addressKey = (ip: string) => `address:${ip}`;

/** Throws 429 when either key is locked. Counters live in the database, shared by every process. */
export async function assertNotThrottled(db: DbClient, keys: string[]): Promise<void> {
  const locked = await db.loginThrottle.findFirst({
    where: { key: { in: keys }, lockedUntil: { gt: new Date() } },
    orderBy: { lockedUntil: "desc" },
  });
  if (locked?.lockedUntil) throw new TooManyRequestsError(locked.lockedUntil);
}

/**
 * Counts one failure against a key in a single atomic statement, locking it at the limit.
 * Times are UTC because Prisma stores DateTime in timestamp columns as UTC.
 */
export async function recordFailure(db: DbClient, key: string, limit: number, limits: ThrottleLimits) {
  const windowSeconds = limits.windowMs / 1000;
  const lockSeconds = limits.lockMs / 1000;
  await db.$executeRaw`
    INSERT INTO login_throttles (key, failures, window_starts_at, locked_until)
    VALUES (${key}, 1, timezone('UTC', now()), CASE WHEN 1 >= ${limit}::int THEN timezone('UTC', now()) + make_interval(secs => ${lockSeconds}::float8) END)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN login_throttles.window_starts_at < timezone('UTC', now()) - make_interval(secs => ${windowSeconds}::float8)
                      THEN 1 ELSE login_throttles.failures + 1 END,
      window_starts_at = CASE WHEN login_throttles.window_starts_at < timezone('UTC', now()) - make_interval(secs => ${windowSeconds}::float8)
                      THEN timezone('UTC', now()) ELSE login_throttles.window_starts_at END,
      locked_until = CASE
        WHEN (CASE WHEN login_throttles.window_starts_at < timezone('UTC', now()) - make_interval(secs => ${windowSeconds}::float8)
                   THEN 1 ELSE login_throttles.failures + 1 END) >= ${limit}::int
        THEN timezone('UTC', now()) + make_interval(secs => ${lockSeconds}::float8)
        ELSE login_throttles.locked_until END`;
}

export async function clearFailures(db: DbClient, key: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key } });
}
