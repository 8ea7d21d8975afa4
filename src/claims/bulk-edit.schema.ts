import { z } from "zod";
import { idField, pathId, storableText, versionField } from "../http/fields.js";
import { claimFiltersInput } from "./claims.filters.js";
import { claimTypes } from "./claims.schema.js";

export const bulkEditIdParam = pathId("No such bulk edit of yours.");

export const bulkActions = ["set_stance", "set_target", "set_type", "set_speaker", "delete"] as const;
export type BulkAction = (typeof bulkActions)[number];

/** At most this many claims chosen one by one; "all matching the filters" has no limit. */
export const MAX_CHOSEN_CLAIMS = 10_000;

const chosenClaims = z
  .object({
    claims: z
      .array(z.object({ id: idField("claims[].id"), version: versionField() }).strict(), {
        message: "claims must be a list of { id, version } as the page showed them.",
      })
      .min(1, { message: "Choose at least one claim." })
      .max(MAX_CHOSEN_CLAIMS, {
        message: `Choose at most ${MAX_CHOSEN_CLAIMS.toLocaleString("en")} claims one by one, or all claims matching the filters.`,
      }),
  })
  .strict();

const matchingFilters = z
  .object({
    filters: claimFiltersInput.refine((filters) => filters.layer !== "gold", {
      message: "Bulk edits change annotators' claims; change gold claims in the curation view.",
      path: ["layer"],
    }),
  })
  .strict();

const valueFor: Record<BulkAction, z.ZodType> = {
  set_stance: storableText("value").trim().min(1).max(80).nullable(),
  set_target: storableText("value").trim().min(1).max(200).nullable(),
  set_type: z.enum(claimTypes, { message: "value must be one of direct, indirect, mixed, outlet." }),
  set_speaker: idField("value").nullable(),
  delete: z.undefined({ message: "A delete takes no value." }),
};

/**
 * A bulk edit as the Claims page or a script asks for it: what to change (a stance key, a target
 * name, a type, a speaker id, or null to clear), and which claims (chosen with their versions, or
 * all those matching the filters).
 */
export const bulkEditInput = z
  .object({
    action: z.enum(bulkActions, {
      message: `action must be one of ${bulkActions.join(", ")}.`,
    }),
    value: z.unknown().optional(),
    selection: z.union([chosenClaims, matchingFilters], {
      message: 'selection must be { "claims": [{ "id", "version" }] } or { "filters": { … } }.',
    }),
  })
  .strict()
  .transform((input, context) => {
    const value = valueFor[input.action].safeParse(input.value);
    if (!value.success) {
      for (const issue of value.error.issues) {
        context.addIssue({ code: "custom", path: ["value", ...issue.path], message: issue.message });
      }
      return z.NEVER;
    }
    return { ...input, value: value.data as string | number | null | undefined };
  });
export type BulkEditInput = z.output<typeof bulkEditInput>;
