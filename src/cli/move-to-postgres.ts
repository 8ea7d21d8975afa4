// DATABASE_URL=postgresql://… npm run db:move-to-postgres   (the server must be stopped)
import { runCommandLine } from "./runner.js";
import { moveToPostgresCommand } from "./commands/move-to-postgres.js";

await runCommandLine(moveToPostgresCommand);
