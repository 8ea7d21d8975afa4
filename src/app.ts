import { assignmentsRoutes } from "./assignments/assignments.routes.js";
import { guidelinesApiRoutes } from "./guidelines/guidelines.api.js";
import { guidelinesRoutes } from "./guidelines/guidelines.routes.js";
import { guidelinesFormOr } from "./guidelines/guidelines.form.js";
import { agreementApiRoutes } from "./agreement/agreement.api.js";
import { suggestionsApiRoutes } from "./suggestions/suggestions.api.js";
import { saveSessionBeforeRedirect } from "./http/save-before-redirect.js";
import { curationApiRoutes } from "./curation/curation.api.js";
import { curationRoutes } from "./curation/curation.routes.js";
import { agreementRoutes } from "./agreement/agreement.routes.js";
import path from "node:path";
import express, { type NextFunction, type Request, type Response } from "express";
import session from "express-session";
import helmet from "helmet";
import type { Logger } from "pino";
import { sessionApiRoutes } from "./auth/session.api.js";
import { authRoutes } from "./auth/auth.routes.js";
import { defaultThrottleLimits, type ThrottleLimits } from "./auth/login-throttle.js";
import { createPassport } from "./auth/passport.js";
import type { Config } from "./config.js";
import { dashboardRoutes } from "./dashboard/dashboard.routes.js";
import { importRoutes } from "./articles/import.routes.js";
import { projectsRoutes } from "./projects/projects.routes.js";
import type { Database } from "./db/database.js";
import { healthRoutes } from "./health/health.routes.js";
import { projectRoot } from "./paths.js";
import { articlesApiRoutes } from "./articles/articles.api.js";
import { bulkEditApiRoutes } from "./claims/bulk-edit.api.js";
import { bulkImportApiRoutes } from "./claims/bulk-import.api.js";
import { plainInsertBaselineRoutes } from "./claims/plain-insert.baseline.js";
import { claimsApiRoutes } from "./claims/claims.api.js";
import { claimsRoutes } from "./claims/claims.routes.js";
import { bearerAuth } from "./http/bearer-auth.js";
import { exportsRoutes } from "./exports/exports.routes.js";
import { createCsrf } from "./http/csrf.js";
import { projectsApiRoutes } from "./projects/projects.api.js";
import { speakersApiRoutes } from "./speakers/speakers.api.js";
import { speakersRoutes } from "./speakers/speakers.routes.js";
import { tokensRoutes } from "./tokens/tokens.routes.js";
import { errorHandler, notFoundHandler } from "./http/error-handler.js";
import { exposeFlash } from "./http/flash.js";
import { replayWhenKeyTaken } from "./idempotency/idempotency.http.js";
import { assertStorageRoom, storageIsLow } from "./db/disk-space.js";
import { InsufficientStorageError } from "./errors.js";
import { OutageLog } from "./http/outage-log.js";
import { guardBody, guardQuery } from "./http/input-guard.js";
import { requestLogger } from "./http/logger.js";
import { DatabaseSessionStore } from "./http/session-store.js";
import { profileRoutes } from "./users/profile.routes.js";
import { usersRoutes } from "./users/users.routes.js";
import { workspaceRoutes } from "./articles/workspace.routes.js";
import { articleEditRoutes } from "./articles/article-edit.routes.js";
import { trashRoutes } from "./articles/trash.routes.js";
import "./http/current-user.js";

export const SESSION_COOKIE = "claimant.sid";

export interface AppOptions {
  db: Database;
  config: Config;
  logger: Logger;
  sessionSecret: string;
  throttleLimits?: ThrottleLimits;
  isShuttingDown?: () => boolean;
}

export interface App {
  express: express.Express;
  sessionStore: DatabaseSessionStore;
  /** Counts expected refusals (503, 507) per outage; close() stops its timer. */
  outages: OutageLog;
  /** The app's own Passport (the server's warm-up reads a user through it, as each request does). */
  passport: ReturnType<typeof createPassport>;
}

