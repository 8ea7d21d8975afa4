import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createApp } from "./app.js";
import { createFirstAdmin, needsFirstAdmin } from "./auth/auth.service.js";
import { resolveSessionSecret } from "./auth/session-secret.js";
import { scheduleBackups } from "./backups/schedule.js";
import { forwardableCommands } from "./cli/registry.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { startControlServer } from "./control/control-server.js";
import { controlSocketPath } from "./control/socket-path.js";
import { busyMessage, DataDirBusyError, type DataDirLock } from "./db/data-dir-lock.js";
import type { Database } from "./db/database.js";
import { MigrationError } from "./db/migrations.js";
import { openOwnedDatabase } from "./db/open-configured.js";
import { ConflictError, InsufficientStorageError } from "./errors.js";
import { assertRoomToStart, DiskSpaceGuard } from "./db/disk-space.js";
import { scheduleKeyPurge } from "./idempotency/purge.js";
import { browserUrl, listen, ListenError, startMessage } from "./http/listen.js";
import { createLogger } from "./http/logger.js";
import { Teardown } from "./teardown.js";
import { warmUp } from "./warm-up.js";

async function main(): Promise<void> {
  // Stopped while starting: exit at once; DATA_DIR's lock is given back on exit.
  const stopWhileStarting = (signal: NodeJS.Signals) => process.exit(signal === "SIGINT" ? 130 : 143);
  process.once("SIGINT", stopWhileStarting);
  process.once("SIGTERM", stopWhileStarting);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const teardown = new Teardown();
  const release = () => teardown.run((error) => logger.error({ err: error }, "error while stopping"));
  try {
    await start(config, logger, teardown, release);
    process.off("SIGINT", stopWhileStarting);
    process.off("SIGTERM", stopWhileStarting);
  } catch (error) {
    await release();
    throw error;
  }
}

async function start(config: Config, logger: Logger, teardown: Teardown, release: () => Promise<void>) {
  if (!config.databaseUrl) assertRoomToStart(existingFolder(config.dataDir), config.diskReserveBytes);
  const owned = await openOwnedDatabase(
    config,
    { kind: "server", command: "start" },
    (applied) => {
      if (applied.length > 0) logger.info({ applied }, "database migrations applied");
    },
    (message, fix) => logger.warn({ dataDir: config.dataDir, fixed: fix.fixed }, message),
  );
  teardown.add(() => owned.close());
  const { db, lock } = owned;
  logger.info(
    { database: db.kind, dataDir: db.kind === "pglite" ? config.dataDir : undefined },
    "database ready",
  );
  if (db.pglite) {
    const pglite = db.pglite;
    const guard = new DiskSpaceGuard(
      config.dataDir,
      config.diskReserveBytes,
      (readOnly) =>
        pglite.exec(`SET default_transaction_read_only = ${readOnly ? "on" : "off"}`).then(() => undefined),
      logger,
    );
    await guard.start();
    teardown.add(async () => guard.stop());
  }
  await ensureFirstAdmin(config, db, logger);

  let shuttingDown = false;
  const sessionSecret = await resolveSessionSecret(db.prisma, config.sessionSecret);
  const app = createApp({ db, config, logger, sessionSecret, isShuttingDown: () => shuttingDown });
  teardown.add(() => app.sessionStore.close());
  teardown.add(() => app.outages.close());
  const purge = scheduleKeyPurge(db.prisma, logger);
  teardown.add(async () => purge.stop());
  await warmUp(app, db, logger);
  const server = http.createServer(app.express);
  // Node ends any request not received whole within 5 minutes, which would cut off a large bulk
  // upload still sending; uploads end idle clients themselves (BULK_IDLE_TIMEOUT_SECONDS), and
  // headersTimeout still ends clients that never finish their headers.
  server.requestTimeout = 0;
  await listen(server, config.port, config.host);
  const { port } = server.address() as AddressInfo;
  const url = browserUrl(config.host, port);
  // Where a newcomer goes first: the one-time set-up page while no admin exists, else the login.
  const setUp = await needsFirstAdmin(db.prisma);
  logger.info({ port, url, open: setUp ? `${url}/setup` : `${url}/` }, startMessage(url, setUp));
  if (lock) await startEmbeddedDuties(config, db, lock, url, logger, teardown);

  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, "stopping: no new connections, finishing requests in flight");
    const force = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
    force.unref();
    server.close(() => {
      release()
        .then(() => logger.info("stopped"))
        .finally(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

async function ensureFirstAdmin(config: Config, db: Database, logger: Logger): Promise<void> {
  if (!config.firstAdmin || !(await needsFirstAdmin(db.prisma))) return;
  try {
    await createFirstAdmin(db.prisma, { ...config.firstAdmin, name: "Administrator" });
    logger.info({ email: config.firstAdmin.email }, "first admin created from ADMIN_EMAIL");
  } catch (error) {
    // Another process created it at the same moment: nothing to do.
    if (!(error instanceof ConflictError)) throw error;
  }
}

/**
 * The server owns the embedded database, so operator commands come to it (the control socket) and
 * it takes the scheduled backups. The lock then tells commands where to find it.
 */
async function startEmbeddedDuties(
  config: Config,
  db: Database,
  lock: DataDirLock,
  url: string,
  logger: Logger,
  teardown: Teardown,
) {
  const control = await startControlServer({
    socketPath: controlSocketPath(config.dataDir),
    db,
    config,
    logger,
    commands: forwardableCommands,
  });
  teardown.add(() => control.close(config.shutdownGraceMs));
  const backups = scheduleBackups(db.pglite!, config.backups, logger);
  teardown.add(() => backups.stop());
  lock.update({ url, controlSocket: control.path });
}

/** The folder itself, or the nearest parent that exists yet: where its files will go. */
function existingFolder(folder: string): string {
  let current = path.resolve(folder);
  while (!fs.existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

main().catch((error: unknown) => {
  if (error instanceof DataDirBusyError) {
    console.error(`Claimant cannot start. ${busyMessage(error, { kind: "server", command: "start" })}`);
  } else if (
    error instanceof InsufficientStorageError ||
    error instanceof ConfigError ||
    error instanceof MigrationError ||
    error instanceof ListenError
  ) {
    console.error(`Claimant cannot start. ${error.message}`);
  } else {
    console.error("Claimant cannot start:", error);
  }
  process.exit(1);
});
