import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockPath, type LockHolder } from "../../src/db/data-dir-lock.js";
import { runCommand, runCommandKilledAfter, runProcess } from "../helpers/command-process.js";
import { embeddedEnv, emptyDataDir, freshDataDir, removeDataDir } from "../helpers/data-dir.js";
import { launchServerProcess, startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { csrfFrom } from "../helpers/test-app.js";
import { DEMO_ANNOTATOR_EMAIL } from "../../src/demo/seed-demo.js";

// One embedded database, one owner: every command that opens DATA_DIR either runs inside the server
// that owns it, or refuses and names it; a second server refuses; a killed one leaves nothing behind.

const ADMIN = { email: "ops@example.org", password: "ops password 123" };

async function logIn(url: string, email: string, password: string) {
  const agent = request.agent(url);
  const page = await agent.get("/login");
  const response = await agent
    .post("/login")
    .type("form")
    .send({ email, password, _csrf: csrfFrom(page.text) });
  return { agent, status: response.status };
}

function holderOf(dataDir: string): LockHolder {
  return JSON.parse(fs.readFileSync(lockPath(dataDir), "utf8")) as LockHolder;
}

// Real processes on a shared 2-core machine: generous limits, though a quiet run takes seconds.
const slow = { timeout: 180_000 };

describe("commands beside a running server on the embedded database", slow, () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: ServerProcess;
  let pid: number;

  beforeAll(async () => {
    dataDir = await freshDataDir();
    env = embeddedEnv(dataDir);
    server = await startServerProcess({ ...env, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    pid = server.process.pid!;
  });
  afterAll(async () => {
    await server?.stop();
    removeDataDir(dataDir);
  });

  it("the lock names the server, its address and its control socket", () => {
    const holder = holderOf(dataDir);
    expect(holder).toMatchObject({ pid, kind: "server", url: server.url });
    expect(fs.statSync(holder.controlSocket!).mode & 0o777).toBe(0o600);
  });

  it("user:create runs inside the server: the new user can log in at once; reset-password too", async () => {
    const created = await runCommand(
      "src/cli/user-create.ts",
      ["--email", "ann@example.org", "--name", "Ann", "--role", "annotator"],
      { env, stdin: "first password 1\n" },
    );
    expect(created.stdout).toContain("Created annotator ann@example.org");
    expect(created.stderr).toContain(`Run by the Claimant server (pid ${pid}`);
    expect(created.status).toBe(0);
    expect((await logIn(server.url, "ann@example.org", "first password 1")).status).toBe(302);

    const reset = await runCommand("src/cli/user-reset-password.ts", ["--email", "ann@example.org"], {
      env,
      stdin: "second password 2\n",
    });
    expect(reset.status).toBe(0);
    expect(reset.stdout).toContain("Password of ann@example.org reset");
    expect((await logIn(server.url, "ann@example.org", "first password 1")).status).toBe(401);
    expect((await logIn(server.url, "ann@example.org", "second password 2")).status).toBe(302);

    const bad = await runCommand("src/cli/user-reset-password.ts", ["--email", "ghost@example.org"], {
      env,
      stdin: "some password 3",
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("Error: No user has the email ghost@example.org.");
  });

  it("seed:demo runs inside the server; the export equals the server's own, on stdout, --out and npm run -s", async () => {
    const seeded = await runCommand("src/cli/seed-demo.ts", [], { env });
    expect(seeded.status).toBe(0);
    expect(seeded.stdout).toContain("Added 2 speakers and 4 claims.");

    const { agent } = await logIn(server.url, ADMIN.email, ADMIN.password);
    const fromServer = await agent.get("/export/claims.csv").buffer(true);
    expect(fromServer.status).toBe(200);
    const outFile = path.join(dataDir, "claims.csv");
    const [onStdout, toFile, viaNpm] = await Promise.all([
      runCommand("src/cli/export.ts", ["--format", "csv"], { env }),
      runCommand("src/cli/export.ts", ["--format", "csv", "--out", outFile], { env }),
      runProcess("npm", ["run", "-s", "export", "--", "--format", "csv"], { env }),
    ]);
    expect(fromServer.text.split("\r\n")).toHaveLength(6);
    expect(onStdout.stdout).toBe(fromServer.text);
    expect(fs.readFileSync(outFile, "utf8")).toBe(fromServer.text);
    expect(toFile.stdout).toBe("");
    expect(viaNpm.status).toBe(0);
    expect(viaNpm.stdout).toBe(fromServer.text);
  });

  it("import:claims runs inside the server: a relative path works and the claims are served at once", async () => {
    const { agent } = await logIn(server.url, ADMIN.email, ADMIN.password);
    const listed = await agent.get("/api/v1/claims").set("Accept", "application/json");
    const [first] = listed.body.claims as { articleId: number; start: number; end: number; quote: string }[];
    const file = path.join(dataDir, "claims.jsonl");
    const { articleId, start, end, quote } = first!;
    fs.writeFileSync(
      file,
      `${JSON.stringify({ articleId, start, end, quote, type: "indirect", note: "via cli" })}\n`,
    );
    const run = await runCommand(
      "src/cli/import-claims.ts",
      [path.relative(process.cwd(), file), "--as", DEMO_ANNOTATOR_EMAIL],
      { env },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\(Run by .*which has the embedded database open\.\)/);
    const { id } = JSON.parse(run.stdout.split("\n")[0]!) as { id: number };
    const after = await agent.get("/api/v1/claims").set("Accept", "application/json");
    expect(after.body.total).toBe(listed.body.total + 1);
    expect((after.body.claims as { id: number }[]).some((claim) => claim.id === id)).toBe(true);
  });

  it("import:claims killed mid-way: the server lives, stops that import at once, and the same command resumes it", async () => {
    const { agent } = await logIn(server.url, ADMIN.email, ADMIN.password);
    const listed = await agent.get("/api/v1/claims").set("Accept", "application/json");
    const { articleId, start, end, quote } = (listed.body.claims as Record<string, unknown>[])[0]!;
    const tag = `killed-${Date.now()}`;
    const count = 20_000;
    const file = path.join(dataDir, "many-claims.jsonl");
    const line = (n: number) =>
      JSON.stringify({ articleId, start, end, quote, type: "indirect", note: `${tag} ${n}` });
    fs.writeFileSync(file, Array.from({ length: count }, (_, i) => `${line(i + 1)}\n`).join(""));
    const total = async () =>
      (await agent.get("/api/v1/claims?limit=1").set("Accept", "application/json")).body.total as number;
    const before = await total();

    const args = [file, "--as", DEMO_ANNOTATOR_EMAIL, "--mode", "valid"];
    // The report goes to a pipe that dies with the command: the server then writes to nobody.
    await runCommandKilledAfter("src/cli/import-claims.ts", args, { env, lines: 1_000 });
    const killedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const settled = await total();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // Nothing more was stored from a second after the kill on.
    expect(await total()).toBe(settled);
    expect(settled - before).toBeLessThan(count);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(server.process.exitCode).toBeNull();
    expect((await request(server.url).get("/healthz")).status).toBe(200);

    const again = await runCommand("src/cli/import-claims.ts", args, { env });
    expect(again.status, again.stderr).toBe(0);
    expect(await total()).toBe(before + count);
    const summary = JSON.parse(again.stdout.trimEnd().split("\n").at(-1)!).summary as Record<string, number>;
    expect(summary.alreadyStored).toBe(settled - before);
    expect(summary.stored).toBe(count - (settled - before));
  });

  it("db:migrate reports the database up to date; backup writes one from inside the server", async () => {
    const [migrated, backedUp] = await Promise.all([
      runCommand("src/cli/migrate.ts", [], { env }),
      runCommand("src/cli/backup.ts", [], { env }),
    ]);
    expect(migrated.stdout).toMatch(/^Database is up to date: (\d+) of \1 migrations applied\.\n$/);
    expect(backedUp.status).toBe(0);
    expect(backedUp.stdout).toMatch(/^Backup written: .*claimant-backup-.*\.gz \(\d+ tables, \d+ rows/);
    expect(fs.readdirSync(path.join(dataDir, "backups"))).toHaveLength(1);
    expect(server.output()).toContain('"command":"backup"');
  });

  it("backup:restore and db:move-to-postgres refuse while it runs, naming its pid and what to do", async () => {
    const backup = fs.readdirSync(path.join(dataDir, "backups"))[0]!;
    const [restore, move] = await Promise.all([
      runCommand("src/cli/backup-restore.ts", ["--file", backup], { env }),
      runCommand("src/cli/move-to-postgres.ts", [], { env }),
    ]);
    for (const [run, name] of [
      [restore, "backup:restore"],
      [move, "db:move-to-postgres"],
    ] as const) {
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`in use by the Claimant server (pid ${pid}, ${server.url}`);
      expect(run.stderr).toContain(
        `npm run ${name} needs the database to itself: stop the server (Ctrl-C in its terminal, or kill ${pid})`,
      );
    }
    expect(holderOf(dataDir).pid).toBe(pid);
  });

  it("a second server on the same folder refuses to start; the first keeps serving", async () => {
    const second = await launchServerProcess(env);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(
      `Claimant cannot start. The embedded database in ${dataDir} is in use by the Claimant server (pid ${pid}`,
    );
    expect(second.output()).not.toContain("RuntimeError");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(holderOf(dataDir).pid).toBe(pid);
  });

  it("after kill -9 the next start takes the folder over, and what was acknowledged is there", async () => {
    await server.kill();
    expect(holderOf(dataDir).pid).toBe(pid); // left behind by the killed process
    server = await startServerProcess(env);
    expect(holderOf(dataDir).pid).toBe(server.process.pid);
    expect((await logIn(server.url, "ann@example.org", "second password 2")).status).toBe(302);
  });
});

describe("starting a server on the embedded database", slow, () => {
  const folders: string[] = [];
  afterAll(() => folders.forEach(removeDataDir));

  it("two servers started together on an empty folder: exactly one serves, the other refuses cleanly", async () => {
    const dataDir = emptyDataDir();
    folders.push(dataDir);
    const both = await Promise.all([
      launchServerProcess(embeddedEnv(dataDir)),
      launchServerProcess(embeddedEnv(dataDir)),
    ]);
    try {
      const outcomes = await Promise.allSettled(both.map((server) => server.ready));
      const serving = both.filter((_server, i) => outcomes[i]!.status === "fulfilled");
      const refused = both.filter((_server, i) => outcomes[i]!.status === "rejected");
      expect(serving).toHaveLength(1);
      expect(await refused[0]!.exited).toBe(1);
      expect(refused[0]!.output()).toContain(
        `is in use by the Claimant server (pid ${serving[0]!.process.pid}`,
      );
      expect(refused[0]!.output()).not.toContain("Aborted");
    } finally {
      await Promise.all(both.map((server) => server.stop()));
    }
  });

  it("a command holding the folder blocks a start with a message, and gives the folder back when done", async () => {
    const dataDir = await freshDataDir();
    folders.push(dataDir);
    const command = runCommand("src/cli/seed-demo.ts", [], { env: embeddedEnv(dataDir) });
    // Freeze the command while it holds the lock, as a long restore or move would hold it.
    const holder = await waitFor(() => (fs.existsSync(lockPath(dataDir)) ? holderOf(dataDir) : undefined));
    process.kill(holder.pid, "SIGSTOP");
    try {
      const blocked = await launchServerProcess(embeddedEnv(dataDir));
      expect(await blocked.exited).toBe(1);
      expect(blocked.output()).toContain(
        `is in use by the command npm run seed:demo (pid ${holder.pid}, since `,
      );
      expect(blocked.output()).toContain("Wait for it to finish, then start Claimant again.");
    } finally {
      process.kill(holder.pid, "SIGCONT");
    }
    expect((await command).status).toBe(0);
    // Given back on a normal exit: the next start finds the folder free.
    expect(fs.existsSync(lockPath(dataDir))).toBe(false);
  });

  it("a port in use stops start-up with one line naming the port and PORT, and leaves the folder free", async () => {
    const dataDir = await freshDataDir();
    folders.push(dataDir);
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const server = await launchServerProcess({ ...embeddedEnv(dataDir), LOG_LEVEL: "silent" }, { port });
      expect(await server.exited).toBe(1);
      expect(server.output()).toBe(
        `Claimant cannot start. Port ${port} is already in use by another program. Stop that program, or choose ` +
          `another port with PORT (for example PORT=${port + 1} npm start).\n`,
      );
      expect(fs.existsSync(lockPath(dataDir))).toBe(false);
      expect(fs.readdirSync(dataDir)).toEqual(["pglite"]);
    } finally {
      taken.close();
    }
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
