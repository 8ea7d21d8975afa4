// npm run backup:restore -- --file F   (the server must be stopped; the old data is kept)
import { runCommandLine } from "./runner.js";
import { backupRestoreCommand } from "./commands/backups.js";

await runCommandLine(backupRestoreCommand);
