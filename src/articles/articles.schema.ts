import { z } from "zod";

export const articleIdParam = z.coerce.number({ message: "Unknown article." }).int().positive();

const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${what} is at most ${max} characters.` })
    .optional()
    .transform((value) => value ?? "");

/** One article as pasted in the form, sent to the API, or read from a JSON Lines import. */
export const articleInput = z.object({
  title: z
    .string({ message: "Give the article a title." })
    .trim()
    .min(1, { message: "Give the article a title." })
    .max(500, { message: "Titles are at most 500 characters." }),
  body: z
    .string({ message: "Paste the article text." })
    .refine((body) => body.trim().length > 0, { message: "Paste the article text." })
    .refine((body) => body.length <= 2_000_000, {
      message: "Article bodies are at most 2,000,000 characters.",
    }),
  outlet: optionalText(200, "Outlet"),
  byline: optionalText(300, "Byline"),
  url: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : undefined))
    .pipe(
      z.url({ message: "Enter a full URL starting with http:// or https://, or leave it empty." }).optional(),
    ),
  publishedAt: z
    .union([z.string(), z.date(), z.null()])
    .optional()
    .transform((value, context) => {
      if (value === null || value === undefined || value === "") return undefined;
      const date = value instanceof Date ? value : new Date(value);
      if (Number.isNaN(date.getTime())) {
        context.addIssue({ code: "custom", message: "Enter the date as YYYY-MM-DD (or an ISO 8601 time)." });
        return z.NEVER;
      }
      return date;
    }),
  language: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : "en"))
    .pipe(
      z
        .string()
        .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: "Use a language code such as en or de." }),
    ),
});
export type ArticleInput = z.output<typeof articleInput>;
