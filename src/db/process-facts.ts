import fs from "node:fs";

/**
 * What this machine can say about a process: whether it still runs, and (on Linux) when it started
 * and since which boot, so that a pid reused by another process is not taken for the one that wrote
 * a lock.
 */

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** "gone" when the process has ended (a zombie counts), undefined where /proc is not available. */
export function processStat(pid: number): { startTime: string } | "gone" | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && fs.existsSync("/proc/self/stat")) return "gone";
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return "gone";
  const startTime = fields[19];
  return startTime ? { startTime } : undefined;
}

let cachedBootId: string | undefined | null = null;
export function bootId(): string | undefined {
  if (cachedBootId === null) {
    try {
      cachedBootId = fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      cachedBootId = undefined;
    }
  }
  return cachedBootId;
}
