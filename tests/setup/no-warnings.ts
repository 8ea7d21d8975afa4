// Every test file fails if the process printed a deprecation warning while it ran: pg 9 turns
// "client.query() when the client is already executing a query" into an error, among others.
// This file runs before every test file in a worker that several share (isolate: false): the
// listener is added once per worker, and the list emptied before each file.
import { afterAll, beforeAll, expect } from "vitest";

const shared = globalThis as { claimantWarnings?: string[] };
if (!shared.claimantWarnings) {
  const warnings: string[] = [];
  shared.claimantWarnings = warnings;
  process.on("warning", (warning) => {
    if (warning.name === "DeprecationWarning" || warning.name === "MaxListenersExceededWarning")
      warnings.push(warning.message);
  });
}
const warnings = shared.claimantWarnings;

beforeAll(() => {
  warnings.length = 0;
});

afterAll(() => {
  expect(warnings, "deprecation warnings printed by this test file").toEqual([]);
});
