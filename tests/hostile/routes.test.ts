// Every route of the app, read from Express's router, is attacked the same way: missing and wrong
// CSRF tokens, wrong roles, logged-out calls, unknown and out-of-range ids, NUL bytes and broken
// JSON. A route added later is listed, and tested, without anyone remembering to.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roles, type RoleName } from "../../src/users/users.schema.js";
import { listRoutes, routeTable, type RouteInfo } from "../helpers/routes.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

let app: TestApp;
const agents = {} as Record<RoleName, Agent>;
const tokens = {} as Record<RoleName, string>;

beforeAll(async () => {
  app = await startTestApp();
  expect(listRoutes(app.express)).toEqual(routeList);
  for (const role of roles) {
    const user = await makeUser(app.db, role);
    agents[role] = await loginAgent(app, user.email);
    tokens[role] = await tokenFor(agents[role]);
  }
});
afterAll(() => app.close());

/** Path parameters that name something other than a row (a chart, a table), with a valid value. */
const namedParams: Record<string, string> = { name: "speakers", table: "fields" };

const routeList = routeTable();

const writes = routeList.filter((route) => route.method !== "GET");
const guarded = routeList.filter((route) => route.roles !== "public");
const withIds = routeList.filter((route) => idParams(route.path).length > 0);

/** Path parameters that name rows. */
function idParams(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((match) => match[1]!).filter((name) => !(name in namedParams));
}

function fill(path: string, value: string): string {
  return path.replace(/:(\w+)/g, (_whole, name: string) => namedParams[name] ?? value);
}

/** A role the route admits, preferring admin (who sees every project). */
function admitted(route: RouteInfo): RoleName {
  if (route.roles === "public") return "admin";
  return route.roles.includes("admin") ? "admin" : route.roles[0]!;
}

function call(agent: Agent | ReturnType<typeof request>, route: RouteInfo, path: string) {
  const method = route.method.toLowerCase() as "get" | "post" | "patch" | "delete" | "put";
  return (agent as Agent)[method](path);
}

const api = (path: string) => path.startsWith("/api/");

describe("the route table", () => {
  it("lists every area's routes", () => {
    const paths = new Set(routeList.map((route) => route.path));
    for (const path of [
      "/login",
      "/healthz",
      "/claims",
      "/api/v1/claims",
      "/export/claims.csv",
      "/articles/:id",
    ]) {
      expect(paths, path).toContain(path);
    }
    expect(routeList.length).toBeGreaterThan(60);
  });

  it.each(routeList.map((route) => [`${route.method} ${route.path}`, route]))(
    "%s states the roles it admits (requireRole or publicRoute)",
    (_name, route) => {
      expect(route.roles === "public" || route.roles.length > 0).toBe(true);
    },
  );

  it("keeps the public routes to logging in, the first admin and the health check", () => {
    const open = routeList.filter((route) => route.roles === "public").map((r) => `${r.method} ${r.path}`);
    expect(open.sort()).toEqual(["GET /healthz", "GET /login", "GET /setup", "POST /login", "POST /setup"]);
  });
});

describe("logged-out calls", () => {
  it.each(guarded.map((route) => [`${route.method} ${route.path}`, route]))(
    "%s: a page visit goes to /login, anything else is 401 (logged out, not a forged form)",
    async (_name, route) => {
      const response = await call(request(app.url), route, fill(route.path, "1"));
      if (route.method === "GET" && !api(route.path)) {
        expect(response.status).toBe(302);
        expect(response.headers.location).toMatch(/^\/login\?next=/);
      } else {
        expect(response.status).toBe(401);
      }
    },
  );
});

describe("wrong roles", () => {
  const cases = guarded.flatMap((route) =>
    roles
      .filter((role) => !(route.roles as RoleName[]).includes(role))
      .map((role) => [`${route.method} ${route.path} as ${role}`, route, role] as const),
  );
  it.each(cases)("%s is 403", async (_name, route, role) => {
    const response = await call(agents[role], route, fill(route.path, "1")).set("X-CSRF-Token", tokens[role]);
    expect(response.status).toBe(403);
  });
});

describe("CSRF", () => {
  const cases = writes
    .filter((route) => route.roles !== "public" || route.path === "/login")
    .flatMap((route) => [
      [`${route.method} ${route.path} without a token`, route, undefined] as const,
      [`${route.method} ${route.path} with another session's token`, route, "other"] as const,
    ]);
  it.each(cases)("%s is refused (403)", async (_name, route, token) => {
    const role = admitted(route);
    let attempt = call(agents[role], route, fill(route.path, "1"));
    if (token === "other")
      attempt = attempt.set("X-CSRF-Token", tokens[role === "admin" ? "researcher" : "admin"]);
    const response = await attempt.set("Accept", "application/json").send({});
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("csrf");
  });
});

describe("unknown and out-of-range ids", () => {
  const values = {
    unknown: "2147483647",
    "past INT4": "2147483648",
    huge: "99999999999999999999",
    negative: "-1",
    zero: "0",
    fraction: "1.5",
    exponent: "1e3",
    hexadecimal: "0x1F",
    "leading zero": "007",
    words: "abc",
    "NUL byte": "%00",
    emoji: "%F0%9F%98%80",
  };
  const cases = withIds.flatMap((route) =>
    Object.entries(values).map(
      ([label, value]) => [`${route.method} ${route.path}: ${label}`, route, value] as const,
    ),
  );
  it.each(cases)("%s is 404", async (_name, route, value) => {
    const role = admitted(route);
    const response = await call(agents[role], route, fill(route.path, value))
      .set("X-CSRF-Token", tokens[role])
      .set("Accept", "application/json")
      .send({});
    expect(response.status).toBe(404);
  });
});

describe("broken percent-encoding in the path", () => {
  it.each(withIds.map((route) => [`${route.method} ${route.path}`, route]))(
    "%s: an encoded lone surrogate is 400",
    async (_name, route) => {
      const role = admitted(route);
      const response = await call(agents[role], route, fill(route.path, "%ED%A0%80"))
        .set("X-CSRF-Token", tokens[role])
        .set("Accept", "application/json");
      expect(response.status).toBe(400);
    },
  );
});

describe("NUL bytes and broken JSON", () => {
  it.each(routeList.map((route) => [`${route.method} ${route.path}`, route]))(
    "%s: a NUL in the query is 422",
    async (_name, route) => {
      const role = admitted(route);
      const response = await call(agents[role], route, `${fill(route.path, "1")}?q=a%00b`)
        .set("X-CSRF-Token", tokens[role])
        .set("Accept", "application/json");
      expect(response.status).toBe(422);
      expect(response.body.error.message).toMatch(/NUL/);
    },
  );

  it.each(writes.map((route) => [`${route.method} ${route.path}`, route]))(
    "%s: a NUL in a JSON field is 422 naming the field",
    async (_name, route) => {
      const role = admitted(route);
      const response = await call(agents[role], route, fill(route.path, "1"))
        .set("X-CSRF-Token", tokens[role])
        .set("Accept", "application/json")
        .send({ name: "a\u0000b", version: 1 });
      expect(response.status).toBe(422);
      expect(response.body.error.field).toBe("name");
    },
  );

  it.each(writes.map((route) => [`${route.method} ${route.path}`, route]))(
    "%s: malformed JSON is 400",
    async (_name, route) => {
      const role = admitted(route);
      const response = await call(agents[role], route, fill(route.path, "1"))
        .set("X-CSRF-Token", tokens[role])
        .set("Accept", "application/json")
        .set("Content-Type", "application/json")
        .send('{"name": "unterminated');
      expect(response.status).toBe(400);
    },
  );
});
