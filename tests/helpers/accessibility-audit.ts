// axe-core run inside a real page: the WCAG 2.2 A and AA rules, colour contrast included.
import fs from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

export interface Violation {
  rule: string;
  impact: string;
  help: string;
  /** CSS selectors of the offending elements (the first few). */
  targets: string[];
  count: number;
}

export interface AuditResult {
  rulesRun: number;
  violations: Violation[];
  /** The violations of serious or critical impact, which fail the audit. */
  serious: Violation[];
}

/** Audits the page as it is now. axe is evaluated, not added as a script the app's policy would refuse. */
export async function auditPage(page: Page): Promise<AuditResult> {
  if ((await page.evaluate("typeof window.axe")) !== "object") await page.evaluate(axeSource);
  // A string, run in the page (the tests are compiled without the DOM's types).
  const { rulesRun, violations } = (await page.evaluate(`(async () => {
    const results = await window.axe.run(document, { runOnly: { type: "tag", values: ${JSON.stringify(WCAG_TAGS)} } });
    return {
      rulesRun: results.violations.length + results.passes.length + results.incomplete.length + results.inapplicable.length,
      violations: results.violations.map((rule) => ({
        rule: rule.id,
        impact: rule.impact || "unknown",
        help: rule.help,
        targets: rule.nodes.slice(0, 5).map((node) => node.target.map(String).join(" ")),
        count: rule.nodes.length,
      })),
    };
  })()`)) as { rulesRun: number; violations: Violation[] };
  const serious = violations.filter(
    (violation) => violation.impact === "serious" || violation.impact === "critical",
  );
  return { rulesRun, violations, serious };
}

/** One line per violation, to read in a failed assertion. */
export function describeViolations(violations: Violation[]): string[] {
  return violations.map(
    (violation) =>
      `${violation.impact} ${violation.rule} (${violation.help}) ×${violation.count}: ${violation.targets.join(" | ")}`,
  );
}
