import { z } from "zod";
import {
  hasVisibleCharacter,
  httpUrlField,
  MAX_YEAR,
  MIN_YEAR,
  parseDateOrDateTime,
  pathId,
  storableText,
  versionField,
  visibleText,
} from "../http/fields.js";

export const articleIdParam = pathId("No such article, or it is in a project you are not a member of.");

export const BODY_MAX_LENGTH = 2_000_000;

/** Text an edit may change or clear with ""; left out (undefined), it stays as it is. */
const editableText = (max: number, what: string) =>
  storableText(what)
    .transform((value) => value.normalize("NFC").trim())
    .refine((value) => value.length <= max, { message: `${what} is at most ${max} characters.` })
    .optional();

/** The same at import, where left out means empty. */
const optionalText = (max: number, what: string) => editableText(max, what).transform((value) => value ?? "");

const languageMessage = "Use a language code such as en or de.";
const languageCode = z
  .string({ message: languageMessage })
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: languageMessage })
  .max(35, { message: languageMessage });

const versionMessage = "Send the article's version as you read it, to detect concurrent edits.";

const publishedAtMessage = `Enter the date as YYYY-MM-DD (or an ISO 8601 time such as 2020-11-03T14:05:00Z), a real day in the years ${MIN_YEAR}-${MAX_YEAR}.`;

/** An optional publication date; Feb 30, year 0 or hour 25 are refused, never moved to another day. */
const publishedAtField = z
  .union([z.string(), z.date(), z.null()], { message: publishedAtMessage })
  .optional()
  .transform((value, context) => {
    if (value === null || value === undefined || value === "") return undefined;
    const date = value instanceof Date ? validDate(value) : parseDateOrDateTime(value.trim());
    if (!date) {
      context.addIssue({ code: "custom", message: publishedAtMessage });
      return z.NEVER;
    }
    return date;
  });

function validDate(date: Date): Date | undefined {
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < MIN_YEAR || year > MAX_YEAR ? undefined : date;
}

/** One article as pasted in the form, sent to the API, or read from a JSON Lines import. */
export const articleInput = z.object({
  title: visibleText("Title", 500, "Give the article a title."),
  // The body's own rules (NFC, line ends, control characters removed) are applied at import by
  // normaliseBody, so a NUL in an uploaded file is dropped rather than refused.
  body: z
    .string({ message: "Paste the article text." })
    .refine((body) => hasVisibleCharacter(body), { message: "Paste the article text." })
    .refine((body) => body.length <= BODY_MAX_LENGTH, {
      message: "Article bodies are at most 2,000,000 characters.",
    }),
  outlet: optionalText(200, "Outlet"),
  byline: optionalText(300, "Byline"),
  url: httpUrlField,
  publishedAt: publishedAtField,
  language: z
    .string({ message: languageMessage })
    .trim()
    .optional()
    .transform((value) => (value ? value : "en"))
    .pipe(languageCode),
});
export type ArticleInput = z.output<typeof articleInput>;

/** A field an edit may leave out (unchanged), clear ("" or null) or set, checked as at import. */
function clearable<Output>(field: z.ZodType<Output | undefined>) {
  return z
    .unknown()
    .optional()
    .transform((value, context): Output | null | undefined => {
      if (value === undefined) return undefined;
      if (value === null || value === "") return null;
      const parsed = field.safeParse(value);
      if (parsed.success) return parsed.data ?? null;
      for (const issue of parsed.error.issues) context.addIssue({ code: "custom", message: issue.message });
      return z.NEVER;
    });
}

/**
 * A change of an article's details (PATCH /api/v1/articles/:id and the page's edit form): the
 * version the editor read, and the fields to change; "" or null clears the URL and the date.
 * The text itself is not among them: a changed body would move claims (issue 20's revisions).
 */
export const articleDetailsInput = z
  .strictObject(
    {
      version: versionField(versionMessage),
      title: visibleText("Title", 500, "Give the article a title.").optional(),
      outlet: editableText(200, "Outlet"),
      byline: editableText(300, "Byline"),
      url: clearable(httpUrlField),
      publishedAt: clearable(publishedAtField),
      language: languageCode.optional(),
      body: z
        .unknown()
        .optional()
        .refine((value) => value === undefined, {
          message:
            "An article's text cannot be changed here yet; its details (title, outlet, byline, URL, date, language) can.",
        }),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `Unknown field ${issue.keys.join(", ")}: only version, title, outlet, byline, url, publishedAt and language can be changed.`
          : undefined,
    },
  )
  .transform(({ body: _body, ...details }) => details);
export type ArticleDetailsInput = z.output<typeof articleDetailsInput>;

/** Deleting or restoring an article: the version the user read (DELETE and POST …/restore). */
export const articleVersionInput = z.strictObject(
  { version: versionField(versionMessage) },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `Unknown field ${issue.keys.join(", ")}: send only version.`
        : undefined,
  },
);
