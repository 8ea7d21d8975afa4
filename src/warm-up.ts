// What the first requests after a start would otherwise pay for, paid before the server listens.
// Measured on /claims at a million claims (2 cores): the first request took 55-80 ms against
// 10-15 ms for the next ones. Its time went to opening pooled connections inside the request (the
// page's queries run side by side, each on a connection of its own), to each new Postgres backend
// filling its catalog caches on its first queries, to Prisma compiling each query shape on first
// use, to zod compiling the page's input schemas, and to EJS compiling the page's templates. With
// the warm-up, the first request takes 15-30 ms on a quiet machine, as the next ones do.
import fs from "node:fs";
import path from "node:path";
import ejs from "ejs";
import type { Express } from "express";
import { Cookie } from "express-session";
import type { Logger } from "pino";
import type { App } from "./app.js";
import { claimFiltersInput } from "./claims/claims.filters.js";
import { pageInput, searchClaims } from "./claims/claims.search.js";
import { filterChoices } from "./claims/filter-choices.js";
import type { Database } from "./db/database.js";
import type { CurrentUser } from "./http/current-user.js";

/** Reads as an admin would, so that the queries take their widest shape; nothing is written. */
const warmViewer: CurrentUser = {
  id: 0,
  email: "",
  name: "",
  role: "admin",
  version: 0,
  mustChangePassword: false,
};

/**
 * Compiles every template into EJS's cache when the app caches views (production), the way the
 * first render of each would, so that no visitor waits for a compile.
 */
export function compileViews(app: Express): number {
  if (!app.enabled("view cache")) return 0;
  const root = path.resolve(app.get("views") as string);
  const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((file) =>
    file.endsWith(".ejs"),
  );
  for (const file of files) {
    const filename = path.join(root, file);
    // The same key and options as Express's render and EJS's include use for the cached function.
    ejs.cache.set(filename, ejs.compile(fs.readFileSync(filename, "utf8"), { filename, cache: true }));
  }
  return files.length;
}

/**
 * Opens the pool's kept connections (the pool's `min`) and runs on each of them at once the
 * queries every signed-in request makes (its session, its user read through Passport as a request
 * reads it, the session's renewal) and those of the busiest page (the claims list and its filter
 * choices): the connections are then open, their backends' caches filled, and Prisma's compiled
 * plans cached. The pool keeps these connections through quiet spells. Nothing is written: the
 * renewal names no session.
 */
export async function warmDatabase(app: App, db: Database): Promise<number> {
  const connections = db.pool ? Math.max(1, db.pool.options.min ?? 0) : 1;
  const held = db.pool
    ? await Promise.all(Array.from({ length: connections }, () => db.pool!.connect()))
    : [];
  // Handed back together: the pool's idle list then holds each of them once, and the rounds below,
  // started together, take one each.
  for (const client of held) client.release();
  const someone = await db.prisma.user.findFirst({ select: { id: true } });
  const store = app.sessionStore;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      await new Promise((resolve, reject) =>
        store.get("", (error) => (error ? reject(error) : resolve(null))),
      );
      await new Promise((resolve, reject) =>
        app.passport.deserializeUser(someone?.id ?? 0, (error: unknown) =>
          error ? reject(error as Error) : resolve(null),
        ),
      );
      await searchClaims(db.prisma, warmViewer, {}, { sort: "newest", limit: 1 });
      await filterChoices(db.prisma, warmViewer, {});
      await new Promise((resolve, reject) =>
        store.touch("", { cookie: new Cookie() }, (error) => (error ? reject(error) : resolve(null))),
      );
    }),
  );
  return connections;
}

/** Zod compiles a schema's parser on its first use: the claims page's, parsed as its requests are. */
export function compileSchemas(): void {
  claimFiltersInput.safeParse({ project: "1", stance: "favor", q: "words" });
  pageInput.safeParse({ sort: "newest" });
}

/** All three, logged; a failure only costs the first requests their speed, so it is logged, not thrown. */
export async function warmUp(app: App, db: Database, logger: Logger): Promise<void> {
  const started = performance.now();
  try {
    const views = compileViews(app.express);
    compileSchemas();
    const connections = await warmDatabase(app, db);
    logger.debug({ views, connections, ms: Math.round(performance.now() - started) }, "warmed up");
  } catch (error) {
    logger.warn({ err: error }, "warm-up failed; the first requests may be slower");
  }
}
