import { parseArgs } from "node:util";
import { claimFiltersInput, filterNames } from "../../claims/claims.filters.js";
import { InvalidError } from "../../errors.js";
import { claimFormats, createExporter, type ClaimFormat } from "../../exports/export.service.js";
import type { CurrentUser } from "../../http/current-user.js";
import { parseInput } from "../../http/validate.js";
import type { DatabaseCommand } from "../command.js";

/** The operator at the command line reads like an admin: every project, every annotator. */
const operator: CurrentUser = {
  id: 0,
  email: "operator@localhost",
  name: "operator",
  role: "admin",
  version: 0,
  mustChangePassword: false,
};

/**
 * npm run -s export -- --format csv|jsonl|jsonld|citron [--what claims|articles] [--excel] [filters] > file
 * (or --out FILE). Filters as in the web export: --project, --article, --speaker, --stance, --target,
 * --type, --annotator, --from, --to, --claimFrom, --claimTo, --q.
 */
export const exportCommand: DatabaseCommand = {
  name: "export",
  access: "database",
  writesOutput: true,
  async run(db, args, io) {
    const { values } = parseArgs({
      args,
      options: {
        format: { type: "string", default: "csv" },
        what: { type: "string", default: "claims" },
        excel: { type: "boolean", default: false },
        "base-url": { type: "string", default: "http://localhost:3000" },
        ...Object.fromEntries(filterNames.map((name) => [name, { type: "string" as const }])),
      },
    });
    const filters = parseInput(claimFiltersInput, values);
    // The operator is not one of the users the per-user limit is for, and a pipe is never idle on purpose.
    const exporter = createExporter(db, {});
    if (values.what === "articles") {
      await (await exporter.articles(operator, filters)).sendTo(io.stdout);
      return;
    }
    if (values.what !== "claims") throw new InvalidError("--what must be claims or articles.", "what");
    if (values.format === "citron") {
      await (await exporter.citron(operator, filters)).sendTo(io.stdout);
      return;
    }
    if (!claimFormats.includes(values.format as ClaimFormat)) {
      throw new InvalidError("--format must be csv, jsonl, jsonld or citron.", "format");
    }
    const download = await exporter.claims(operator, filters, values.format as ClaimFormat, {
      excel: values.excel,
      baseUrl: values["base-url"]!,
    });
    await download.sendTo(io.stdout);
  },
};
