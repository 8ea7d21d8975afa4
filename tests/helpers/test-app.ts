import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import pino, { type Logger } from "pino";
import request from "supertest";
import { createApp } from "../../src/app.js";
import type { ThrottleLimits } from "../../src/auth/login-throttle.js";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/database.js";
import { createUser } from "../../src/users/users.service.js";
import type { RoleName } from "../../src/users/users.schema.js";
import { watchForServerErrors } from "./server-errors.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

export const TEST_PASSWORD = "correct horse battery";

export interface TestApp {
  url: string;
  express: import("express").Express;
  db: Database;
  server: Server;
  close(): Promise<void>;
}

/** Starts the real app on an ephemeral port over a fresh test database. */
export async function startTestApp(
  options: {
    env?: Record<string, string>;
    throttleLimits?: ThrottleLimits;
    database?: TestDatabase;
    /** To read what the app logs (silent by default). */
    logger?: Logger;
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  // A test file's uploads all come from a few users, and one that a test cut off may still be
  // stopping on the server when the next starts: the per-user limit is tested where it is meant.
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    BULK_UPLOADS_PER_USER: "50",
    ...options.env,
  });
  const app = createApp({
    db: database.db,
    config,
    logger: options.logger ?? pino({ level: "silent" }),
    sessionSecret: "test-secret-test-secret-test-secret-0123",
    throttleLimits: options.throttleLimits,
  });
  const server = app.express.listen(0, "127.0.0.1");
  watchForServerErrors(server);
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    express: app.express,
    db: database.db,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      app.sessionStore.close();
      if (!options.database) await database.drop();
    },
  };
}

let userCounter = 0;

/** A user ready to log in (no forced password change unless asked). */
export async function makeUser(
  db: Database,
  role: RoleName,
  overrides: { email?: string; name?: string; password?: string; mustChangePassword?: boolean } = {},
) {
  userCounter += 1;
  const email = overrides.email ?? `${role}${userCounter}-${Date.now()}@example.org`;
  const { user } = await createUser(
    db.prisma,
    null,
    {
      email,
      name: overrides.name ?? `${role} ${userCounter}`,
      role,
      password: overrides.password ?? TEST_PASSWORD,
    },
    { mustChangePassword: overrides.mustChangePassword ?? false },
  );
  return user;
}

/** Reads the CSRF token a page hands out (form field, else the meta tag). */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html) ?? /name="csrf-token" content="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error("no CSRF token on the page");
  return match[1];
}

export type Agent = ReturnType<typeof request.agent>;

/** A cookie-keeping client, logged in through the real login form. */
export async function loginAgent(app: TestApp, email: string, password = TEST_PASSWORD): Promise<Agent> {
  const agent = request.agent(app.url);
  const page = await agent.get("/login");
  const response = await agent
    .post("/login")
    .type("form")
    .send({ email, password, _csrf: csrfFrom(page.text) });
  if (response.status !== 302) throw new Error(`login failed with ${response.status}`);
  return agent;
}

/** A CSRF token valid for the agent's session, taken from a page it may see. */
export async function tokenFor(agent: Agent, path = "/profile"): Promise<string> {
  return csrfFrom((await agent.get(path)).text);
}
