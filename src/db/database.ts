import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.js";
import { preparedStatementName } from "./prepared.js";
import { SerialClient } from "./serial-client.js";

/**
 * A plain SQL connection, for what Prisma cannot do: migrations under an advisory lock,
 * health checks. On a Postgres server it is one pooled connection held for the whole callback.
 */
export interface SqlSession {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs several statements (a migration file) in one round trip, without parameters. */
  exec(sql: string): Promise<void>;
}

export interface Database {
  kind: "postgres" | "pglite";
  prisma: PrismaClient;
  /** Runs `work` on one connection of its own (needed for session-level advisory locks). */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** The app's pg pool when on a Postgres server; undefined on PGlite. */
  pool?: pg.Pool;
  /**
   * Exports' own connections on a Postgres server (src/exports): a download holds one for as
   * long as its client reads, so exports never take the connections the rest of the app needs.
   */
  exportPool?: pg.Pool;
  /** The embedded database itself, when on PGlite (exports read it in one transaction). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export interface PostgresOptions {
  url: string;
  poolSize?: number;
  /**
   * Connections the pool keeps open through quiet spells (pg's `min`); the server opens them at
   * start (src/warm-up.ts). The rest close after 30 s idle.
   */
  keptConnections?: number;
  /** Size of the exports' own pool. */
  exportConnections?: number;
  /**
   * Longest a statement on the app's pool may run, so that a stuck query cannot pin a connection
   * forever. Unset: no limit (tests, benchmarks seeding a million rows).
   */
  statementTimeoutMs?: number;
  applicationName?: string;
}

export type DatabaseOptions = PostgresOptions | { dataDir: string } | { pglite: PGlite };

/**
 * How long an export waits for one of the exports' connections before it is told that all are
 * busy (503): long enough to ride out a download that is just finishing, short enough to answer.
 */
export const EXPORT_CONNECTION_WAIT_MS = 5_000;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if ("url" in options) return openPostgres(options);
  if ("pglite" in options) return wrapPglite(options.pglite, false);
  fs.mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir: path.join(options.dataDir, "pglite") });
  return wrapPglite(pglite, true);
}

function openPostgres(options: PostgresOptions): Database {
  const applicationName = options.applicationName ?? "claimant";
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    min: Math.min(options.keptConnections ?? 0, options.poolSize ?? 10),
    // pg's default of 0 waits forever for a connection; a request should fail instead.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: applicationName,
    Client: SerialClient,
    // Notices a server that vanished without closing the connection (a cut network).
    keepAlive: true,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    // A transaction left open by a stalled request would hold its locks and its connection.
    idle_in_transaction_session_timeout: 60_000,
  });
  // No idle-in-transaction limit here: a cursor paused for a slow reader is legitimately idle;
  // the exports cut clients that stop reading themselves (src/exports/send.ts).
  const exportPool = new pg.Pool({
    connectionString: options.url,
    max: options.exportConnections ?? 3,
    connectionTimeoutMillis: EXPORT_CONNECTION_WAIT_MS,
    idleTimeoutMillis: 30_000,
    application_name: `${applicationName}-export`,
    keepAlive: true,
  });
  const ignore = () => {
    // An idle client lost its server; the pool replaces it. Requests surface real failures.
  };
  pool.on("error", ignore);
  exportPool.on("error", ignore);
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, { statementNameGenerator: preparedStatementName }),
  });
  return {
    kind: "postgres",
    prisma,
    pool,
    exportPool,
    async withSession(work) {
      const client = await pool.connect();
      let failure: Error | undefined;
      try {
        // Sessions do maintenance (migrations queued on a lock) that may rightly take long.
        if (options.statementTimeoutMs) await client.query("SET statement_timeout = 0");
        const result = await work({
          query: async (sql, params) => (await client.query(sql, params)).rows,
          exec: async (sql) => {
            await client.query(sql);
          },
        });
        if (options.statementTimeoutMs) await client.query("RESET statement_timeout");
        return result;
      } catch (error) {
        failure = error as Error;
        throw error;
      } finally {
        // A session that failed may keep its settings: discard it rather than lend it out again.
        client.release(failure);
      }
    },
    async close() {
      await prisma.$disconnect();
      await Promise.all([pool.end(), exportPool.end()]);
    },
  };
}

function wrapPglite(pglite: PGlite, ownsPglite: boolean): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const session: SqlSession = {
    query: async <Row>(sql: string, params?: unknown[]) => (await pglite.query<Row>(sql, params)).rows,
    exec: async (sql) => {
      await pglite.exec(sql);
    },
  };
  return {
    kind: "pglite",
    prisma,
    pglite,
    // PGlite is a single connection inside this process, so every caller already has it alone.
    withSession: (work) => work(session),
    async close() {
      await prisma.$disconnect();
      if (ownsPglite) await pglite.close();
    },
  };
}
