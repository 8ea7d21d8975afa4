import { z } from "zod";
import { storableText, versionField, wholeNumber } from "../http/fields.js";

/** Long enough for a full coding manual; a limit keeps one save from filling the database. */
export const GUIDELINES_MAX_LENGTH = 200_000;

export const saveGuidelinesInput = z.object({
  body: storableText("The guidelines").pipe(
    z.string().max(GUIDELINES_MAX_LENGTH, {
      message: `The guidelines can be at most ${GUIDELINES_MAX_LENGTH.toLocaleString("en")} characters.`,
    }),
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
