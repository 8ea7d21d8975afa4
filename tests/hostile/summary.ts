// npm run test:hostile: prints how many hostile cases ran, by class, from vitest's JSON report.
import fs from "node:fs";

interface Assertion {
  ancestorTitles: string[];
  status: string;
}
interface Report {
  testResults: { name: string; assertionResults: Assertion[] }[];
}

const report = JSON.parse(fs.readFileSync(process.argv[2] ?? "test-results/hostile.json", "utf8")) as Report;
const classes = new Map<string, { passed: number; failed: number }>();
for (const file of report.testResults) {
  const area = file.name.replace(/^.*tests\//, "").replace(/\.test\.ts$/, "");
  for (const test of file.assertionResults) {
    const key = `${area}: ${test.ancestorTitles[0] ?? "(top level)"}`;
    const counts = classes.get(key) ?? { passed: 0, failed: 0 };
    if (test.status === "passed") counts.passed += 1;
    else counts.failed += 1;
    classes.set(key, counts);
  }
}
let passed = 0;
let failed = 0;
for (const [name, counts] of [...classes].sort()) {
  console.log(
    `${String(counts.passed + counts.failed).padStart(5)}  ${name}${counts.failed ? ` (${counts.failed} failed)` : ""}`,
  );
  passed += counts.passed;
  failed += counts.failed;
}
console.log(`${String(passed + failed).padStart(5)}  hostile cases in all, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
