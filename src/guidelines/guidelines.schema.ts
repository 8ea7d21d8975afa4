import { z } from "zod";
import { storableText, versionField, wholeNumber } from "../http/fields.js";
import { codePointLength } from "../text/code-points.js";

/**
 * Long enough for a full coding manual; a limit keeps one save from filling the database and one
 * view from formatting and comparing too much. Characters are code points, as offsets are
 * everywhere in Claimant: an emoji is one, in any script.
 */
export const GUIDELINES_MAX_LENGTH = 200_000;

/**
 * The text with every line break as "\n". Browsers send a textarea's line breaks as "\r\n" but
 * count them as one character, as people do: so the limit is counted, and the text stored, with
 * "\n" alone.
 */
export function withNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

export const saveGuidelinesInput = z.object({
  body: storableText("The guidelines")
    .transform(withNewlines)
    .refine(
      (text) => text.length <= GUIDELINES_MAX_LENGTH || codePointLength(text) <= GUIDELINES_MAX_LENGTH,
      {
        message: `The guidelines can be at most ${GUIDELINES_MAX_LENGTH.toLocaleString("en")} characters (a line break counts as one); this text is longer. Shorten it, or move parts of it to linked documents.`,
      },
    ),
  /** The version the editor started from: a newer one saved meanwhile is a conflict, not overwritten. */
  baseVersion: versionField("Send baseVersion: the guidelines version you edited (0 when there were none)."),
});

export const guidelinesVersionQuery = z.object({
  version: wholeNumber("version must be a whole number from 1.", { min: 1 }).optional(),
});

export const markReadInput = z.object({
  version: wholeNumber("version must be a whole number from 1.", { min: 1 }),
});
