// A 500 is a defect: every test file fails when the app answered one, whatever its tests asserted.
// The count of each file goes to SERVER_ERRORS_REPORT (if set) so a whole run can be summed up.
import fs from "node:fs";
import { afterAll, expect } from "vitest";
import { serverErrors } from "../helpers/server-errors.js";

afterAll(() => {
  const report = process.env.SERVER_ERRORS_REPORT;
  if (report) fs.appendFileSync(report, `${JSON.stringify({ count: serverErrors.length, serverErrors })}\n`);
  expect(serverErrors, "HTTP 500 answers during this test file").toEqual([]);
});
