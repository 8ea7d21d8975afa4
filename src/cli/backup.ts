// npm run backup: a backup of the embedded database now (through the running server if there is one).
import { runCommandLine } from "./runner.js";
import { backupCommand } from "./commands/backups.js";

await runCommandLine(backupCommand);
