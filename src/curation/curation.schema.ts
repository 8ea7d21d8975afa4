import { z } from "zod";
import { createClaimInput } from "../claims/claims.schema.js";
import { idField } from "../http/fields.js";

/** How many annotator claims one gold claim may merge: more is not one claim any more. */
export const MAX_SOURCES = 50;

/** A gold claim in the claim shape of docs/api.md, with the annotator claims it came from. */
export const goldClaimInput = createClaimInput.extend({
  sources: z
    .array(idField("sources[]"), { message: "sources must be a list of annotator claim ids." })
    .max(MAX_SOURCES, { message: `A gold claim merges at most ${MAX_SOURCES} annotator claims.` })
    .optional(),
});
export type GoldClaimInput = z.output<typeof goldClaimInput>;

export const curatedInput = z.object({
  curated: z.boolean({ message: "curated must be true or false." }),
});
