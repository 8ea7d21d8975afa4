import { configDefaults, defineConfig } from "vitest/config";

/**
 * `npm run test:embedded` runs the suite a second time on embedded PGlite (CI runs it after
 * `npm test` on a Postgres server). It leaves out what cannot differ between the two modes, which
 * the first pass already ran: the browser tests (one mode is enough for the pages), tests that open
 * PGlite themselves whatever the mode, and tests that touch no database at all.
 */
const SAME_IN_BOTH_MODES = [
  "tests/browser/**",
  "tests/backups/**",
  "tests/cli/embedded-owner.test.ts",
  "tests/cli/seed-demo.test.ts",
  "tests/claims/round-trips.test.ts",
  "tests/db/disk-full*.test.ts",
  "tests/db/data-dir-permissions.test.ts",
  "tests/control/**",
  // No database in these: text, statistics, parsing, the suggester's rules, client modules.
  "tests/text/**",
  "tests/client/**",
  "tests/agreement/{alpha,kappa,poisson,span-matching}.test.ts",
  "tests/suggestions/{suggester,suggester-rules,target-proposal}.test.ts",
  "tests/guidelines/line-diff.test.ts",
  "tests/articles/import-parsing.test.ts",
  "tests/exports/{csv-finisher,file-name}.test.ts",
  "tests/http/{production-errors,save-before-redirect}.test.ts",
  "tests/claims/{charts,stance-palette}.test.ts",
  "tests/cli/npm-config.test.ts",
];

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    exclude:
      process.env.TEST_PASS === "embedded"
        ? [...configDefaults.exclude, ...SAME_IN_BOTH_MODES]
        : configDefaults.exclude,
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
