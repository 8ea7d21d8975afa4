import type { Express } from "express";
import pino from "pino";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/database.js";
import type { RoleName } from "../../src/users/users.schema.js";

/** One route of the app as Express holds it: method, full path, and the roles its guards admit. */
export interface RouteInfo {
  method: string;
  path: string;
  /** "public" when stated so with publicRoute; [] when no guard states anything (a defect). */
  roles: RoleName[] | "public";
}

interface Layer {
  rawPath?: unknown;
  handle: { stack?: Layer[]; roles?: RoleName[] | "public" } & ((...args: unknown[]) => unknown);
  route?: { path: string; methods: Record<string, boolean>; stack: Layer[] };
}

/**
 * Every route the app answers, read from Express's own router, so that a route added later is
 * listed (and tested) without anyone remembering to. Router-level guards (router.use(requireRole))
 * apply to the routes after them in the same router.
 */
export function listRoutes(app: Express): RouteInfo[] {
  const routes: RouteInfo[] = [];
  const root = (app as unknown as { router: { stack: Layer[] } }).router;
  walk(root.stack, "", [], routes);
  return routes;
}

function walk(stack: Layer[], prefix: string, inherited: Guard[], out: RouteInfo[]): void {
  const guards = [...inherited];
  for (const layer of stack) {
    const at = typeof layer.rawPath === "string" && layer.rawPath !== "/" ? layer.rawPath : "";
    if (layer.route) {
      const own = layer.route.stack.map((inner) => inner.handle.roles).filter(isGuard);
      for (const method of Object.keys(layer.route.methods).filter((name) => name !== "_all")) {
        out.push({
          method: method.toUpperCase(),
          path: join(prefix, layer.route.path),
          roles: rolesOf([...guards, ...own]),
        });
      }
    } else if (layer.handle.stack) {
      walk(layer.handle.stack, join(prefix, at), guards, out);
    } else if (isGuard(layer.handle.roles)) {
      guards.push(layer.handle.roles);
    }
  }
}

type Guard = RoleName[] | "public";

function isGuard(value: unknown): value is Guard {
  return value === "public" || Array.isArray(value);
}

/** Several guards in a row admit only the roles all of them admit. */
function rolesOf(guards: Guard[]): RoleName[] | "public" {
  const restricting = guards.filter((guard): guard is RoleName[] => guard !== "public");
  if (restricting.length === 0) return guards.length > 0 ? "public" : [];
  return restricting.reduce((admitted, guard) => admitted.filter((role) => guard.includes(role)));
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, "/");
  return joined.length > 1 ? joined.replace(/\/$/, "") : joined;
}

/**
 * The route table without a database: building the app touches none (routers only keep the
 * client for later), so test files can list routes when vitest collects their cases.
 */
export function routeTable(): RouteInfo[] {
  const app = createApp({
    db: { kind: "pglite", prisma: {} } as unknown as Database,
    config: loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }),
    logger: pino({ level: "silent" }),
    sessionSecret: "route-table-route-table-route-table-0123",
  });
  app.sessionStore.close();
  return listRoutes(app.express);
}
