import { applyMigrations, readMigrationFiles } from "../../db/migrations.js";
import { parseFlags, say, type DatabaseCommand } from "../command.js";

/** npm run db:migrate: applies pending migrations without starting the server. */
export const migrate: DatabaseCommand = {
  name: "db:migrate",
  access: "database",
  async run(db, args, io) {
    parseFlags(args, []);
    // Opening the database applied what was pending; a running server may have newer files since.
    const applied = await applyMigrations(db);
    if (applied.length > 0) say(io, `Applied ${applied.length} migrations: ${applied.join(", ")}.`);
    const rows = await db.prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY migration_name`;
    say(io, `Database is up to date: ${rows.length} of ${readMigrationFiles().length} migrations applied.`);
  },
};
