import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import type { DatabaseCommand } from "../../src/cli/command.js";
import type { Config } from "../../src/config.js";
import { forwardCommand } from "../../src/control/control-client.js";
import { startControlServer } from "../../src/control/control-server.js";
import {
  ControlSocketError,
  controlSocketPath,
  prepareSocketFolder,
  privateTmpFolder,
} from "../../src/control/socket-path.js";
import type { Database } from "../../src/db/database.js";

// Where the control socket goes when DATA_DIR is too long for one, and that nobody else can take
// that place first or pass for the server. The temporary folder is a test folder of its own here,
// so the machine's real /tmp/claimant-<uid> is never touched.

const uid = process.getuid!();
const bases: string[] = [];
afterAll(() => bases.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A shared temporary folder (sticky, world-writable like /tmp) and a private runtime folder. */
function places() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "claimant-socket-"));
  bases.push(base);
  const tmpdir = path.join(base, "tmp");
  const runtimeDir = path.join(base, "run");
  fs.mkdirSync(tmpdir);
  fs.chmodSync(tmpdir, 0o1777);
  fs.mkdirSync(runtimeDir, { mode: 0o700 });
  fs.chmodSync(runtimeDir, 0o700);
  return { base, tmpdir, runtimeDir };
}

const deep = `/srv/${"very-long-folder-name/".repeat(6)}data`;

function mode(file: string): number {
  return fs.lstatSync(file).mode & 0o777;
}

function refusal(work: () => unknown): ControlSocketError {
  try {
    work();
  } catch (error) {
    if (error instanceof ControlSocketError) return error;
    throw error;
  }
  throw new Error("not refused");
}

describe("the control socket's path", () => {
  it("is in DATA_DIR when it fits, and a named pipe on Windows", () => {
    expect(controlSocketPath("/srv/claimant/data", { platform: "linux" })).toBe(
      "/srv/claimant/data/claimant.sock",
    );
    expect(controlSocketPath("C:\\claimant\\data", { platform: "win32" })).toMatch(
      /^\\\\\.\\pipe\\claimant-[0-9a-f]{16}$/,
    );
  });

  it("for a long DATA_DIR is in a private runtime folder, never a name directly in the shared temporary folder", () => {
    const { tmpdir, runtimeDir } = places();
    const linux = { platform: "linux" as const, uid, tmpdir };

    const inRuntime = controlSocketPath(deep, { ...linux, runtimeDir });
    expect(path.dirname(inRuntime)).toBe(runtimeDir);
    expect(path.basename(inRuntime)).toMatch(/^claimant-[0-9a-f]{16}\.sock$/);

    const fallback = controlSocketPath(deep, { ...linux, runtimeDir: undefined });
    expect(path.dirname(fallback)).toBe(path.join(tmpdir, `claimant-${uid}`));
    expect(path.dirname(fallback)).not.toBe(tmpdir);
    // Deterministic (the command line and a restarted server agree), distinct per DATA_DIR.
    expect(controlSocketPath(deep, { ...linux, runtimeDir: undefined })).toBe(fallback);
    expect(controlSocketPath(`${deep}2`, { ...linux, runtimeDir: undefined })).not.toBe(fallback);

    // XDG_RUNTIME_DIR is used only when it is ours alone.
    fs.chmodSync(runtimeDir, 0o755);
    expect(controlSocketPath(deep, { ...linux, runtimeDir })).toBe(fallback);
    fs.chmodSync(runtimeDir, 0o700);
    expect(controlSocketPath(deep, { ...linux, runtimeDir, uid: uid + 1 })).toBe(
      path.join(tmpdir, `claimant-${uid + 1}`, path.basename(fallback)),
    );
    expect(controlSocketPath(deep, { ...linux, runtimeDir: "relative/run" })).toBe(fallback);
  });
});

