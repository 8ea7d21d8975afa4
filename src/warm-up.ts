// What the first requests after a start would otherwise pay for, paid before the server listens.
// Measured on /claims at a million claims (2 cores): the first request took 55-80 ms against
// 10-15 ms for the next ones. Its time went to opening pooled connections inside the request (the
// page's queries run side by side, each on a connection of its own), to each new Postgres backend
// filling its catalog caches on its first queries, to Prisma compiling each query shape on first
// use, to zod compiling the page's input schemas, to EJS compiling the page's templates, and to
// the first run of each of these in JavaScript. With the warm-up the first request on a quiet
// machine takes about what the next ones do.
import fs from "node:fs";
import path from "node:path";
import ejs from "ejs";
import type { Express, Request } from "express";
import { Cookie } from "express-session";
import type { Logger } from "pino";
import type { App } from "./app.js";
import { claimsPage } from "./claims/claims.routes.js";
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

/** What the app's middleware gives every page (app.ts, csrf.ts, flash.ts), for a page of no one's. */
const pageLocals = {
  currentUser: warmViewer,
  currentPath: "/claims",
  csrfToken: "",
  flash: [],
  values: {},
  errors: {},
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
 * reads it, the session's renewal) and builds and renders the busiest page, the claims list: the
 * connections are then open, their backends' caches filled, Prisma's and zod's compiled plans
 * cached and the page's code run once. The pool keeps these connections through quiet spells.
 * Nothing is written: the renewal names no session.
 */
export async function warmRequests(app: App, db: Database): Promise<string[]> {
  const connections = db.pool ? Math.max(1, db.pool.options.min ?? 0) : 1;
  const held = db.pool
    ? await Promise.all(Array.from({ length: connections }, () => db.pool!.connect()))
    : [];
  // Handed back together: the pool's idle list then holds each of them once, and the rounds below,
  // started together, take one each.
  for (const client of held) client.release();
  const someone = await db.prisma.user.findFirst({ select: { id: true } });
  const store = app.sessionStore;
  // Each step on its own: one that fails (and is reported) leaves the others their effect.
  const failed = new Set<string>();
  const step = async (name: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      failed.add(`${name}: ${(error as Error).message}`);
    }
  };
  const callback = (work: (done: (error: unknown) => void) => void) =>
    new Promise((resolve, reject) => work((error) => (error ? reject(error as Error) : resolve(null))));
  await Promise.all(
    Array.from({ length: connections }, async () => {
      await step("session", () => callback((done) => store.get("", done)));
      // A request with no session user: Passport's deserializer reads the user from the database.
      await step("user", () =>
        callback((done) => app.passport.deserializeUser(someone?.id ?? 0, {} as Request, done)),
      );
      // The claims page as a request builds and renders it (the HTML is dropped).
      await step("claims page", async () => {
        const view = await claimsPage(db.prisma, warmViewer, {});
        await callback((done) => app.express.render("claims/index", { ...view, ...pageLocals }, done));
      });
      await step("session renewal", () =>
        callback((done) => store.touch("", { cookie: new Cookie() }, done)),
      );
    }),
  );
  return [...failed];
}

/** Both, logged; a failure only costs the first requests their speed, so it is logged, not thrown. */
export async function warmUp(app: App, db: Database, logger: Logger): Promise<void> {
  const started = performance.now();
  try {
    const views = compileViews(app.express);
    const failed = await warmRequests(app, db);
    if (failed.length) logger.warn({ failed }, "warm-up steps failed; the first requests may be slower");
    logger.debug({ views, ms: Math.round(performance.now() - started) }, "warmed up");
  } catch (error) {
    logger.warn({ err: error }, "warm-up failed; the first requests may be slower");
  }
}
