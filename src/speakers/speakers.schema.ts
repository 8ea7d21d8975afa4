import { z } from "zod";
import {
  hasVisibleCharacter,
  idField,
  pathId,
  storableText,
  versionField,
  wholeNumber,
} from "../http/fields.js";
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

/**
 * "Yes, this is someone else": creates a speaker although its name resembles an existing one's
 * (which otherwise answers 409 similar_speakers). JSON sends true; forms send "1", "on" or "true".
 */
export const confirmNewField = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", "on"])], {
    message: "confirmNew must be true or false.",
  })
  .optional()
  .transform((value) => value === true || value === "true" || value === "1" || value === "on");

const speakerFields = {
  name: nameField,
  role: detailField("role"),
  affiliation: detailField("affiliation"),
  aliases: aliasesField,
};

export const createSpeakerInput = z.object({ ...speakerFields, confirmNew: confirmNewField });
export type CreateSpeakerInput = Omit<z.output<typeof createSpeakerInput>, "confirmNew"> & {
  confirmNew?: boolean;
};

export const updateSpeakerInput = z.object({
  ...speakerFields,
  version: versionField("The form is missing its version; reload the page."),
});
export type UpdateSpeakerInput = z.output<typeof updateSpeakerInput>;

export const mergeSpeakersInput = z.object({
  keepId: wholeNumber("Choose the speaker to keep.", { min: 1 }),
  mergeId: wholeNumber("Choose the speaker to merge into it.", { min: 1 }),
});

export const SEARCH_LIMIT_MAX = 50;

const limitMessage = `limit must be a whole number from 1 to ${SEARCH_LIMIT_MAX}.`;

/** Search text: any words of a name or alias; blank means no search. */
const searchText = storableText("Search text (q)")
  .max(NAME_MAX_LENGTH, { message: `Search text is at most ${NAME_MAX_LENGTH} characters.` })
  .transform((value) => cleanName(value) || undefined);

export const searchSpeakersQuery = z.object({
  q: z.string({ message: "Send the search text as one q parameter." }).pipe(searchText).optional(),
  limit: wholeNumber(limitMessage, { min: 1, max: SEARCH_LIMIT_MAX }).optional(),
});

/** GET /api/v1/speakers: q is required (there is no listing of every project's speakers). */
export const searchVisibleSpeakersQuery = z.object({
  q: z
    .string({ message: "Send q: the words to look for in speakers' names and aliases." })
    .pipe(searchText)
    .refine((value) => value !== undefined, {
      message: "Send q: the words to look for in speakers' names and aliases.",
    }),
  project: idField("project").optional(),
  limit: wholeNumber(limitMessage, { min: 1, max: SEARCH_LIMIT_MAX }).optional(),
});

/** The speakers page's search box (?q=). */
export const speakersPageQuery = z.object({
  q: z.string({ message: "Send the search text as one q parameter." }).pipe(searchText).optional(),
});
