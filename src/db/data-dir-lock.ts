import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { assertOwnDataDir, restrictNewFiles, secureDataDir } from "./data-dir-permissions.js";
import { bootId, isAlive, processStat } from "./process-facts.js";

/**
 * PGlite has no lock of its own: a second process that opens the same folder starts, acknowledges
 * writes and hands out the same ids, and one side's writes are lost at the next start. This lock
 * file makes the embedded database belong to one process at a time.
 */

export const LOCK_FILE_NAME = "claimant.lock";

/** The lock names the server's control socket: only DATA_DIR's owner reads or writes it. */
const LOCK_FILE_MODE = 0o600;

export type LockKind = "server" | "command";

export interface LockHolder {
  pid: number;
  hostname: string;
  /** Linux: tells a lock written before the last reboot from a live one. */
  bootId?: string;
  /** Linux: /proc/<pid>/stat field 22, so a reused pid is not taken for the holder. */
  startTime?: string;
  kind: LockKind;
  /** "start" for the server, else the npm script name (user:create, backup:restore, ...). */
  command: string;
  startedAt: string;
  /** The server's address, once it listens. */
  url?: string;
  /** Where the server takes operator commands, once it listens. */
  controlSocket?: string;
  /** Tells this process's lock from another's when releasing. */
  token: string;
}

export interface DataDirLock {
  readonly path: string;
  holder(): LockHolder;
  /** Records what a server learns after taking the lock (its URL, its control socket). */
  update(fields: Pick<LockHolder, "url" | "controlSocket">): void;
  release(): void;
}

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
    /** False when the holder runs on another machine: its pid cannot be checked from here. */
    readonly sameHost: boolean,
  ) {
    super(`The embedded database in ${dataDir} is in use by ${describeHolder(holder, sameHost)}.`);
  }
}

/** Locks taken by this process, so that it never mistakes its own for a stale one. */
const heldHere = new Set<string>();

export function lockPath(dataDir: string): string {
  return path.join(dataDir, LOCK_FILE_NAME);
}

/**
 * Takes DATA_DIR for this process, or throws DataDirBusyError naming the live holder. DATA_DIR must
 * be this user's (DataDirPermissionError otherwise); what the holder creates there is private
 * (umask 077), and whatever it left loose is made private again when it gives DATA_DIR back.
 */
export function acquireDataDirLock(dataDir: string, owner: { kind: LockKind; command: string }): DataDirLock {
  assertOwnDataDir(dataDir);
  restrictNewFiles();
  const target = lockPath(dataDir);
  const holder = describeThisProcess(owner);
  const draft = `${target}.${process.pid}.${holder.token}.tmp`;
  fs.writeFileSync(draft, `${JSON.stringify(holder)}\n`, { mode: LOCK_FILE_MODE });
  try {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        // link() never replaces an existing file: of several processes, exactly one succeeds.
        fs.linkSync(draft, target);
        return heldLock(target, holder);
      } catch (error) {
        if (errorCode(error) !== "EEXIST") throw error;
      }
      const existing = readLockFile(target);
      if (!existing) continue;
      const sameHost = existing.holder.hostname === os.hostname();
      if (!isStale(existing.holder)) throw new DataDirBusyError(dataDir, existing.holder, sameHost);
      setAside(target, existing.inode);
    }
    throw new Error(`Could not take ${target}: other processes keep replacing it.`);
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

/** The current holder, if any, and whether it is alive: for a command waiting on a starting server. */
export function readDataDirLock(dataDir: string): { holder: LockHolder; live: boolean } | undefined {
  const existing = readLockFile(lockPath(dataDir));
  return existing && { holder: existing.holder, live: !isStale(existing.holder) };
}

function heldLock(target: string, initial: LockHolder): DataDirLock {
  let holder = initial;
  heldHere.add(holder.token);
  const ours = () => readLockFile(target)?.holder.token === holder.token;
  const release = () => {
    process.off("exit", release);
    if (!heldHere.delete(holder.token)) return;
    // Never remove a lock that someone else holds now.
    if (!ours()) return;
    // A restore writes a fresh embedded database, which PGlite leaves 0666: private before anyone
    // else may take the folder. A failure here is refused, with its message, at the next open.
    try {
      secureDataDir(path.dirname(target));
    } catch {
      // reported by the next process that opens DATA_DIR
    }
    fs.rmSync(target, { force: true });
  };
  // Covers process.exit() and a normal end; signals are handled by the server and the command runner.
  process.on("exit", release);
  return {
    path: target,
    holder: () => holder,
    update(fields) {
      if (!ours()) return;
      holder = { ...holder, ...fields };
      const draft = `${target}.${process.pid}.${holder.token}.update`;
      fs.writeFileSync(draft, `${JSON.stringify(holder)}\n`, { mode: LOCK_FILE_MODE });
      fs.renameSync(draft, target);
    },
    release,
  };
}

