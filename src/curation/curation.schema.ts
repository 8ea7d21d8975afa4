import { z } from "zod";
import { createClaimInput } from "../claims/claims.schema.js";
import { idField, versionField } from "../http/fields.js";

/** How many annotator claims one gold claim may merge: more is not one claim any more. */
export const MAX_SOURCES = 50;

const sourceVersionMessage =
  "sourceVersions[] must be the version of each source claim as you read it: a whole number from 0.";

/** A gold claim in the claim shape of docs/api.md, with the annotator claims it came from. */
export const goldClaimInput = createClaimInput
  .extend({
    sources: z
      .array(idField("sources[]"), { message: "sources must be a list of annotator claim ids." })
      .max(MAX_SOURCES, { message: `A gold claim merges at most ${MAX_SOURCES} annotator claims.` })
      .optional(),
    /**
     * The version of each source as the curator read it, in the order of `sources`: a source its
     * annotator changed since is a 409, so that gold never copies a claim nobody looked at.
     */
    sourceVersions: z
      .array(versionField(sourceVersionMessage), { message: sourceVersionMessage })
      .max(MAX_SOURCES, { message: `A gold claim merges at most ${MAX_SOURCES} annotator claims.` })
      .optional(),
  })
  .refine((input) => !input.sourceVersions || input.sourceVersions.length === (input.sources ?? []).length, {
    message: "sourceVersions must name one version for each claim in sources, in the same order.",
    path: ["sourceVersions"],
  });
export type GoldClaimInput = z.output<typeof goldClaimInput>;

/** A rejection may name the version of the claim the curator read (a 409 if it changed since). */
export const rejectInput = z.object({
  version: versionField(
    "version must be the version of the claim you read: a whole number from 0.",
  ).optional(),
});

export const curatedInput = z.object({
  curated: z.boolean({ message: "curated must be true or false." }),
  /** Marks the article curated even though annotator claims still wait for a decision. */
  confirm: z.boolean({ message: "confirm must be true or false." }).optional(),
});

/** The page's "Mark curated" form (no script): the same, as form fields. */
export const curatedForm = z.object({
  curated: z
    .enum(["true", "false"], { message: "curated must be true or false." })
    .transform((v) => v === "true"),
  confirm: z
    .literal("1", { message: 'confirm must be "1" when sent.' })
    .optional()
    .transform((v) => v === "1"),
});

/** The longest list of rows the page's script asks for at once (beyond it, it asks for all). */
export const MAX_STATE_ROWS = 500;

/**
 * GET …/curate/state?rows=g3,s4: the rows whose markup to send (all, the default; none when empty).
 */
export const stateQuery = z.object({
  rows: z
    .string({ message: "rows must be all, or row keys (s3, g7) separated by commas." })
    .regex(/^(all|[sg][0-9]{1,7}(,[sg][0-9]{1,7})*)?$/, {
      message: "rows must be all, or row keys (s3, g7) separated by commas.",
    })
    .refine((rows) => rows.split(",").length <= MAX_STATE_ROWS, {
      message: `rows may name at most ${MAX_STATE_ROWS} rows; ask for all of them instead.`,
    })
    .optional()
    .transform((rows) =>
      rows === undefined || rows === "all" ? null : new Set(rows ? rows.split(",") : []),
    ),
});
