// npm run articles:purge -- [--older-than-days N] [--yes]
import { runCommandLine } from "./runner.js";
import { articlesPurge } from "./commands/articles-purge.js";

await runCommandLine(articlesPurge);
