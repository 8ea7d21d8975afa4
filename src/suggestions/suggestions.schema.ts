import { z } from "zod";
import { createClaimInput } from "../claims/claims.schema.js";
import { visibleText } from "../http/fields.js";

/** How many suggestions one request may store for an article. */
export const SUGGESTIONS_PER_REQUEST_MAX = 2000;

const externalSuggestion = createClaimInput
  .pick({ start: true, end: true, quote: true, type: true, speaker: true, speakerMention: true, cue: true })
  .extend({
    confidence: z
      .number({ message: "confidence must be a number from 0 to 1." })
      .min(0, { message: "confidence must be a number from 0 to 1." })
      .max(1, { message: "confidence must be a number from 0 to 1." })
      .optional(),
  });
export type ExternalSuggestionInput = z.output<typeof externalSuggestion>;

export const externalSuggestionsInput = z.object({
  source: visibleText(
    "source",
    100,
    "Name the source of the suggestions (the model or tool), for example citron.",
  ),
  /** Replace what this source stored for the article before (the default), or add to it. */
  replace: z.boolean({ message: "replace must be true or false." }).optional(),
  suggestions: z
    .array(externalSuggestion, { message: "suggestions must be a list in the claim shape of docs/api.md." })
    .max(SUGGESTIONS_PER_REQUEST_MAX, {
      message: `Send at most ${SUGGESTIONS_PER_REQUEST_MAX.toLocaleString("en")} suggestions per article and request.`,
    }),
});
export type ExternalSuggestionsInput = z.output<typeof externalSuggestionsInput>;

/** A suggestion's key: built-in ones by their span, external ones by their id. */
export const dismissalInput = z.object({
  key: z
    .string({ message: "key must be the key of a suggestion, as GET …/suggestions gives it." })
    .regex(/^(?:builtin:\d{1,10}-\d{1,10}|external:\d{1,10})$/, {
      message:
        "key must be the key of a suggestion, as GET …/suggestions gives it (builtin:12-80 or external:7).",
    }),
});