describe("the private folder of the control socket", () => {
  it("is created 0700 in the temporary folder, and accepted again as it is", () => {
    const { tmpdir } = places();
    const socket = controlSocketPath(deep, { platform: "linux", uid, tmpdir, runtimeDir: undefined });
    prepareSocketFolder(socket, deep);
    expect(mode(path.dirname(socket))).toBe(0o700);
    expect(fs.statSync(path.dirname(socket)).uid).toBe(uid);
    prepareSocketFolder(socket, deep);
  });

  it("is refused, with what to do, when another account made it first, it is a link, or others may use it", () => {
    const { base, tmpdir } = places();
    const folder = privateTmpFolder({ tmpdir, uid });
    const socket = path.join(folder, "claimant-0123456789abcdef.sock");

    // Taken first by another account: seen as ours would be by user uid+1.
    fs.mkdirSync(folder, { mode: 0o700 });
    const taken = refusal(() => prepareSocketFolder(socket, deep, { uid: uid + 1 }));
    expect(taken.message).toContain(
      `The folder for the control socket, ${folder}, belongs to user id ${uid}`,
    );
    expect(taken.message).toContain("another account could intercept operator commands there");
    expect(taken.message).toContain("set XDG_RUNTIME_DIR to a folder of yours with mode 700");
    expect(taken.message).toMatch(/use a DATA_DIR path of at most 86 bytes \(it has \d+\)/);

    fs.chmodSync(folder, 0o755);
    expect(refusal(() => prepareSocketFolder(socket, deep)).message).toContain(
      "can be used by other users (mode 755; it must be 700)",
    );

    fs.rmSync(folder, { recursive: true });
    const elsewhere = path.join(base, "elsewhere");
    fs.mkdirSync(elsewhere, { mode: 0o700 });
    fs.symlinkSync(elsewhere, folder);
    expect(refusal(() => prepareSocketFolder(socket, deep)).message).toContain(
      `${folder}, is a symbolic link`,
    );
  });
});

describe("a control server on a long DATA_DIR", () => {
  const calls: string[] = [];
  const hello: DatabaseCommand = {
    name: "hello",
    access: "database",
    async run(_db, args, io) {
      calls.push(args.join(" "));
      io.stdout.write("hi\n");
    },
  };
  const serverOptions = (socketPath: string) => ({
    socketPath,
    db: {} as Database,
    config: { dataDir: deep } as Config,
    logger: pino({ level: "silent" }),
    commands: new Map([[hello.name, hello]]),
  });

  async function send(socketPath: string, trust = {}) {
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const code = await forwardCommand(
      socketPath,
      { command: "hello", args: ["there"], stdin: "a password" },
      { stdout, stderr: new PassThrough() },
      trust,
    );
    return { code, out };
  }

  it("listens in its private folder (0700, socket 0600) and answers the command line there", async () => {
    const { tmpdir } = places();
    const socketPath = controlSocketPath(deep, { platform: "linux", uid, tmpdir, runtimeDir: undefined });
    const control = await startControlServer(serverOptions(socketPath));
    try {
      expect(control.path).toBe(socketPath);
      expect(mode(path.dirname(socketPath))).toBe(0o700);
      expect(mode(socketPath)).toBe(0o600);
      expect(await send(socketPath)).toEqual({ code: 0, out: "hi\n" });
      expect(calls).toEqual(["there"]);

      // The command line sends nothing (a password maybe) to a socket that is not its user's.
      const other = uid === 0 ? 4242 : uid + 1;
      const refused = await send(socketPath, { uid: other }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ControlSocketError);
      expect((refused as Error).message).toBe(
        `The control socket ${socketPath} belongs to user id ${uid}, not to you (user id ${other}): ` +
          "the command was not sent. Run it as the user who runs the Claimant server.",
      );
      expect(calls).toEqual(["there"]);
    } finally {
      await control.close(1000);
    }
  });

  it("refuses to start, saying why, when its folder's name was taken first", async () => {
    const { base, tmpdir } = places();
    const socketPath = controlSocketPath(deep, { platform: "linux", uid, tmpdir, runtimeDir: undefined });
    const trap = path.join(base, "trap");
    fs.mkdirSync(trap, { mode: 0o700 });
    fs.symlinkSync(trap, path.dirname(socketPath));
    const failure = await startControlServer(serverOptions(socketPath)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ControlSocketError);
    expect((failure as Error).message).toContain(`${path.dirname(socketPath)}, is a symbolic link`);
    expect(fs.readdirSync(trap)).toEqual([]);
  });
});
