import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.js";
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
  /** The pg pool when on a Postgres server (streaming exports use it); undefined on PGlite. */
  pool?: pg.Pool;
  /** The embedded database itself, when on PGlite (exports read it in one transaction). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export type DatabaseOptions =
  { url: string; poolSize?: number; applicationName?: string } | { dataDir: string } | { pglite: PGlite };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if ("url" in options) return openPostgres(options.url, options.poolSize ?? 10, options.applicationName);
  if ("pglite" in options) return wrapPglite(options.pglite, false);
  fs.mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir: path.join(options.dataDir, "pglite") });
  return wrapPglite(pglite, true);
}

function openPostgres(url: string, poolSize: number, applicationName = "claimant"): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // pg's default of 0 waits forever for a connection; a request should fail instead.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: applicationName,
    Client: SerialClient,
  });
  pool.on("error", () => {
    // An idle client lost its server; the pool replaces it. Requests surface real failures.
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
    pool,
    async withSession(work) {
      const client = await pool.connect();
      try {
        return await work({
          query: async (sql, params) => (await client.query(sql, params)).rows,
          exec: async (sql) => {
            await client.query(sql);
          },
        });
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
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
