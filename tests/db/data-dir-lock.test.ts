import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  acquireDataDirLock,
  busyMessage,
  DataDirBusyError,
  lockPath,
  type LockHolder,
} from "../../src/db/data-dir-lock.js";

const folders: string[] = [];
afterAll(() => folders.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function folder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "claimant-lock-"));
  folders.push(dir);
  return dir;
}

const onLinux = fs.existsSync("/proc/self/stat");

/** A lock file as another process would have left it. */
function writeLock(dataDir: string, holder: Partial<LockHolder>): void {
  const full: LockHolder = {
    pid: 999_999,
    hostname: os.hostname(),
    kind: "server",
    command: "start",
    startedAt: "2026-11-25T10:00:00.000Z",
    token: "someone-else",
    ...holder,
  };
  fs.writeFileSync(lockPath(dataDir), JSON.stringify(full));
}

function busy(dataDir: string): DataDirBusyError {
  try {
    acquireDataDirLock(dataDir, { kind: "command", command: "seed:demo" }).release();
  } catch (error) {
    if (error instanceof DataDirBusyError) return error;
    throw error;
  }
  throw new Error("the lock was free");
}

/** A pid that certainly belongs to no process any more. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

function stat(pid: number): { startTime: string } {
  const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return { startTime: text.slice(text.lastIndexOf(")") + 2).split(" ")[19]! };
}

describe("the DATA_DIR lock", () => {
  it("records who holds it, refuses a second holder, and is gone once released", () => {
    const dataDir = folder();
    const lock = acquireDataDirLock(dataDir, { kind: "server", command: "start" });
    const holder = JSON.parse(fs.readFileSync(lockPath(dataDir), "utf8")) as LockHolder;
    expect(holder).toMatchObject({
      pid: process.pid,
      hostname: os.hostname(),
      kind: "server",
      command: "start",
    });
    if (onLinux) {
      expect(holder.bootId).toBe(fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim());
      expect(holder.startTime).toBe(stat(process.pid).startTime);
    }
    lock.update({ url: "http://localhost:3000", controlSocket: "/tmp/x.sock" });
    expect(JSON.parse(fs.readFileSync(lockPath(dataDir), "utf8"))).toMatchObject({
      url: "http://localhost:3000",
      controlSocket: "/tmp/x.sock",
    });

    const refused = busy(dataDir);
    expect(refused.holder.pid).toBe(process.pid);
    expect(busyMessage(refused, { kind: "command", command: "backup:restore" })).toMatch(
      /in use by the Claimant server \(pid \d+, http:\/\/localhost:3000, since .* UTC\)\. npm run backup:restore needs the database to itself: stop the server \(Ctrl-C in its terminal, or kill \d+\)/,
    );
    lock.release();
    expect(fs.existsSync(lockPath(dataDir))).toBe(false);
    acquireDataDirLock(dataDir, { kind: "command", command: "seed:demo" }).release();
  });

  it("takes over a lock whose process has ended", () => {
    const dataDir = folder();
    writeLock(dataDir, { pid: deadPid() });
    const lock = acquireDataDirLock(dataDir, { kind: "server", command: "start" });
    expect(JSON.parse(fs.readFileSync(lockPath(dataDir), "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it("takes over a lock written with this process's own pid (pid 1 again after a container restart)", () => {
    const dataDir = folder();
    writeLock(dataDir, { pid: process.pid });
    acquireDataDirLock(dataDir, { kind: "server", command: "start" }).release();
  });

  it.runIf(onLinux)(
    "takes over a lock from before a reboot, or from an earlier process with the same pid",
    () => {
      const living = spawn("sleep", ["30"]);
      try {
        const pid = living.pid!;
        const dataDir = folder();
        writeLock(dataDir, { pid, bootId: "another-boot", startTime: stat(pid).startTime });
        acquireDataDirLock(dataDir, { kind: "server", command: "start" }).release();
        writeLock(dataDir, { pid, startTime: "1" });
        acquireDataDirLock(dataDir, { kind: "server", command: "start" }).release();
        // The same process, still running: the lock is live.
        writeLock(dataDir, { pid, kind: "command", command: "seed:demo", startTime: stat(pid).startTime });
        const refused = busy(dataDir);
        expect(busyMessage(refused, { kind: "server", command: "start" })).toContain(
          `in use by the command npm run seed:demo (pid ${pid}, since 2026-11-25 10:00:00 UTC). Wait for it to finish, then start Claimant again.`,
        );
      } finally {
        living.kill("SIGKILL");
      }
    },
  );

  it("treats a lock from another host as live, and says how to remove it if that process is gone", () => {
    const dataDir = folder();
    writeLock(dataDir, { pid: deadPid(), hostname: "elsewhere" });
    const message = busyMessage(busy(dataDir), { kind: "command", command: "user:create" });
    expect(message).toContain('on host "elsewhere"');
    expect(message).toContain(`delete ${lockPath(dataDir)} and run npm run user:create again`);
  });

  it("treats a lock file that is not a lock as debris", () => {
    const dataDir = folder();
    fs.writeFileSync(lockPath(dataDir), "{not json");
    acquireDataDirLock(dataDir, { kind: "server", command: "start" }).release();
  });

  it("of several processes racing for an empty folder, or for a stale lock, exactly one wins each", async () => {
    const empty = folder();
    const stale = folder();
    writeLock(stale, { pid: deadPid() });
    const startAt = Date.now() + 2000;
    const script = `
      import { acquireDataDirLock } from "./src/db/data-dir-lock.ts";
      while (Date.now() < ${startAt}) {}
      for (const dataDir of process.argv.slice(1)) {
        try {
          acquireDataDirLock(dataDir, { kind: "server", command: "start" });
          console.log("won");
        } catch (error) {
          console.log(error.constructor.name);
        }
      }
      // Hold the locks until the test has every process's answer: a winner that exited early would
      // leave a stale lock that a process started late (on a busy machine) could rightly take.
      process.stdin.resume();
      await new Promise((resolve) => process.stdin.on("end", resolve));`;
    const children = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        script,
        empty,
        stale,
      ]);
      let out = "";
      const answered = new Promise<void>((resolve) => {
        const collect = (chunk: Buffer) => {
          out += chunk.toString();
          if (out.trim().split("\n").length >= 2) resolve();
        };
        child.stdout.on("data", collect);
        child.stderr.on("data", collect);
        child.once("close", () => resolve());
      });
      const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
      return { child, answered, closed, lines: () => out.trim().split("\n") };
    });
    await Promise.all(children.map((runner) => runner.answered));
    for (const { child } of children) child.stdin.end();
    await Promise.all(children.map((runner) => runner.closed));
    const outcomes = children.map((runner) => runner.lines());
    for (const which of [0, 1]) {
      expect(outcomes.map((lines) => lines[which]).sort()).toEqual([
        "DataDirBusyError",
        "DataDirBusyError",
        "DataDirBusyError",
        "won",
      ]);
    }
    expect(fs.readdirSync(empty)).toEqual([]);
    expect(fs.readdirSync(stale)).toEqual([]);
  });
});
