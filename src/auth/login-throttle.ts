import { Prisma } from "../generated/prisma/client.js";
import type { DbClient } from "../db/types.js";
import { TooManyRequestsError } from "../errors.js";

/**
 * Login back-off. Failed password checks are counted against three keys, each in its own row of
 * login_throttles so that every app process sees the same counts:
 *
 * - the account AND the client address: the strict one. It stops one address guessing one
 *   account, and it is the one an outsider fills when they try the admin's email;
 * - the client address alone, across all accounts: stops one address spraying many accounts;
 * - the account alone, across all addresses: a much higher threshold and a short cap, and it only
 *   holds back addresses that have failed on that account themselves. The right password from an
 *   address with no failures of its own for the account always gets through, so nobody can lock
 *   the real user out by guessing from elsewhere.
 *
 * Each key allows some free failures; every further failure makes that key wait before its next
 * attempt, doubling from `firstDelayMs` up to `maxDelayMs`. Failures are forgotten once a key has
 * had none for `forgetAfterMs`; a successful login clears its account-and-address row only (never
 * the address's or the account's counts, which an attacker could otherwise reset with an account
 * of their own). An admin can clear an account's rows (users/:id/unlock).
 */
export interface BackOff {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** The wait after the first failure beyond the free ones; each further failure doubles it. */
  firstDelayMs: number;
  /** The longest wait. */
  maxDelayMs: number;
}

