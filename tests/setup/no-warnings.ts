// Every test file fails if the process printed a deprecation warning while it ran: pg 9 turns
// "client.query() when the client is already executing a query" into an error, among others.
import { afterAll, expect } from "vitest";

const warnings: string[] = [];
process.on("warning", (warning) => {
  if (warning.name === "DeprecationWarning") warnings.push(warning.message);
});

afterAll(() => {
  expect(warnings, "deprecation warnings printed by this test file").toEqual([]);
});
