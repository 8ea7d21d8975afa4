import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockPath, type LockHolder } from "../../src/db/data-dir-lock.js";
import { looseEntries } from "../../src/db/data-dir-permissions.js";
import { runCommand } from "../helpers/command-process.js";
import { embeddedEnv, freshDataDir, removeDataDir } from "../helpers/data-dir.js";
import { launchServerProcess, startServerProcess, type ServerProcess } from "../helpers/server-process.js";

// A real server on a DATA_DIR too long for a socket inside it, with a temporary folder of the
// test's own (TMPDIR) standing in for /tmp: the socket goes to a private folder there, the command
// line finds it, and a folder another account put there first stops the start with a message.
// The DATA_DIR it is given is readable by everyone; the server fixes it and says so once.

const uid = process.getuid!();
const LONG = `claimant-long-${"d".repeat(90)}-`;
const slow = { timeout: 180_000 };

function sharedTmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "claimant-tmpdir-"));
  fs.chmodSync(dir, 0o1777);
  return dir;
}

function loosen(dir: string): void {
  fs.chmodSync(dir, 0o777);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    fs.chmodSync(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o777 : 0o666);
  }
}

describe("the server on a long, world-readable DATA_DIR", slow, () => {
  let dataDir: string;
  let tmpdir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = await freshDataDir(LONG);
    expect(Buffer.byteLength(path.join(dataDir, "claimant.sock"))).toBeGreaterThan(108);
    loosen(dataDir);
    tmpdir = sharedTmp();
    server = await startServerProcess({ ...embeddedEnv(dataDir), TMPDIR: tmpdir, XDG_RUNTIME_DIR: "" });
  });
  afterAll(async () => {
    await server?.stop();
    removeDataDir(dataDir);
    removeDataDir(tmpdir);
  });

  it("made DATA_DIR private at start and said so once in its log", () => {
    const lines = server
      .output()
      .split("\n")
      .filter((line) => line.includes("other users could read or change"));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, dataDir });
    expect(looseEntries(dataDir)).toEqual([]);
  });

  it("listens in <TMPDIR>/claimant-<uid>/ (0700), never directly in the shared folder", () => {
    const holder = JSON.parse(fs.readFileSync(lockPath(dataDir), "utf8")) as LockHolder;
    const socket = holder.controlSocket!;
    expect(path.dirname(socket)).toBe(path.join(tmpdir, `claimant-${uid}`));
    expect(fs.lstatSync(path.dirname(socket)).mode & 0o777).toBe(0o700);
    expect(fs.lstatSync(socket).isSocket()).toBe(true);
    expect(fs.lstatSync(socket).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(tmpdir).filter((name) => name.endsWith(".sock"))).toEqual([]);
  });

  it("the command line finds it and runs commands there; what they write in DATA_DIR stays private", async () => {
    const env = embeddedEnv(dataDir);
    const seeded = await runCommand("src/cli/seed-demo.ts", [], { env });
    expect(seeded.stderr).toContain("Run by the Claimant server");
    expect(seeded.stdout).toMatch(/Added \d+ speakers and \d+ claims\./);
    expect(seeded.status).toBe(0);
    const backup = await runCommand("src/cli/backup.ts", [], { env });
    expect(backup.stdout).toContain(`Backup written: ${path.join(dataDir, "backups")}`);
    expect(backup.status).toBe(0);
    expect(looseEntries(dataDir)).toEqual([]);
  });
});

describe("the server whose socket folder another account took first", slow, () => {
  let dataDir: string;
  let tmpdir: string;
  beforeAll(async () => {
    dataDir = await freshDataDir(LONG);
    tmpdir = sharedTmp();
  });
  afterAll(() => {
    removeDataDir(dataDir);
    removeDataDir(tmpdir);
  });

  it("does not start, and says which folder and what to do", async () => {
    const trap = fs.mkdtempSync(path.join(tmpdir, "trap-"));
    const folder = path.join(tmpdir, `claimant-${uid}`);
    fs.symlinkSync(trap, folder);
    const server = await launchServerProcess({
      ...embeddedEnv(dataDir),
      TMPDIR: tmpdir,
      XDG_RUNTIME_DIR: "",
    });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(
      `Claimant cannot start. The folder for the control socket, ${folder}, is a symbolic link: another ` +
        "account could intercept operator commands there, so Claimant will not use it.",
    );
    expect(server.output()).toContain("set XDG_RUNTIME_DIR to a folder of yours with mode 700");
    expect(fs.readdirSync(trap)).toEqual([]);
    // It gave DATA_DIR back: nothing holds it.
    expect(fs.existsSync(lockPath(dataDir))).toBe(false);
  });
});
