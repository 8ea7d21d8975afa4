import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/setup/build-client.ts"],
    setupFiles: ["tests/setup/no-warnings.ts", "tests/setup/no-server-errors.ts"],
    pool: "forks",
    // Test files share their worker's modules: Prisma's query compiler, the app and its views load
    // once per worker instead of once per file (about a third of the suite's time). Each file still
    // makes its own database and app; the setup files reset what they count per file.
    isolate: false,
    // Every test file makes its own database; two at a time suits the 2-core machines.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
