// npm run db:migrate: applies pending migrations without starting the server.
import { runCommandLine } from "./runner.js";
import { migrate } from "./commands/migrate.js";

await runCommandLine(migrate);
