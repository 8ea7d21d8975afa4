import http from "node:http";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfFrom } from "../helpers/test-app.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { createEmptyServerDatabase, dropServerDatabase, onPostgresServer } from "../helpers/test-database.js";

// Several stateless app processes on one Postgres database is the production set-up; PGlite is
// one process by nature, so this file needs TEST_DATABASE_URL (CI always sets it).
describe.runIf(onPostgresServer)("two app processes on one database", () => {
  let url: string;
  let first: ServerProcess;
  let second: ServerProcess;

  beforeAll(async () => {
    url = await createEmptyServerDatabase();
    const env = { DATABASE_URL: url, ADMIN_EMAIL: "ops@example.org", ADMIN_PASSWORD: "ops password 123" };
    // Started at the same moment on an empty database: migrations and the first admin race.
    [first, second] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });
  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    if (url) await dropServerDatabase(url);
  });

  it("both start; one applied the migrations, the other found them applied", () => {
    const applied = [first.output(), second.output()].filter((log) =>
      log.includes("database migrations applied"),
    );
    expect(applied).toHaveLength(1);
  });

  it("share sessions: logged in on one, recognised by the other; logged out on one, gone on both", async () => {
    const page = await request(first.url).get("/login");
    const anonymous = page.headers["set-cookie"]![0]!.split(";")[0]!;
    const login = await request(first.url)
      .post("/login")
      .set("Cookie", anonymous)
      .type("form")
      .send({ email: "ops@example.org", password: "ops password 123", _csrf: csrfFrom(page.text) });
    expect(login.status).toBe(302);
    const cookie = login.headers["set-cookie"]![0]!.split(";")[0]!;

    const onSecond = await request(second.url).get("/admin/users").set("Cookie", cookie);
    expect(onSecond.status).toBe(200);
    expect(onSecond.text).toContain("ops@example.org");

    const logout = await request(second.url)
      .post("/logout")
      .set("Cookie", cookie)
      .type("form")
      .send({ _csrf: csrfFrom(onSecond.text) });
    expect(logout.status).toBe(302);
    const afterLogout = await request(first.url).get("/admin/users").set("Cookie", cookie);
    expect(afterLogout.status).toBe(302);
  });

  it("on SIGTERM stops taking connections but finishes the request in flight, then exits 0", async () => {
    // A request whose body is still arriving when the signal comes: it must still be answered.
    const { port } = new URL(second.url);
    const inFlight = http.request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/login",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "content-length": "40",
      },
    });
    const answered = new Promise<number>((resolve, reject) => {
      inFlight.on("response", (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      inFlight.on("error", reject);
    });
    inFlight.write("email=someone%40example.org&");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = second.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(fetch(`${second.url}/healthz`)).rejects.toThrow();
    inFlight.end("password=x12");
    expect(await answered).toBe(403);
    expect(await exited).toBe(0);
    expect(second.output()).toContain("stopped");
  });
});