/**
 * Moves a stale lock out of the way. Rename is atomic, so of two processes that both judged it
 * stale only one moves it; the other may instead move the winner's fresh lock, sees that the file
 * it moved is not the one it judged, and puts it back.
 */
function setAside(target: string, staleInode: number): void {
  const aside = `${target}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    fs.renameSync(target, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return;
    throw error;
  }
  const moved = readLockFile(aside);
  if (moved && moved.inode !== staleInode && !isStale(moved.holder)) {
    try {
      fs.linkSync(aside, target);
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
    }
  }
  fs.rmSync(aside, { force: true });
}

function readLockFile(file: string): { holder: LockHolder; inode: number } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
  try {
    const inode = fs.fstatSync(fd).ino;
    const text = fs.readFileSync(fd, "utf8");
    return { holder: parseHolder(text), inode };
  } finally {
    fs.closeSync(fd);
  }
}

/** A lock file is only ever written whole (link, rename), so one that does not parse is debris. */
function parseHolder(text: string): LockHolder {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === "number" && typeof value.hostname === "string") return value as LockHolder;
  } catch {
    // fall through
  }
  return { pid: -1, hostname: os.hostname(), kind: "command", command: "?", startedAt: "", token: "" };
}

function isStale(holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) return false;
  if (heldHere.has(holder.token)) return false;
  // After a container restart this process may have the pid the previous one had (often 1).
  if (holder.pid === process.pid || holder.pid <= 0) return true;
  if (holder.bootId && bootId() && holder.bootId !== bootId()) return true;
  const now = processStat(holder.pid);
  if (now === "gone") return true;
  if (now && holder.startTime && now.startTime !== holder.startTime) return true;
  return !isAlive(holder.pid);
}

function describeThisProcess(owner: { kind: LockKind; command: string }): LockHolder {
  const stat = processStat(process.pid);
  return {
    pid: process.pid,
    hostname: os.hostname(),
    bootId: bootId(),
    startTime: stat && stat !== "gone" ? stat.startTime : undefined,
    kind: owner.kind,
    command: owner.command,
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
  };
}

/** "the Claimant server (pid 12, http://localhost:3000, since 2026-11-25 10:00:00 UTC)" */
export function describeHolder(holder: LockHolder, sameHost = true): string {
  const since = holder.startedAt ? `since ${holder.startedAt.slice(0, 19).replace("T", " ")} UTC` : "";
  const where = sameHost ? "" : `on host "${holder.hostname}"`;
  const details = [`pid ${holder.pid}`, where, holder.url, since].filter(Boolean).join(", ");
  const who = holder.kind === "server" ? "the Claimant server" : `the command npm run ${holder.command}`;
  return `${who} (${details})`;
}

/** The whole refusal: who holds the folder, and what the one who asked should do instead. */
export function busyMessage(error: DataDirBusyError, wanted: { kind: LockKind; command: string }): string {
  const { holder, sameHost } = error;
  const again = wanted.kind === "server" ? "start Claimant again" : `run npm run ${wanted.command} again`;
  let advice: string;
  if (!sameHost) {
    advice =
      `Stop it on "${holder.hostname}". If it is no longer running there, delete ${lockPath(error.dataDir)} ` +
      `and ${again}.`;
  } else if (holder.kind === "command") {
    advice = `Wait for it to finish, then ${again}.`;
  } else if (wanted.kind === "server") {
    advice =
      `One process at a time can use an embedded database: use that server, or stop it (Ctrl-C in its ` +
      `terminal, or kill ${holder.pid}) and ${again}. To run several app processes, move to a Postgres ` +
      "server (npm run db:move-to-postgres, see the README).";
  } else {
    advice =
      `npm run ${wanted.command} needs the database to itself: stop the server (Ctrl-C in its terminal, ` +
      `or kill ${holder.pid}), then ${again}.`;
  }
  return `${error.message} ${advice}`;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}
