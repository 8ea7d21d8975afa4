/**
 * The one place that tells "the database cannot be reached or took the connection away" from
 * every other failure, so those answer 503 with a message people can act on (wait, retry)
 * instead of a 500 that looks like a bug. Errors reach us in several shapes: pg's own
 * (SQLSTATE codes, Node socket codes, plain messages), Prisma's (P-codes, and driver adapter
 * errors with a `kind`), and PGlite's. Causes are followed, since libraries wrap each other.
 */

/** Node socket errors meaning the server is not there or dropped us. */
const socketCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * SQLSTATE: admin/crash shutdown, cannot connect now (57P01-57P03), too many connections
 * (53300). Class 08 (connection exceptions) is matched by prefix.
 */
const sqlStates = new Set(["57P01", "57P02", "57P03", "53300"]);

/**
 * Prisma: can't reach the server (P1001), timed out reaching it (P1002), server closed the
 * connection (P1017), timed out waiting for a pooled connection (P2024).
 */
const prismaCodes = new Set(["P1001", "P1002", "P1017", "P2024"]);

/** Driver adapter error kinds (Prisma 7 adapters) that mean the same things. */
const adapterKinds = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);

/** pg and PGlite say these in words only, without a code. */
const messages = [
  /^Connection terminated/, // pg: unexpectedly / due to connection timeout
  /^timeout exceeded when trying to connect/, // pg.Pool: no connection within connectionTimeoutMillis
  /is not queryable/, // pg: a client that already lost its connection
  /^Cannot use a pool after calling end/,
  /^PGlite is closed/,
  /Unable to start a transaction in the given time/, // Prisma (P2028): no pooled connection within maxWait
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  kind?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
  errors?: unknown;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return matches(error, 0);
}

function matches(error: unknown, depth: number): boolean {
  if (depth > 5 || typeof error !== "object" || error === null) return false;
  const e = error as ErrorLike;
  if (typeof e.code === "string") {
    if (socketCodes.has(e.code) || sqlStates.has(e.code) || prismaCodes.has(e.code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(e.code)) return true;
  }
  if (typeof e.kind === "string") {
    if (adapterKinds.has(e.kind)) return true;
  }
  if (typeof e.message === "string" && messages.some((pattern) => pattern.test(e.message as string))) {
    return true;
  }
  // AggregateError (a connect that tried IPv4 and IPv6) keeps its parts in `errors`.
  if (Array.isArray(e.errors) && e.errors.some((inner) => matches(inner, depth + 1))) return true;
  return matches(e.cause, depth + 1) || matches(e.meta?.driverAdapterError, depth + 1);
}

/**
 * Whether a write failed for lack of disk space: Postgres's disk_full (53100), a file system's
 * ENOSPC, or a refusal of the read-only mode the embedded database is put in when its disk is
 * nearly full (25006, src/db/disk-space.ts).
 */
export function isDiskFull(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== "object" || error === null) return false;
  const e = error as ErrorLike & { originalCode?: unknown; originalMessage?: unknown };
  const codes = [e.code, e.originalCode];
  if (codes.some((code) => code === "53100" || code === "ENOSPC" || code === "25006")) return true;
  const text = [e.message, e.originalMessage].filter((m): m is string => typeof m === "string").join(" ");
  if (/No space left on device|Code: `(53100|25006)`|read-only transaction/.test(text)) return true;
  return isDiskFull(e.cause, depth + 1) || isDiskFull(e.meta?.driverAdapterError, depth + 1);
}
