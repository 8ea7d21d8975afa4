import type { Logger } from "pino";

/**
 * Expected refusals (503 while the database is away, 507 while the disk is full) are logged once
 * when they start and once when they end, at warn level with a count, instead of one line per
 * request: an outage of three minutes would otherwise bury real errors under thousands of lines.
 * Each process counts its own requests.
 */
export interface OutageTiming {
  /** How often an ongoing outage is checked for its end (its probe, or quiet). */
  checkMs: number;
  /** Without a probe, an outage ends when no request was refused for this long. */
  quietMs: number;
  /** A long outage is reported again this often, with the count since. */
  reportMs: number;
}

const defaultTiming: OutageTiming = { checkMs: 2_000, quietMs: 15_000, reportMs: 60_000 };

interface Outage {
  since: number;
  lastSeen: number;
  lastReported: number;
  count: number;
  reportedCount: number;
}

export class OutageLog {
  private readonly outages = new Map<string, Outage>();
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly logger: Logger,
    /** Per kind (the answer's code), a check that succeeds once the cause is gone. */
    private readonly probes: Partial<Record<string, () => Promise<unknown>>> = {},
    private readonly timing: OutageTiming = defaultTiming,
  ) {}

  /** A request was refused for `kind` (database_unavailable, insufficient_storage, ...). */
  note(kind: string, error: unknown): void {
    const now = Date.now();
    const outage = this.outages.get(kind);
    if (outage) {
      outage.count += 1;
      outage.lastSeen = now;
      return;
    }
    this.outages.set(kind, { since: now, lastSeen: now, lastReported: now, count: 1, reportedCount: 0 });
    this.logger.warn(
      { outage: kind, err: error },
      `${describe(kind)}: refusing requests until it is over (logged once; a count follows at its end)`,
    );
    if (!this.timer) {
      this.timer = setInterval(() => void this.check(), this.timing.checkMs);
      this.timer.unref();
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const [kind, outage] of this.outages) {
        const now = Date.now();
        if (await this.isOver(kind, outage, now)) {
          this.outages.delete(kind);
          this.logger.warn(
            { outage: kind, refused: outage.count, seconds: Math.round((now - outage.since) / 1000) },
            `${describe(kind)} over after ${Math.round((now - outage.since) / 1000)} s: ${outage.count} ${outage.count === 1 ? "request was" : "requests were"} refused`,
          );
        } else if (now - outage.lastReported >= this.timing.reportMs) {
          this.logger.warn(
            { outage: kind, refused: outage.count - outage.reportedCount, total: outage.count },
            `${describe(kind)} goes on: ${outage.count - outage.reportedCount} more requests refused`,
          );
          outage.lastReported = now;
          outage.reportedCount = outage.count;
        }
      }
    } finally {
      this.checking = false;
      if (this.outages.size === 0) this.close();
    }
  }

  private async isOver(kind: string, outage: Outage, now: number): Promise<boolean> {
    const probe = this.probes[kind];
    if (!probe) return now - outage.lastSeen >= this.timing.quietMs;
    try {
      await probe();
      return true;
    } catch {
      return false;
    }
  }
}

function describe(kind: string): string {
  if (kind === "database_unavailable") return "Database outage (503)";
  if (kind === "insufficient_storage") return "Disk full (507)";
  return `Requests refused (${kind})`;
}
