import { spawn } from "node:child_process";

export interface CommandRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs an operator command as users do (`node --import tsx src/cli/….ts`, which is what the npm
 * scripts run), without blocking this process: a server child keeps being read meanwhile.
 */
export function runCommand(
  script: string,
  args: string[],
  options: { env: Record<string, string>; stdin?: string },
): Promise<CommandRun> {
  return runProcess(process.execPath, ["--import", "tsx", script, ...args], options);
}

export function runProcess(
  file: string,
  args: string[],
  options: { env: Record<string, string | undefined>; stdin?: string },
): Promise<CommandRun> {
  const child = spawn(file, args, {
    env: { ...process.env, LOG_LEVEL: "silent", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? "");
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * Runs an operator command and kills it (SIGKILL, as a lost terminal or `kill -9` does) once it
 * has printed `lines` lines on standard output; resolves when it has ended.
 */
export async function runCommandKilledAfter(
  script: string,
  args: string[],
  options: { env: Record<string, string>; lines: number },
): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    env: { ...process.env, LOG_LEVEL: "silent", ...options.env },
  });
  child.stderr.resume();
  let printed = 0;
  const closed = new Promise((resolve) => child.once("close", resolve));
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      printed += chunk.toString().split("\n").length - 1;
      if (printed >= options.lines) resolve();
    });
    child.once("close", () => resolve());
  });
  child.kill("SIGKILL");
  await closed;
}
