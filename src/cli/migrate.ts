// npm run db:migrate: applies pending migrations without starting the server.
import { readMigrationFiles } from "../db/migrations.js";
import { runCommand } from "./cli-support.js";

await runCommand(async (db) => {
  // openConfiguredDatabase has applied whatever was pending; report the state.
  const rows = await db.prisma.$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY migration_name`;
  console.log(`Database is up to date: ${rows.length} of ${readMigrationFiles().length} migrations applied.`);
});
