import { z } from "zod";
import { hasVisibleCharacter, pathId, storableText, versionField, wholeNumber } from "../http/fields.js";
import { uniqueIgnoringCase } from "../unique.js";

export const NAME_MAX_LENGTH = 200;
export const ALIASES_MAX = 50;

/** Names compare and store trimmed with inner runs of whitespace as one space: "Joe  Biden " is "Joe Biden". */
export function cleanName(raw: string): string {
  return raw.normalize("NFC").trim().replace(/\s+/g, " ");
}

export const speakerIdParam = pathId("No such speaker in this project.");

const nameField = storableText("The speaker's name")
  .transform(cleanName)
  .pipe(
    z
      .string()
      .refine(hasVisibleCharacter, { message: "Enter the speaker's name." })
      .refine((name) => name.length <= NAME_MAX_LENGTH, {
        message: `Speaker names are at most ${NAME_MAX_LENGTH} characters.`,
      }),
  );

const detailField = (what: string) =>
  storableText(`The ${what}`)
    .optional()
    .transform((value) => cleanName(value ?? ""))
    .pipe(
      z.string().max(NAME_MAX_LENGTH, { message: `The ${what} is at most ${NAME_MAX_LENGTH} characters.` }),
    );

/**
 * Forms send aliases from a textarea, one per line or separated by commas; JSON clients send an
 * array. Both become a clean list without blanks or repeats (ignoring case).
 */
const aliasesField = z
  .union([storableText("aliases"), z.array(storableText("Each alias"))], {
    message: "Aliases must be text (one per line) or a list of names.",
  })
  .optional()
  .transform((value) => {
    const items = typeof value === "string" ? value.split(/[\n,]/) : (value ?? []);
    return uniqueIgnoringCase(items.map(cleanName).filter(hasVisibleCharacter));
  })
  .pipe(
    z
      .array(
        z.string().max(NAME_MAX_LENGTH, { message: `Each alias is at most ${NAME_MAX_LENGTH} characters.` }),
      )
      .max(ALIASES_MAX, { message: `A speaker has at most ${ALIASES_MAX} aliases; remove some.` }),
  );

export const createSpeakerInput = z.object({
  name: nameField,
  role: detailField("role"),
  affiliation: detailField("affiliation"),
  aliases: aliasesField,
});
export type CreateSpeakerInput = z.output<typeof createSpeakerInput>;

export const updateSpeakerInput = createSpeakerInput.extend({
  version: versionField("The form is missing its version; reload the page."),
});
export type UpdateSpeakerInput = z.output<typeof updateSpeakerInput>;

export const mergeSpeakersInput = z.object({
  keepId: wholeNumber("Choose the speaker to keep.", { min: 1 }),
  mergeId: wholeNumber("Choose the speaker to merge into it.", { min: 1 }),
});

export const SEARCH_LIMIT_MAX = 50;

export const searchSpeakersQuery = z.object({
  q: z
    .string({ message: "Send the search text as one q parameter." })
    .max(NAME_MAX_LENGTH, { message: `Search text is at most ${NAME_MAX_LENGTH} characters.` })
    .optional()
    .transform((value) => (value === undefined ? undefined : cleanName(value) || undefined)),
  limit: z.coerce
    .number({ message: `limit must be a whole number from 1 to ${SEARCH_LIMIT_MAX}.` })
    .int({ message: `limit must be a whole number from 1 to ${SEARCH_LIMIT_MAX}.` })
    .min(1, { message: `limit must be a whole number from 1 to ${SEARCH_LIMIT_MAX}.` })
    .max(SEARCH_LIMIT_MAX, { message: `limit must be a whole number from 1 to ${SEARCH_LIMIT_MAX}.` })
    .optional(),
});
