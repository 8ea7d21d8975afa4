// Runs `prisma generate`. Generation never executes the schema engine, but the Prisma CLI insists
// the binary exists and tries to download it when it does not, which fails on closed networks.
// Pointing it at any existing file (node itself) lets generation run everywhere.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE ??= "1";
const cli = require.resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [cli, "generate", "--schema", "prisma/schema.prisma"], {
  stdio: "inherit",
  env,
});
process.exit(result.status ?? 1);
