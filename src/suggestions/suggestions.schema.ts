import { z } from "zod";
import { createClaimInput } from "../claims/claims.schema.js";
import { PayloadTooLargeError } from "../errors.js";
import { visibleText } from "../http/fields.js";

/**
 * How many suggestions one request may store for an article, counted after a Citron document's
 * expansion (each quote's contents become one suggestion each). Past it: 413, split the request.
 */
export const SUGGESTIONS_PER_REQUEST_MAX = 2000;
/**
 * An article holds at most this many external suggestions, all sources together, and their spans
 * (quote, cue and speaker mention) at most SUGGESTED_CHARACTERS_PER_ARTICLE_MAX characters
 * together: the workspace loads them all with the article, so they stay in proportion to it (the
 * longest article has 2,000,000 characters) whatever is sent, and however many times.
 */
export const EXTERNAL_SUGGESTIONS_PER_ARTICLE_MAX = 5000;
export const SUGGESTED_CHARACTERS_PER_ARTICLE_MAX = 2_000_000;

/** The 413 for a request that would store more than SUGGESTIONS_PER_REQUEST_MAX suggestions. */
export function tooManyPerRequest(count: number, citron: boolean): PayloadTooLargeError {
  const max = SUGGESTIONS_PER_REQUEST_MAX.toLocaleString("en");
  return new PayloadTooLargeError(
    citron
      ? `This Citron document makes ${count.toLocaleString("en")} suggestions (each content of each quote is one); at most ${max} per request. Split document.quotes into parts of at most ${max} contents together and send each part, with "replace": false after the first.`
      : `This request has ${count.toLocaleString("en")} suggestions; at most ${max} per request. Send them in parts of at most ${max}, with "replace": false after the first.`,
    { name: "suggestionsPerRequest", value: SUGGESTIONS_PER_REQUEST_MAX },
  );
}

/** Suggestions a request body holds, counted before it is validated (a cheap look, no more). */
export function suggestionsInBody(body: unknown): number {
  const suggestions = (body as { suggestions?: unknown } | undefined)?.suggestions;
  return Array.isArray(suggestions) ? suggestions.length : 0;
}

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
  // At most SUGGESTIONS_PER_REQUEST_MAX: counted before validation (413), see tooManyPerRequest.
  suggestions: z.array(externalSuggestion, {
    message: "suggestions must be a list in the claim shape of docs/api.md.",
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
