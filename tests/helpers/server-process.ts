import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { serverErrorsInLog } from "./server-errors.js";

export interface ServerProcess {
  url: string;
  process: ChildProcess;
  output: () => string;
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
  /** Kills the process outright (SIGKILL), as a crash or `kill -9` would, and waits for it to end. */
  kill(): Promise<void>;
}

/** A server process that may or may not come up (it may refuse to start). */
export interface LaunchedServer extends ServerProcess {
  /** Resolves once /healthz answers; rejects with the output if the process exits first. */
  ready: Promise<void>;
  /** The exit code once the process has ended. */
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Runs `src/server.ts` as a real separate process, the way `npm start` does. */
export async function startServerProcess(
  env: Record<string, string>,
  options: { built?: boolean } = {},
): Promise<ServerProcess> {
  const server = await launchServerProcess(env, options);
  await server.ready;
  return server;
}

/** Starts the process without waiting for it: for servers expected to refuse, or to race. */
export async function launchServerProcess(
  env: Record<string, string>,
  options: { port?: number; built?: boolean } = {},
): Promise<LaunchedServer> {
  const port = options.port ?? (await freePort());
  // built: the compiled server (npm run build, then npm run start:prod), as production runs it.
  const entry = options.built ? ["dist/src/server.js"] : ["--import", "tsx", "src/server.ts"];
  const child = spawn(process.execPath, entry, {
    env: {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      HOST: "127.0.0.1",
      PORT: String(port),
      // Scheduled backups only where a test asks for them.
      BACKUP_INTERVAL_HOURS: "0",
      // Test machines can be short of disk; the tests of a full disk set their own reserve.
      DISK_RESERVE_MB: "16",
      // Uploads a test cut off may still be stopping when its next starts (tests/abuse sets 2).
      BULK_UPLOADS_PER_USER: "50",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const ready = waitUntilHealthy(url, child, () => output);
  ready.catch(() => undefined); // callers that expect a refusal never await it
  return {
    url,
    process: child,
    output: () => output,
    ready,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const code = await exited;
      serverErrorsInLog(output);
      return code;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start in time:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
