// npm run backup:list: the backups in BACKUP_DIR, newest first.
import { runCommandLine } from "./runner.js";
import { backupListCommand } from "./commands/backups.js";

await runCommandLine(backupListCommand);
