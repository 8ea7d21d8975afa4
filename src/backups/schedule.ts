import type { PGlite } from "@electric-sql/pglite";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { listBackups } from "./backup-folder.js";
import { takeBackup } from "./take-backup.js";

/** A server that was down past its backup time backs up this soon after starting, not at once. */
const FIRST_BACKUP_DELAY_MS = 60_000;
/** setTimeout fires at once for anything longer (about 24.8 days); longer waits are taken in steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export interface BackupSchedule {
  /** Cancels the next backup and waits for one in progress, so the database can close after it. */
  stop(): Promise<void>;
}

/** Backs the embedded database up every BACKUP_INTERVAL_HOURS while the server runs. */
export function scheduleBackups(pglite: PGlite, backups: Config["backups"], logger: Logger): BackupSchedule {
  if (backups.intervalMs === 0) return { stop: async () => undefined };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const next = (delayMs: number) => {
    if (stopped) return;
    if (delayMs > LONGEST_TIMER_MS) {
      timer = setTimeout(() => next(delayMs - LONGEST_TIMER_MS), LONGEST_TIMER_MS);
      timer.unref();
      return;
    }
    timer = setTimeout(() => {
      running = backUp().finally(() => {
        running = undefined;
        next(backups.intervalMs);
      });
    }, delayMs);
    timer.unref();
  };

  const backUp = async () => {
    try {
      const result = await takeBackup(pglite, backups);
      logger.info(
        { file: result.file, bytes: result.bytes, rows: result.rows, ms: result.ms, removed: result.removed },
        "backup written",
      );
    } catch (error) {
      logger.error(
        { err: error, dir: backups.dir },
        "backup failed; the next one is tried at the next interval",
      );
    }
  };

  next(firstDelay(backups));
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

function firstDelay(backups: Config["backups"]): number {
  const newest = listBackups(backups.dir)[0];
  const soon = Math.min(FIRST_BACKUP_DELAY_MS, backups.intervalMs);
  if (!newest) return soon;
  const due = newest.takenAt.getTime() + backups.intervalMs - Date.now();
  return Math.max(soon, Math.min(due, backups.intervalMs));
}
