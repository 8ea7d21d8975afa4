// npm run -s export -- --format csv|jsonl|jsonld [--what claims|articles] [filters] > file   (or --out file)
import { runCommandLine } from "./runner.js";
import { exportCommand } from "./commands/export.js";

await runCommandLine(exportCommand);
