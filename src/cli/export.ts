// npm run export -- --format csv|jsonl|jsonld [--what claims|articles] [--excel] [filters] > file
// Filters as in the web export: --project, --article, --speaker, --stance, --target, --type,
// --annotator, --from, --to, --claimFrom, --claimTo, --q.
import { parseArgs } from "node:util";
import { claimFiltersInput, filterNames } from "../claims/claims.filters.js";
import { InvalidError } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { parseInput } from "../http/validate.js";
import { claimFormats, exportArticles, exportClaims, type ClaimFormat } from "../exports/export.service.js";
import { runCommand } from "./cli-support.js";

/** The operator at the command line reads like an admin: every project, every annotator. */
const operator: CurrentUser = {
  id: 0,
  email: "operator@localhost",
  name: "operator",
  role: "admin",
  version: 0,
  mustChangePassword: false,
};

await runCommand(async (db) => {
  const { values } = parseArgs({
    options: {
      format: { type: "string", default: "csv" },
      what: { type: "string", default: "claims" },
      excel: { type: "boolean", default: false },
      "base-url": { type: "string", default: "http://localhost:3000" },
      ...Object.fromEntries(filterNames.map((name) => [name, { type: "string" as const }])),
    },
  });
  const filters = parseInput(claimFiltersInput, values);
  if (values.what === "articles") return exportArticles(db, operator, filters, process.stdout);
  if (values.what !== "claims") throw new InvalidError("--what must be claims or articles.", "what");
  if (!claimFormats.includes(values.format as ClaimFormat)) {
    throw new InvalidError("--format must be csv, jsonl or jsonld.", "format");
  }
  await exportClaims(db, operator, filters, values.format as ClaimFormat, process.stdout, {
    excel: values.excel,
    baseUrl: values["base-url"]!,
  });
});
