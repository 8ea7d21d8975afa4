import type { Logger } from "pino";
import type { PrismaClient } from "../db/types.js";
import { purgeExpiredKeys } from "./idempotency.service.js";

const EVERY_MS = 3_600_000;

/**
 * Every server deletes expired idempotency keys and bulk upload records once an hour (and a
 * minute after start). Several processes doing it at once is harmless: each delete is idempotent.
 */
export function scheduleKeyPurge(prisma: PrismaClient, logger: Logger): { stop(): void } {
  const purge = () =>
    void purgeExpiredKeys(prisma)
      .then((purged) => {
        if (purged.keys + purged.uploads > 0)
          logger.info(purged, "expired idempotency keys and bulk upload records deleted");
      })
      .catch((error: unknown) =>
        logger.warn({ err: error }, "could not delete expired idempotency keys; will try again"),
      );
  const first = setTimeout(purge, 60_000);
  const timer = setInterval(purge, EVERY_MS);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
