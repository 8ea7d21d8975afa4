// npm run import:claims -- FILE.jsonl --as EMAIL [--mode all|valid] [--report REPORT.jsonl]
import path from "node:path";
import { importClaimsCommand } from "./commands/import-claims.js";
import { runCommandLine } from "./runner.js";

// Beside a running server the command runs inside it, in the server's folder: send absolute paths.
const args = process.argv.slice(2).map((arg, i, all) => {
  const isValue = i > 0 && ["--as", "--mode"].includes(all[i - 1]!);
  if (arg.startsWith("--report=")) return `--report=${path.resolve(arg.slice("--report=".length))}`;
  if (i > 0 && all[i - 1] === "--report") return path.resolve(arg);
  return !arg.startsWith("-") && !isValue ? path.resolve(arg) : arg;
});
await runCommandLine(importClaimsCommand, args);