export function createApp(options: AppOptions): App {
  const { db, config } = options;
  const app = express();
  const sessionStore = new DatabaseSessionStore(db.prisma, config.sessionMaxAgeMs);
  const throttleLimits = options.throttleLimits ?? defaultThrottleLimits;
  const auth = createPassport(db.prisma, throttleLimits);
  const outages = new OutageLog(options.logger, {
    database_unavailable: () => db.prisma.$queryRaw`SELECT 1`,
    // On the embedded database the disk guard knows when there is room again; a Postgres server's
    // full disk is over when no write has been refused for a while.
    ...(db.kind === "pglite" ? { insufficient_storage: async () => assertStorageRoom() } : {}),
  });

  app.set("trust proxy", config.trustProxy);
  app.set("view engine", "ejs");
  app.set("views", path.join(projectRoot, "views"));
  app.disable("x-powered-by");
  if (config.env === "production") app.set("view cache", true);

  app.use(requestLogger(options.logger));
  app.use(guardQuery);
  app.use(securityHeaders(config));
  app.use(
    "/static",
    express.static(path.join(projectRoot, "public"), { maxAge: config.env === "production" ? "1h" : 0 }),
  );
  // Everything past the static files is about someone (pages, JSON, downloads): never kept in a cache.
  app.use(noStore);
  app.use(healthRoutes(db, options.isShuttingDown ?? (() => false)));

  // Forms carry at most a few fields, except ticked lists: assigning up to 10,000 articles at once
  // (assignments.schema.ts) is 10,000 fields of about 15 bytes.
  app.use(guidelinesFormOr(express.urlencoded({ extended: false, limit: "256kb", parameterLimit: 12_000 })));
  // Article bodies arrive as JSON through the API; 5 MB covers the longest articles with room.
  app.use(express.json({ limit: "5mb" }));
  app.use(guardBody);
  app.use(refuseWritesWhileDiskIsFull);
  app.use(
    session({
      name: SESSION_COOKIE,
      secret: options.sessionSecret,
      store: sessionStore,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: "lax",
        // "auto" marks the cookie Secure whenever the request arrived over TLS (trust proxy decides).
        secure: config.cookieSecure,
        maxAge: config.sessionMaxAgeMs,
      },
    }),
  );
  app.use(saveSessionBeforeRedirect);
  app.use(auth.initialize());
  app.use(auth.session());
  app.use(bearerAuth(db.prisma));
  const csrf = createCsrf({ secret: options.sessionSecret, secure: config.cookieSecure });
  app.use(csrf.csrfProtection);
  app.use(csrf.exposeCsrfToken);
  app.use(exposeFlash);
  app.use((req, res, next) => {
    res.locals.currentUser = req.user;
    res.locals.currentPath = req.path;
    res.locals.values = {};
    res.locals.errors = {};
    next();
  });
  app.use(requirePasswordChange);

  app.use(authRoutes(db.prisma, auth));
  app.use(dashboardRoutes(db.prisma));
  app.use("/profile", profileRoutes(db.prisma, throttleLimits));
  app.use("/profile/tokens", tokensRoutes(db.prisma));
  app.use("/admin/users", usersRoutes(db.prisma));
  app.use("/admin/trash", trashRoutes(db.prisma));
  app.use("/projects", projectsRoutes(db.prisma));
  app.use("/projects/:projectId/articles", importRoutes(db.prisma));
  app.use("/projects/:projectId/speakers", speakersRoutes(db.prisma));
  app.use("/projects/:projectId/agreement", agreementRoutes(db.prisma));
  app.use("/projects/:projectId/guidelines", guidelinesRoutes(db.prisma));
  app.use("/projects/:projectId/assignments", assignmentsRoutes(db.prisma));
  app.use("/export", exportsRoutes(db, config.exports));
  app.use("/claims", claimsRoutes(db.prisma));
  app.use(curationRoutes(db.prisma));
  app.use("/articles", workspaceRoutes(db.prisma));
  app.use("/articles", articleEditRoutes(db.prisma));
  app.use(
    "/api/v1",
    projectsApiRoutes(db.prisma),
    articlesApiRoutes(db.prisma),
    claimsApiRoutes(db.prisma),
    bulkEditApiRoutes(db.prisma),
    bulkImportApiRoutes(db.prisma, config.bulk),
    speakersApiRoutes(db.prisma),
    agreementApiRoutes(db.prisma),
    guidelinesApiRoutes(db.prisma),
    curationApiRoutes(db.prisma),
    suggestionsApiRoutes(db.prisma),
    sessionApiRoutes(),
  );
  if (config.benchBaselineRoutes) app.use("/api/v1", plainInsertBaselineRoutes(db.prisma));

  app.use(notFoundHandler);
  app.use(replayWhenKeyTaken(db.prisma));
  app.use(errorHandler(config.env === "development", outages));
  return { express: app, sessionStore, passport: auth, outages };
}

function securityHeaders(config: Config) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        ...(config.cookieSecure === true ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: config.cookieSecure === true,
  });
}

function noStore(_req: Request, res: Response, next: NextFunction) {
  res.setHeader("Cache-Control", "no-store");
  next();
}

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The embedded database's disk is below its reserve (src/db/disk-space.ts): writes get 507 at once. */
function refuseWritesWhileDiskIsFull(req: Request, _res: Response, next: NextFunction) {
  if (!READS.has(req.method) && storageIsLow()) return next(new InsufficientStorageError());
  next();
}

/** A user with an admin-set password must choose their own before doing anything else. */
function requirePasswordChange(req: Request, res: Response, next: NextFunction) {
  if (!req.user?.mustChangePassword) return next();
  if (req.path === "/profile/password" || req.path === "/logout") return next();
  if (req.method === "GET" && !req.path.startsWith("/api/")) return res.redirect("/profile/password");
  res
    .status(403)
    .json({ error: { code: "password_change_required", message: "Choose a new password first." } });
}
