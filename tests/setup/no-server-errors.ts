// A 500 is a defect: every test file fails when the app answered one, whatever its tests asserted.
// The count of each file goes to SERVER_ERRORS_REPORT (if set) so a whole run can be summed up.
// Test files share a worker's modules (isolate: false), so the list is emptied before each file.
import fs from "node:fs";
import { afterAll, beforeAll, expect } from "vitest";
import { serverErrors } from "../helpers/server-errors.js";

beforeAll(() => {
  serverErrors.length = 0;
});

afterAll(() => {
  const report = process.env.SERVER_ERRORS_REPORT;
  if (report) fs.appendFileSync(report, `${JSON.stringify({ count: serverErrors.length, serverErrors })}\n`);
  expect(serverErrors, "HTTP 500 answers during this test file").toEqual([]);
});
