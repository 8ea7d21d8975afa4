import { z } from "zod";
import { NotFoundError } from "../errors.js";

/**
 * Field rules shared by every area's schemas, so that what passes validation is exactly what the
 * database can hold: INT4 numbers, real dates in years 1-9999, text without NUL, http(s) URLs.
 */

export const INT4_MAX = 2_147_483_647;
export const INT4_MIN = -2_147_483_648;

/** A path parameter naming a row. Anything that cannot be a stored id is simply not found. */
export function pathId(notFound: string) {
  return z
    .string({ message: notFound })
    .regex(/^[1-9][0-9]{0,9}$/, { message: notFound })
    .transform(Number)
    .refine((id) => id <= INT4_MAX, { message: notFound });
}

/** Parses a path id made by pathId; a bad one is a 404 with the schema's message. */
export function parseId(schema: ReturnType<typeof pathId>, raw: unknown): number {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new NotFoundError(result.error.issues[0]?.message);
}

/** A whole number within [min, max] (INT4 by default), from JSON or from a form/query string. */
export function wholeNumber(message: string, range: { min?: number; max?: number } = {}) {
  return z.coerce
    .number({ message })
    .int({ message })
    .min(range.min ?? INT4_MIN, { message })
    .max(range.max ?? INT4_MAX, { message });
}

/** The id of a row, sent in a form, a query or a JSON body. */
export function idField(what: string) {
  return wholeNumber(`${what} must be an id: a whole number from 1 to ${INT4_MAX}.`, { min: 1 });
}

/** The version a client read, sent back to detect concurrent edits (a 409 when it is stale). */
export function versionField(message = "Send the version you read, to detect concurrent edits.") {
  return wholeNumber(message, { min: 0 });
}

/** True when the text has something a reader can see, not only spaces and invisible marks. */
export function hasVisibleCharacter(text: string): boolean {
  return /[\p{L}\p{N}\p{P}\p{S}]/u.test(text);
}

const NUL_MESSAGE = "contains a NUL character (\\u0000), which cannot be stored. Remove it and send again.";

/**
 * Text that may be stored: no NUL (Postgres text cannot hold it). Lone surrogates in JSON bodies
 * were made U+FFFD by the input guard (src/http/input-guard.ts), so lengths and offsets agree.
 */
export function storableText(what: string) {
  return z
    .string({ message: `${what} must be text.` })
    .refine((value) => !value.includes("\u0000"), { message: `${what} ${NUL_MESSAGE}` });
}

/** A required name or title: trimmed, at most `max` characters, with at least one visible character. */
export function visibleText(what: string, max: number, missing = `Enter ${what.toLowerCase()}.`) {
  return storableText(what)
    .transform((value) => value.normalize("NFC").trim())
    .refine((value) => value.length > 0 && hasVisibleCharacter(value), { message: missing })
    .refine((value) => value.length <= max, { message: `${what} is at most ${max} characters.` });
}

// ------------------------------------------------------------------------------------------ dates

export const MIN_YEAR = 1;
export const MAX_YEAR = 9999;

/** The UTC date of y-m-d, or undefined when the day does not exist (Feb 30) or the year is out of range. */
export function realDay(year: number, month: number, day: number): Date | undefined {
  if (year < MIN_YEAR || year > MAX_YEAR) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  const same =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return same ? date : undefined;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** A calendar day written YYYY-MM-DD that exists, in years 1-9999. */
export function parseDay(text: string): Date | undefined {
  const match = DAY.exec(text);
  return match ? realDay(Number(match[1]), Number(match[2]), Number(match[3])) : undefined;
}

/**
 * YYYY-MM-DD, or an ISO 8601 date and time (a missing zone is UTC). Every part is checked: no
 * Feb 30, no hour 25, nothing that JavaScript would silently move to another day.
 */
export function parseDateOrDateTime(text: string): Date | undefined {
  const day = parseDay(text);
  if (day) return day;
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const date = realDay(Number(y), Number(mo), Number(d));
  if (!date || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return undefined;
  const millis = Number((fraction ?? "0").padEnd(3, "0").slice(0, 3));
  let time = date.getTime() + ((Number(h) * 60 + Number(mi)) * 60 + Number(s ?? 0)) * 1000 + millis;
  if (zone && zone.toUpperCase() !== "Z") {
    const [, sign, zh, zm] = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    if (Number(zh) > 23 || Number(zm) > 59) return undefined;
    time -= (sign === "-" ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
  }
  const result = new Date(time);
  const year = result.getUTCFullYear();
  return year >= MIN_YEAR && year <= MAX_YEAR ? result : undefined;
}

/** An optional day filter (YYYY-MM-DD); "" counts as absent. */
export function dayFilter(what: string) {
  return z.preprocess(
    (value) => (value === "" || value === null ? undefined : value),
    z
      .string({ message: `${what} must be a date written YYYY-MM-DD.` })
      .regex(DAY, { message: `${what} must be a date written YYYY-MM-DD.` })
      .refine((value) => parseDay(value) !== undefined, {
        message: `${what} is not a real date between the years ${MIN_YEAR} and ${MAX_YEAR}.`,
      })
      .optional(),
  );
}

// ------------------------------------------------------------------------------------------- URLs

export const URL_MAX_LENGTH = 2000;

/** True for an absolute http or https URL with a host: the only links Claimant stores or shows. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** An optional web address; "" counts as absent. Only http(s): never javascript:, data:, file:. */
export const httpUrlField = storableText("URL")
  .optional()
  .transform((value) => value?.trim() || undefined)
  .refine((value) => value === undefined || value.length <= URL_MAX_LENGTH, {
    message: `URLs are at most ${URL_MAX_LENGTH} characters.`,
  })
  .refine((value) => value === undefined || isHttpUrl(value), {
    message: "Enter a full URL starting with http:// or https://, or leave it empty.",
  });