export interface ThrottleLimits {
  perAccountAddress: BackOff;
  perAddress: BackOff;
  perAccount: BackOff;
  /** A key with no failure for this long starts again from zero. */
  forgetAfterMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** The figures documented in docs/limits.md ("Failed logins"). */
export const defaultThrottleLimits: ThrottleLimits = {
  perAccountAddress: { freeFailures: 5, firstDelayMs: SECOND, maxDelayMs: 15 * MINUTE },
  perAddress: { freeFailures: 20, firstDelayMs: SECOND, maxDelayMs: 15 * MINUTE },
  perAccount: { freeFailures: 100, firstDelayMs: SECOND, maxDelayMs: MINUTE },
  forgetAfterMs: 24 * 60 * MINUTE,
};

export interface LoginAttempt {
  /** As typed; compared lower-cased and trimmed. */
  email: string;
  /** The client address (req.ip, which honours TRUST_PROXY). */
  address: string;
}

type Kind = "account-address" | "address" | "account";

interface ThrottleKey {
  kind: Kind;
  key: string;
  account: string | null;
  address: string | null;
}

const normalEmail = (email: string) => email.trim().toLowerCase();

function keysOf(attempt: LoginAttempt): Record<Kind, ThrottleKey> {
  const account = normalEmail(attempt.email);
  const { address } = attempt;
  return {
    // JSON keeps the two parts apart whatever characters an email or an address holds.
    "account-address": {
      kind: "account-address",
      key: `account-address:${JSON.stringify([account, address])}`,
      account,
      address,
    },
    address: { kind: "address", key: `address:${address}`, account: null, address },
    account: { kind: "account", key: `account:${account}`, account, address: null },
  };
}

const limitOf = (limits: ThrottleLimits, kind: Kind): BackOff =>
  kind === "account-address"
    ? limits.perAccountAddress
    : kind === "address"
      ? limits.perAddress
      : limits.perAccount;

/** The wait after `failures` failures under `backOff` (0 while free): for tests and the docs. */
export function delayAfter(failures: number, backOff: BackOff): number {
  const beyond = failures - backOff.freeFailures;
  if (beyond <= 0) return 0;
  return Math.min(backOff.maxDelayMs, backOff.firstDelayMs * 2 ** Math.min(beyond - 1, 60));
}

/**
 * Refuses (429, with the time to come back) an attempt while one of its keys is waiting. The
 * account-wide key counts only for an address that has failed on this account itself.
 */
export async function assertMayAttempt(db: DbClient, attempt: LoginAttempt, limits: ThrottleLimits) {
  const keys = keysOf(attempt);
  const rows = await db.loginThrottle.findMany({
    where: { key: { in: [keys["account-address"].key, keys.address.key, keys.account.key] } },
  });
  const now = Date.now();
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const own = byKey.get(keys["account-address"].key);
  const hasOwnFailures =
    own !== undefined && own.failures > 0 && own.lastFailureAt.getTime() > now - limits.forgetAfterMs;
  const applicable = [keys["account-address"], keys.address, ...(hasOwnFailures ? [keys.account] : [])];
  let until: Date | undefined;
  for (const { key } of applicable) {
    const lockedUntil = byKey.get(key)?.lockedUntil;
    if (lockedUntil && lockedUntil.getTime() > now && (!until || lockedUntil > until)) until = lockedUntil;
  }
  if (until) throw new TooManyRequestsError(until, waitMessage(until));
}

export function waitMessage(until: Date): string {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / SECOND));
  const wait =
    seconds < 90 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${Math.ceil(seconds / 60)} minutes`;
  return (
    `Too many failed attempts. Try again after ${until.toISOString().slice(11, 19)} UTC (in ${wait}). ` +
    "Each further failure doubles the wait; an admin can unlock your account."
  );
}

/** Counts one failure against each of the attempt's keys and sets each key's wait. */
export async function recordFailedAttempt(db: DbClient, attempt: LoginAttempt, limits: ThrottleLimits) {
  const keys = keysOf(attempt);
  for (const key of [keys["account-address"], keys.address, keys.account]) {
    await countFailure(db, key, limitOf(limits, key.kind), limits.forgetAfterMs);
  }
  await forgetOld(db, limits.forgetAfterMs);
}

const NOW = Prisma.sql`timezone('UTC', now())`;

/**
 * One atomic statement per key, so concurrent failures in several processes all count. Times are
 * UTC because Prisma stores DateTime in timestamp columns as UTC.
 */
async function countFailure(db: DbClient, key: ThrottleKey, backOff: BackOff, forgetAfterMs: number) {
  const forgotten = Prisma.sql`login_throttles.last_failure_at < ${NOW} - make_interval(secs => ${forgetAfterMs / SECOND}::float8)`;
  const count = Prisma.sql`(CASE WHEN ${forgotten} THEN 1 ELSE login_throttles.failures + 1 END)`;
  const until = (failures: Prisma.Sql) => Prisma.sql`
    CASE WHEN ${failures} > ${backOff.freeFailures}::int
      THEN ${NOW} + make_interval(secs => LEAST(
        ${backOff.maxDelayMs / SECOND}::float8,
        ${backOff.firstDelayMs / SECOND}::float8 * power(2::float8, LEAST(${failures} - ${backOff.freeFailures}::int - 1, 60))))
    END`;
  await db.$executeRaw`
    INSERT INTO login_throttles (key, account, address, failures, last_failure_at, locked_until)
    VALUES (${key.key}, ${key.account}, ${key.address}, 1, ${NOW}, ${until(Prisma.sql`1`)})
    ON CONFLICT (key) DO UPDATE SET
      failures = ${count},
      last_failure_at = ${NOW},
      locked_until = ${until(count)}`;
}

/** Rows nobody has failed on for the forget period mean nothing any more. */
async function forgetOld(db: DbClient, forgetAfterMs: number) {
  await db.$executeRaw`
    DELETE FROM login_throttles
    WHERE last_failure_at < ${NOW} - make_interval(secs => ${forgetAfterMs / SECOND}::float8)
      AND (locked_until IS NULL OR locked_until < ${NOW})`;
}

/** The right password: this address's failures on this account are forgiven. */
export async function recordSuccessfulAttempt(db: DbClient, attempt: LoginAttempt) {
  await db.loginThrottle.deleteMany({ where: { key: keysOf(attempt)["account-address"].key } });
}

export interface AccountThrottle {
  /** Failures on this account from any address, not yet forgotten. */
  failures: number;
  /** Addresses held back from this account right now. */
  addressesWaiting: number;
  /** The latest time until which some address is held back from this account (null: none is). */
  lockedUntil: Date | null;
}

/** What an admin sees on the user's page. */
export async function accountThrottle(db: DbClient, email: string): Promise<AccountThrottle> {
  const account = normalEmail(email);
  const rows = await db.loginThrottle.findMany({ where: { account } });
  const now = new Date();
  const waiting = rows.filter((row) => row.lockedUntil && row.lockedUntil > now);
  const accountWide = rows.find((row) => row.address === null);
  const pairs = rows.filter((row) => row.address !== null);
  const addressesWaiting = accountWide && waiting.includes(accountWide) ? pairs.length : waiting.length;
  const lockedUntil = waiting.reduce<Date | null>(
    (latest, row) => (!latest || row.lockedUntil! > latest ? row.lockedUntil : latest),
    null,
  );
  return { failures: accountWide?.failures ?? 0, addressesWaiting, lockedUntil };
}

/** An admin's unlock: every count and wait of the account, from every address, is cleared. */
export async function unlockAccount(db: DbClient, email: string): Promise<number> {
  const { count } = await db.loginThrottle.deleteMany({ where: { account: normalEmail(email) } });
  return count;
}
