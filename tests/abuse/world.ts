import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrations.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { freshDataDir, removeDataDir } from "../helpers/data-dir.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { makeUser } from "../helpers/test-app.js";
import type { Bystander } from "./probes.js";

/** The limits the suite runs the server with: the defaults, but a shorter idle limit to wait out. */
export const ABUSE_ENV = {
  BULK_IDLE_TIMEOUT_SECONDS: "3",
  BULK_UPLOADS_PER_USER: "2",
  EXPORTS_PER_USER: "2",
  EXPORT_IDLE_TIMEOUT_SECONDS: "3",
  LOG_LEVEL: "warn",
  // The login scenario sends its guesses from many addresses (X-Forwarded-For).
  TRUST_PROXY: "true",
};

/** One database mode with the app running on it, an abuser and a bystander. */
export interface World {
  database: "postgres" | "embedded";
  server: ServerProcess;
  env: Record<string, string>;
  projectId: number;
  articleId: number;
  adminToken: string;
  abuserToken: string;
  abuserEmail: string;
  adminEmail: string;
  bystander: Bystander;
  /** Runs SQL on the database while the app holds it (Postgres) or after (embedded: not needed). */
  close(): Promise<void>;
}

/** Claims seeded for the exports: about 10 MB of JSON Lines. */
const EXPORT_CLAIMS = 20_000;

const BODY =
  "Officials said the bridge was safe. Engineers disagreed. Fans cheered. " +
  "The minister stressed that repairs would start in May.";

async function seed(db: Database) {
  const admin = await makeUser(db, "admin");
  const abuser = await makeUser(db, "annotator");
  const colleague = await makeUser(db, "annotator");
  const project = await makeProject(db, admin, [abuser, colleague]);
  const article = await makeArticle(db, admin, project.id, BODY);
  // Claims enough that an export outlasts the sockets' buffers, on an article of their own.
  const crowded = await makeArticle(db, admin, project.id, `${BODY} (crowded)`);
  await db.prisma.$executeRaw`
    INSERT INTO claims (article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type, note, updated_at)
    SELECT ${crowded.id}, ${project.id}, ${abuser.id}, 0, 9, 'Officials', '', ' said the bridge', 'outlet', 'seeded ' || n, now()
    FROM generate_series(1, ${EXPORT_CLAIMS}) AS n`;
  return {
    projectId: project.id,
    articleId: article.id,
    abuserEmail: abuser.email,
    adminEmail: admin.email,
    adminToken: (await createApiToken(db.prisma, admin.id, "abuse", "write")).token,
    abuserToken: (await createApiToken(db.prisma, abuser.id, "abuse", "write")).token,
    bystanderToken: (await createApiToken(db.prisma, colleague.id, "abuse", "write")).token,
    span: { ...spanOf(article.body, "Fans cheered."), quote: "Fans cheered." },
  };
}

function worldOf(
  database: World["database"],
  server: ServerProcess,
  env: Record<string, string>,
  seeded: Awaited<ReturnType<typeof seed>>,
  cleanup: () => Promise<void>,
): World {
  return {
    database,
    server,
    env,
    projectId: seeded.projectId,
    articleId: seeded.articleId,
    adminToken: seeded.adminToken,
    abuserToken: seeded.abuserToken,
    abuserEmail: seeded.abuserEmail,
    adminEmail: seeded.adminEmail,
    bystander: {
      url: () => server.url,
      token: seeded.bystanderToken,
      articleId: seeded.articleId,
      span: seeded.span,
    },
    async close() {
      await server.stop();
      await cleanup();
    },
  };
}

export async function postgresWorld(): Promise<World> {
  const adminUrl = process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
  const name = `claimant_abuse_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  await applyMigrations(db);
  const seeded = await seed(db);
  await db.close();
  const env = { ...ABUSE_ENV, DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: "10" };
  const server = await startServerProcess(env);
  return worldOf("postgres", server, env, seeded, async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
}

export async function embeddedWorld(): Promise<World> {
  const dir = await freshDataDir("claimant-abuse-");
  const pglite = await PGlite.create({ dataDir: path.join(dir, "pglite") });
  const db = await openDatabase({ pglite });
  const seeded = await seed(db);
  await db.close();
  await pglite.close();
  const env = { ...ABUSE_ENV, DATA_DIR: dir, DATABASE_URL: "" };
  const server = await startServerProcess(env);
  return worldOf("embedded", server, env, seeded, async () => removeDataDir(dir));
}
