import type { DatabaseCommand } from "./command.js";
import { articlesPurge } from "./commands/articles-purge.js";
import { backupCommand } from "./commands/backups.js";
import { exportCommand } from "./commands/export.js";
import { importClaimsCommand } from "./commands/import-claims.js";
import { migrate } from "./commands/migrate.js";
import { seedDemoCommand } from "./commands/seed-demo.js";
import { userCreate } from "./commands/user-create.js";
import { userResetPassword } from "./commands/user-reset-password.js";

/** The commands a running server accepts on its control socket: those that only need the database. */
export const forwardableCommands: ReadonlyMap<string, DatabaseCommand> = new Map(
  [
    userCreate,
    userResetPassword,
    seedDemoCommand,
    exportCommand,
    importClaimsCommand,
    migrate,
    backupCommand,
    articlesPurge,
  ].map((command) => [command.name, command]),
);
