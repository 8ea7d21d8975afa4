import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import { createFirstAdmin, needsFirstAdmin } from "./auth/auth.service.js";
import { resolveSessionSecret } from "./auth/session-secret.js";
import { ConfigError, loadConfig } from "./config.js";
import { openConfiguredDatabase } from "./db/open-configured.js";
import { MigrationError } from "./db/migrations.js";
import { createLogger } from "./http/logger.js";
import { ConflictError } from "./errors.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openConfiguredDatabase(config, (applied) => {
    if (applied.length > 0) logger.info({ applied }, "database migrations applied");
  });
  logger.info(
    { database: db.kind, dataDir: db.kind === "pglite" ? config.dataDir : undefined },
    "database ready",
  );

  if (config.firstAdmin && (await needsFirstAdmin(db.prisma))) {
    try {
      await createFirstAdmin(db.prisma, { ...config.firstAdmin, name: "Administrator" });
      logger.info({ email: config.firstAdmin.email }, "first admin created from ADMIN_EMAIL");
    } catch (error) {
      // Another process created it at the same moment: nothing to do.
      if (!(error instanceof ConflictError)) throw error;
    }
  }

  let shuttingDown = false;
  const sessionSecret = await resolveSessionSecret(db.prisma, config.sessionSecret);
  const app = createApp({ db, config, logger, sessionSecret, isShuttingDown: () => shuttingDown });
  const server = app.express.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    logger.info({ port }, `Claimant is listening on http://localhost:${port}`);
  });

  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, "stopping: no new connections, finishing requests in flight");
    const force = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
    force.unref();
    server.close(() => {
      app.sessionStore.close();
      db.close()
        .then(() => logger.info("stopped"))
        .finally(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof MigrationError) {
    console.error(`Claimant cannot start. ${error.message}`);
  } else {
    console.error("Claimant cannot start:", error);
  }
  process.exit(1);
});
