import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../helpers/server-process.js";

/**
 * A Postgres server of the fault suite's own (initdb in a temporary folder, its own port), so
 * that it can be killed with SIGKILL and started again without touching the machine's server.
 */
export interface OwnPostgres {
  url: string;
  /** kill -9 of the postmaster and every backend: a crash, as a power cut or the OOM killer would. */
  kill(): void;
  start(): void;
  stop(): void;
  remove(): void;
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = fs.readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return path.join(root, versions[0]!, "bin");
}

/** Commands run as the postgres user when we are root (Postgres refuses to run as root). */
function run(command: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const result = asRoot
    ? spawnSync("runuser", ["-u", "postgres", "--", command, ...args], { encoding: "utf8" })
    : spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${path.basename(command)} failed: ${result.stderr || result.stdout}`);
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "claimant-faults-pg-"));
  const data = path.join(dir, "data");
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", dir]);
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  run(path.join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const log = path.join(dir, "postgres.log");
  const start = () =>
    run(path.join(bin, "pg_ctl"), [
      "-D",
      data,
      "-l",
      log,
      "-w",
      "-t",
      "60",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=60`,
      "start",
    ]);
  start();
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query("CREATE DATABASE claimant");
  await admin.end();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/claimant`,
    kill() {
      const pidFile = path.join(data, "postmaster.pid");
      if (!fs.existsSync(pidFile)) return;
      const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
      const children = spawnSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
        .stdout.split("\n")
        .map((line) => Number(line.trim()))
        .filter((child) => child > 0);
      for (const target of [pid, ...children]) {
        try {
          process.kill(target, "SIGKILL");
        } catch {
          // already gone
        }
      }
      // The postmaster is gone once its pid no longer answers.
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        spawnSync("sleep", ["0.05"]);
      }
    },
    start,
    stop() {
      try {
        run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
      } catch {
        // not running
      }
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
