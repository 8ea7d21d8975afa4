import { BackupError } from "../../backups/backup-error.js";
import { moveToPostgres, rowCount } from "../../backups/move-to-postgres.js";
import { parseFlags, say, type DataDirCommand } from "../command.js";

/** DATABASE_URL=postgresql://… npm run db:move-to-postgres: the embedded database onto a server. */
export const moveToPostgresCommand: DataDirCommand = {
  name: "db:move-to-postgres",
  access: "data-dir",
  async run(config, args, io) {
    parseFlags(args, []);
    if (!config.databaseUrl) {
      throw new BackupError(
        "Set DATABASE_URL to the empty Postgres database to move to, for example: " +
          "DATABASE_URL=postgresql://user:password@host:5432/claimant npm run db:move-to-postgres",
      );
    }
    const target = withoutPassword(config.databaseUrl);
    say(io, `Moving the embedded database in ${config.dataDir} to ${target}`);
    const result = await moveToPostgres(config.dataDir, config.databaseUrl, (line) => say(io, line));
    say(
      io,
      `Copied ${result.tables.length} tables (${rowCount(result.rows)}) and ${result.sequences} sequences.`,
    );
    say(io, "Verified row for row: every row on the server equals its embedded original.");
    if (result.newerMigrations.length > 0) {
      say(
        io,
        `Then applied ${result.newerMigrations.length} newer migrations: ${result.newerMigrations.join(", ")}.`,
      );
    }
    say(io, `Next: start Claimant with this DATABASE_URL from now on: DATABASE_URL=${target} npm start`);
    say(
      io,
      `The embedded data in ${config.dataDir} is unchanged; keep it until you are satisfied, then remove it.`,
    );
  },
};

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
