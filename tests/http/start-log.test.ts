// The start log tells a newcomer where to go first: the one-time set-up page while no admin
// exists, the login once one does, at the port actually bound (PORT=0 picks a free one).
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedEnv, freshDataDir, removeDataDir } from "../helpers/data-dir.js";
import { launchServerProcess, type LaunchedServer } from "../helpers/server-process.js";
import { createEmptyServerDatabase, dropServerDatabase, onPostgresServer } from "../helpers/test-database.js";

const ADMIN = { ADMIN_EMAIL: "ops@example.org", ADMIN_PASSWORD: "ops password 123" };

// Real processes on a shared 2-core machine: generous limits, though a quiet run takes seconds.
const slow = { timeout: 180_000 };

interface StartLine {
  msg: string;
  url: string;
  port: number;
  open: string;
}

/**
 * Starts the server on PORT=0 and waits for its start line. The helper's own readiness check
 * cannot know the port, so the log is the only way to find the server: what a person does too.
 */
async function startAndReadLog(
  env: Record<string, string>,
): Promise<{ server: LaunchedServer; line: StartLine }> {
  const server = await launchServerProcess({ ...env, PORT: "0" }, { port: 0 });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const found = server
      .output()
      .split("\n")
      .filter((text) => text.startsWith("{"))
      .map((text) => JSON.parse(text) as Partial<StartLine>)
      .find((entry) => entry.msg?.startsWith("Claimant is listening on"));
    if (found) return { server, line: found as StartLine };
    if (server.process.exitCode !== null || Date.now() > deadline) {
      await server.kill();
      throw new Error(`no start line in the log:\n${server.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Both cases on one database: first with no user, then started again with the first admin. */
function startLogCases(database: () => Record<string, string>) {
  const running: LaunchedServer[] = [];
  afterAll(async () => {
    await Promise.all(running.map((server) => server.stop()));
  });

  it("with no admin yet, says to open /setup at the real port to create the first admin", async () => {
    const { server, line } = await startAndReadLog(database());
    running.push(server);
    const url = `http://127.0.0.1:${line.port}`;
    expect(line.port).toBeGreaterThan(0);
    expect(line.url).toBe(url);
    expect(line.open).toBe(`${url}/setup`);
    expect(line.msg).toBe(
      `Claimant is listening on ${url}. No admin exists yet: open ${url}/setup to create the first admin.`,
    );
    // The address is real: the set-up page answers there.
    const setup = await request(url).get("/setup");
    expect(setup.status).toBe(200);
    expect(setup.text).toContain("Create the first admin");
    expect(await server.stop()).toBe(0);
    running.pop();
  });

  it("once an admin exists, says to open / and log in", async () => {
    // ADMIN_EMAIL creates the admin during start, before the line is written.
    const { server, line } = await startAndReadLog({ ...database(), ...ADMIN });
    running.push(server);
    const url = `http://127.0.0.1:${line.port}`;
    expect(line.open).toBe(`${url}/`);
    expect(line.msg).toBe(`Claimant is listening on ${url}. Open ${url}/ and log in.`);
    const home = await request(url).get("/");
    expect(home.status).toBe(302);
    expect(home.headers.location).toMatch(/^\/login/);
    expect((await request(url).get("/login")).status).toBe(200);
    expect((await request(url).get("/setup")).status).toBe(404);
    expect(await server.stop()).toBe(0);
    running.pop();
  });
}

describe("the start log on the embedded database", slow, () => {
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = await freshDataDir();
  });
  afterAll(() => removeDataDir(dataDir));
  startLogCases(() => embeddedEnv(dataDir!));
});

describe.runIf(onPostgresServer)("the start log on a Postgres server", slow, () => {
  let url: string | undefined;
  beforeAll(async () => {
    // An empty database of its own: the first start applies the migrations.
    url = await createEmptyServerDatabase();
  });
  afterAll(async () => {
    if (url) await dropServerDatabase(url);
  });
  startLogCases(() => ({ DATABASE_URL: url! }));
});
