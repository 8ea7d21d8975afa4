import net from "node:net";
import pino from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../../src/db/availability.js";
import { openDatabase } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrations.js";
import { InvalidError } from "../../src/errors.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { loginAgent, makeUser, startTestApp, type Agent, type TestApp } from "../helpers/test-app.js";
import { createEmptyServerDatabase, dropServerDatabase, onPostgresServer } from "../helpers/test-database.js";

describe("recognising an unreachable database", () => {
  const socketError = (code: string) =>
    Object.assign(new Error(`connect ${code}`), { code, errno: -1, syscall: "connect" });
  const pgError = (code: string) => Object.assign(new Error("from the server"), { code, severity: "FATAL" });

  it.each([
    ["connection refused", socketError("ECONNREFUSED")],
    ["connection reset", socketError("ECONNRESET")],
    ["pg: connection terminated", new Error("Connection terminated unexpectedly")],
    ["pg: connect timeout", new Error("Connection terminated due to connection timeout")],
    ["pg.Pool: no connection in time", new Error("timeout exceeded when trying to connect")],
    ["admin shutdown (57P01)", pgError("57P01")],
    ["crash shutdown (57P02)", pgError("57P02")],
    ["cannot connect now (57P03)", pgError("57P03")],
    ["too many connections (53300)", pgError("53300")],
    ["connection failure (08006)", pgError("08006")],
    [
      "Prisma P1001",
      new Prisma.PrismaClientKnownRequestError("Can't reach", { code: "P1001", clientVersion: "7" }),
    ],
    [
      "Prisma P2024",
      new Prisma.PrismaClientKnownRequestError("Timed out", { code: "P2024", clientVersion: "7" }),
    ],
    [
      "a driver adapter error inside Prisma's",
      new Prisma.PrismaClientKnownRequestError("Invalid invocation", {
        code: "P2010",
        clientVersion: "7",
        meta: { driverAdapterError: { name: "DriverAdapterError", cause: { kind: "ConnectionClosed" } } },
      }),
    ],
    ["a wrapped cause", new Error("outer", { cause: socketError("ECONNREFUSED") })],
    [
      "IPv4 and IPv6 both refused",
      new AggregateError([socketError("ECONNREFUSED"), socketError("ECONNREFUSED")]),
    ],
    ["PGlite closed", new Error("PGlite is closed")],
  ])("%s", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", pgError("23505")],
    ["a syntax error", pgError("42601")],
    [
      "Prisma: record not found",
      new Prisma.PrismaClientKnownRequestError("Not found", { code: "P2025", clientVersion: "7" }),
    ],
    ["a plain bug", new TypeError("cannot read properties of undefined")],
    ["an app error", new InvalidError("bad")],
    ["not an error", "ECONNREFUSED"],
  ])("not %s", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

/** A TCP proxy between the app and Postgres that can be cut (every connection refused) and restored. */
async function cuttableProxy(target: URL) {
  let cut = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (cut) return client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      cut = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.runIf(onPostgresServer)("while the database is unreachable", () => {
  let databaseUrl: string;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>;
  let app: TestApp;
  let agent: Agent;
  let token: string;
  const logged: string[] = [];

  beforeAll(async () => {
    databaseUrl = await createEmptyServerDatabase();
    const direct = await openDatabase({ url: databaseUrl });
    await applyMigrations(direct);
    await direct.close();
    proxy = await cuttableProxy(new URL(databaseUrl));
    const db = await openDatabase({ url: proxy.url, poolSize: 5, applicationName: "claimant-test" });
    const logger = pino({ level: "info" }, { write: (line: string) => void logged.push(line) });
    app = await startTestApp({ database: { db, url: proxy.url, drop: () => db.close() }, logger });
    const researcher = await makeUser(app.db, "researcher");
    agent = await loginAgent(app, researcher.email);
    token = (await createApiToken(app.db.prisma, researcher.id, "api", "read")).token;
  }, 60_000);

  afterAll(async () => {
    proxy.restore();
    await app.close();
    await app.db.close();
    await proxy.close();
    await dropServerDatabase(databaseUrl);
  });

  const page = () => agent.get("/claims");
  const api = () => request(app.url).get("/api/v1/claims?limit=1").set("Authorization", `Bearer ${token}`);
  const exportCsv = () =>
    request(app.url)
      .get("/export/claims.csv")
      .set("Authorization", `Bearer ${token}`)
      .set("Accept", "application/json");

  it("answers 503 'database unavailable' on pages and the API, then recovers by itself", async () => {
    expect((await page()).status).toBe(200);
    expect((await api()).status).toBe(200);

    proxy.cut();
    const down = await page();
    expect(down.status).toBe(503);
    expect(down.headers["retry-after"]).toBe("5");
    expect(down.headers["content-type"]).toMatch(/text\/html/);
    expect(down.text).toContain("The database is unavailable at the moment");
    for (const response of [await api(), await exportCsv()]) {
      expect(response.status).toBe(503);
      expect(response.headers["retry-after"]).toBe("5");
      expect(response.body.error.code).toBe("database_unavailable");
      expect(response.body.error.message).toMatch(/database is unavailable/);
    }
    expect((await request(app.url).get("/healthz")).status).toBe(503);

    proxy.restore();
    // No restart, no manual step: the next requests find the database again.
    await expect.poll(async () => (await page()).status, { timeout: 10_000 }).toBe(200);
    expect((await api()).status).toBe(200);
    expect((await exportCsv()).status).toBe(200);
    expect((await request(app.url).get("/healthz")).status).toBe(200);
  });

  it("logs an outage once at warn level when it starts and once with its count when it ends", async () => {
    const messages = () => logged.map((line) => (JSON.parse(line) as { msg: string }).msg);
    // The outage of the test before ends first: this one is then an outage of its own.
    await expect
      .poll(() => messages().some((msg) => msg.startsWith("Database outage (503) over")), { timeout: 10_000 })
      .toBe(true);
    logged.length = 0;
    proxy.cut();
    for (let i = 0; i < 40; i++) expect((await api()).status).toBe(503);
    proxy.restore();
    const entries = () =>
      logged.map((line) => JSON.parse(line) as { level: number; msg: string; refused?: number });
    // The end is noticed by a probe of the database every two seconds.
    await expect
      .poll(() => entries().some((entry) => entry.msg.startsWith("Database outage (503) over")), {
        timeout: 10_000,
      })
      .toBe(true);
    const about = entries().filter((entry) => entry.msg.startsWith("Database outage (503)"));
    expect(about).toHaveLength(2);
    expect(about.every((entry) => entry.level === 40)).toBe(true);
    expect(about[1]!.refused).toBe(40);
    // No line per refused request, at any level.
    expect(entries().filter((entry) => entry.level >= 50)).toEqual([]);
    expect(logged.length).toBeLessThan(10);
  });
});
