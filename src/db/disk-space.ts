import fs from "node:fs";
import type { Logger } from "pino";
import { InsufficientStorageError } from "../errors.js";

/**
 * The embedded database's guard against a full disk. PGlite cannot recover from a write that
 * found the disk full: it keeps failing after space is freed and can hang in its next checkpoint
 * (measured 2026-12-07). So it must never meet a full disk: while free space on DATA_DIR's disk
 * is below the reserve, the database is put in read-only mode (every write is refused by Postgres
 * before it touches a file, answered 507), and writes are allowed again once there is room.
 * A Postgres server needs none of this: it refuses what does not fit and carries on.
 */

/** How often free space is read: no write between two readings can use up the reserve. */
const CHECK_EVERY_MS = 250;
/** Writes resume only with this much more than the reserve, so they do not flap at the edge. */
const RESUME_ABOVE = 1.25;

/** The guard of this process's embedded database (none on a Postgres server). */
const guards = new Set<DiskSpaceGuard>();

/** True while the embedded database's disk is below its reserve (false on a Postgres server). */
export function storageIsLow(): boolean {
  for (const guard of guards) if (guard.low) return true;
  return false;
}

/** Refuses a write that would meet a full disk (507); for long transactions, between their steps. */
export function assertStorageRoom(): void {
  for (const guard of guards) if (guard.readLow()) throw new InsufficientStorageError();
}

export function freeBytes(dir: string): number {
  const stats = fs.statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/** At start: refuses to open the embedded database on a disk without its reserve, saying so. */
export function assertRoomToStart(dir: string, reserveBytes: number): void {
  const free = freeBytes(dir);
  if (free >= reserveBytes) return;
  throw new InsufficientStorageError(
    `The disk holding ${dir} has ${megabytes(free)} free; Claimant needs at least ${megabytes(reserveBytes)} ` +
      "there to run safely (DISK_RESERVE_MB). Free some disk space and start again.",
  );
}

export class DiskSpaceGuard {
  low = false;
  private timer?: NodeJS.Timeout;
  private switching: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly reserveBytes: number,
    /** Puts the database in (or out of) read-only mode. */
    private readonly setReadOnly: (readOnly: boolean) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    guards.add(this);
    await this.check();
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    guards.delete(this);
  }

  /** Reads free space now; true when below the reserve (and the switch to read-only is on its way). */
  readLow(): boolean {
    void this.check();
    return this.low;
  }

  private check(): Promise<void> {
    let free: number;
    try {
      free = freeBytes(this.dir);
    } catch {
      return this.switching;
    }
    const low = this.low ? free < this.reserveBytes * RESUME_ABOVE : free < this.reserveBytes;
    if (low === this.low) return this.switching;
    this.low = low;
    this.switching = this.switching
      .then(() => this.setReadOnly(low))
      .then(() =>
        low
          ? this.logger.warn(
              { freeBytes: free, reserveBytes: this.reserveBytes, dir: this.dir },
              `the disk is nearly full (${megabytes(free)} free): writes are refused until space is freed`,
            )
          : this.logger.warn(
              { freeBytes: free, dir: this.dir },
              "the disk has room again: writes are accepted",
            ),
      )
      .catch((error: unknown) =>
        this.logger.error({ err: error }, "could not switch the database's read-only mode"),
      );
    return this.switching;
  }
}

function megabytes(bytes: number): string {
  return `${Math.floor(bytes / (1024 * 1024)).toLocaleString("en")} MB`;
}
