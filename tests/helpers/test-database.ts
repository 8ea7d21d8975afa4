import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrations.js";

export const serverUrl = process.env.TEST_DATABASE_URL;
export const onPostgresServer = Boolean(serverUrl);

export interface TestDatabase {
  db: Database;
  /** Connection string of this test's own database (Postgres server mode only). */
  url?: string;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file, built from the migrations alone: on the server when
 * TEST_DATABASE_URL is set, else embedded. `mode` asks for one of them regardless.
 */
export async function createTestDatabase(
  options: { migrate?: boolean; mode?: "pglite" | "server" } = {},
): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  if ((options.mode ?? (serverUrl ? "server" : "pglite")) === "pglite") {
    const pglite = await PGlite.create();
    const db = await openDatabase({ pglite });
    if (migrate) await applyMigrations(db);
    return {
      db,
      drop: async () => {
        await db.close();
        await pglite.close();
      },
    };
  }
  const url = await createEmptyServerDatabase();
  const db = await openDatabase({ url, poolSize: 5, applicationName: "claimant-test" });
  if (migrate) await applyMigrations(db);
  return {
    db,
    url,
    drop: async () => {
      await db.close();
      await dropServerDatabase(url);
    },
  };
}

export async function createEmptyServerDatabase(): Promise<string> {
  if (!serverUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `claimant_test_${randomBytes(6).toString("hex")}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropServerDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
