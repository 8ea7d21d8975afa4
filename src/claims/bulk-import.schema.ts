import { z } from "zod";
import { idField } from "../http/fields.js";
import { createClaimInput } from "./claims.schema.js";

/** One line of a bulk upload: a claim in the single-claim shape, with the article it belongs to. */
export const bulkClaimLine = createClaimInput.extend({ articleId: idField("articleId") });
export type BulkClaimLine = z.output<typeof bulkClaimLine>;

export const bulkModes = ["all", "valid"] as const;
export type BulkMode = (typeof bulkModes)[number];

export const bulkImportQuery = z.object({
  /** all: every line or none (the default); valid: store the valid lines, report the rest. */
  mode: z
    .enum(bulkModes, {
      message:
        'mode must be "all" (every line or nothing is stored) or "valid" (the valid lines are stored).',
    })
    .default("all"),
});

/** As much as the single route's JSON body may be (express.json's "5mb"): a longer line is refused unread. */
export const MAX_LINE_BYTES = 5 * 1024 * 1024;
