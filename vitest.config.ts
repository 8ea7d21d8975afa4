import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/setup/build-client.ts"],
    setupFiles: ["tests/setup/no-warnings.ts", "tests/setup/no-server-errors.ts"],
    pool: "forks",
    // Every test file makes its own database; two at a time suits the 2-core machines.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
