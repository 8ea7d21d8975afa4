import type { PrismaClient } from "../db/types.js";
import { InvalidError } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { MAX_YEAR, MIN_YEAR } from "../http/fields.js";
import { parseInput } from "../http/validate.js";
import {
  claimFiltersInput,
  dateRanges,
  filterNames,
  filtersToQuery,
  textLimits,
  type ClaimFilters,
} from "./claims.filters.js";
import { claimTypes } from "./claims.schema.js";
import { pageInput, searchClaims, sorts } from "./claims.search.js";
import { filterChoices } from "./filter-choices.js";
import { stanceColour } from "./stance-palette.js";

/**
 * The /claims page: a page of rows with its filter form, or, when a filter cannot be read, the
 * same form with the user's values kept and a message beside each field to fix (422). The API
 * and the exports answer the same mistakes with their own 422, worded for their parameters.
 */

/** The form's fields as the page labels them, for the messages beside them. */
const fieldLabels: Record<string, string> = {
  project: "Project",
  article: "Article id",
  speaker: "Speaker",
  stance: "Stance",
  target: "Target",
  type: "Type",
  layer: "Layer",
  annotator: "Annotator",
  from: "Article date from",
  to: "Article date to",
  claimFrom: "Claim date from",
  claimTo: "Claim date to",
  q: "Words in the quote",
  sort: "Sort",
};

const listFields = new Set(["project", "annotator", "stance", "target", "type", "layer", "sort"]);
const dateFields = new Set(["from", "to", "claimFrom", "claimTo"]);

const messages = {
  article: (raw: string) =>
    `“${raw}” is not an article id. Write the article's number (the digits at the end of its ` +
    "address, as in /articles/1234), or leave this empty for every article.",
  fromList: (label: string, raw: string) =>
    `Choose the ${label.toLowerCase()} from the list: “${raw}” is not one of its choices.`,
  tooLong: (label: string, raw: string, max: number) =>
    `Shorten “${label}” to at most ${max} characters (it has ${Array.from(raw).length}).`,
  date: (raw: string) =>
    `“${raw}” is not a day between the years ${MIN_YEAR} and ${MAX_YEAR}. Pick a day in the calendar.`,
  twice: (label: string, times: number) =>
    `The page address gives “${label}” ${times} times: choose one value and show the claims again.`,
  backwards: (fromLabel: string, toLabel: string, start: string, end: string) =>
    `“${toLabel}” (${longDay(end)}) is before “${fromLabel}” (${longDay(start)}), so no claim ` +
    `could match. Pick a day on or after ${longDay(start)}, or clear one of the two dates.`,
  summary: (count: number) =>
    `No claims are shown: ${count === 1 ? "one filter needs" : `${count} filters need`} fixing. ` +
    "Each is marked below with what to change.",
};

/** "2024-03-05" as "5 March 2024": the same day whatever order the browser's date field uses. */
function longDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** What the user sent for a field, as text (the first value if sent twice). */
function rawValue(query: unknown, name: string): string {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
}

/** How many values the query has for a field (a hand-made address may repeat one). */
function timesSent(query: unknown, name: string): number {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  return Array.isArray(value) ? value.length : value === undefined ? 0 : 1;
}

/** The page's base: what both the list and the refusal show. */
async function pageBase(prisma: PrismaClient, user: CurrentUser, filters: ClaimFilters) {
  return {
    title: "Claims",
    choices: await filterChoices(prisma, user, filters),
    claimTypes,
    sorts,
    canExport: user.role !== "annotator",
    // Admins change any claim, annotators their own; researchers only read.
    canEdit: user.role !== "researcher",
    stanceColour,
  };
}

/**
 * What the /claims page shows for a query string: a page of rows (the total is fetched by the
 * page script from /claims/count: counting a million matches takes far longer than the page of
 * rows, which should not wait for it), the filter form's choices and values, and the links.
 * Throws InvalidError for filters it cannot read (see claimsPageRefused).
 */
export async function claimsPage(prisma: PrismaClient, user: CurrentUser, query: unknown) {
  const filters = parseInput(claimFiltersInput, query);
  const page = parseInput(pageInput, query);
  const [result, base] = await Promise.all([
    searchClaims(prisma, user, filters, page),
    pageBase(prisma, user, filters),
  ]);
  const values: Record<string, string> = { sort: page.sort };
  for (const name of filterNames) values[name] = filters[name] === undefined ? "" : String(filters[name]);
  return {
    ...base,
    refused: false,
    values,
    errors: {} as Record<string, string>,
    page,
    rows: result.rows,
    query: filtersToQuery(filters),
    nextQuery: result.nextCursor
      ? filtersToQuery(filters, { sort: page.sort, cursor: result.nextCursor })
      : undefined,
    bulkFilters: JSON.stringify(filters),
  };
}

/**
 * The Claims page for filters it could not read: no rows, the form with every value as the user
 * sent it, and beside each field in fault what to change. Choices (the speaker's name, the
 * selects) come from the filters that were readable.
 */
export async function claimsPageRefused(
  prisma: PrismaClient,
  user: CurrentUser,
  query: unknown,
  error: InvalidError,
) {
  const readable: Record<string, unknown> = {};
  for (const name of filterNames) {
    const field = claimFiltersInput.shape[name].safeParse(rawValue(query, name));
    if (field.success && field.data !== undefined) readable[name] = field.data;
  }
  const values: Record<string, string> = { sort: rawValue(query, "sort") };
  for (const name of filterNames) values[name] = rawValue(query, name);
  const errors = pageProblems(error, values, (name) => timesSent(query, name));
  const fieldProblems = Object.keys(errors).filter((field) => field !== "_form").length;
  const base = await pageBase(prisma, user, readable as ClaimFilters);
  return {
    ...base,
    refused: true,
    // Problems of the page link (a cursor, a page size) show alone, above the form.
    problemSummary: fieldProblems > 0 ? messages.summary(fieldProblems) : undefined,
    values,
    errors,
    page: {
      sort: sorts.includes(values.sort as never) ? values.sort : "newest",
      cursor: undefined,
      limit: 50,
    },
    rows: [],
    query: "",
    nextQuery: undefined,
    bulkFilters: "{}",
  };
}

/** Each problem worded for the form: the field's label, what was sent, what to do. */
function pageProblems(
  error: InvalidError,
  values: Record<string, string>,
  times: (name: string) => number,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const add = (field: string, message: string) => {
    errors[field] = errors[field] ? `${errors[field]} ${message}` : message;
  };
  for (const problem of error.problems) {
    const field = problem.field ?? "_form";
    const raw = values[field] ?? "";
    const label = fieldLabels[field];
    if (!label) add("_form", problem.message);
    else if (times(field) > 1) add(field, messages.twice(label, times(field)));
    else if (field === "article") add(field, messages.article(shortened(raw)));
    else if (listFields.has(field)) add(field, messages.fromList(label, shortened(raw)));
    else if (dateFields.has(field)) add(field, dateProblem(field, values) ?? messages.date(shortened(raw)));
    else if (
      field in textLimits &&
      Array.from(raw.trim()).length > textLimits[field as keyof typeof textLimits]
    ) {
      add(field, messages.tooLong(label, raw.trim(), textLimits[field as keyof typeof textLimits]));
    } else add(field, `${label}: ${problem.message}`);
  }
  return errors;
}

/** A value quoted in a message: long ones cut, so that the message stays readable. */
function shortened(raw: string): string {
  const characters = Array.from(raw);
  return characters.length > 40 ? `${characters.slice(0, 40).join("")}…` : raw;
}

/** The message for a date that is a real day but ends a range before it starts. */
function dateProblem(field: string, values: Record<string, string>): string | undefined {
  for (const [from, to] of dateRanges) {
    if (field !== to) continue;
    const start = values[from]!;
    const end = values[to]!;
    const real = (day: string) => claimFiltersInput.shape[from].safeParse(day).success && day !== "";
    if (real(start) && real(end) && end < start) {
      return messages.backwards(fieldLabels[from]!, fieldLabels[to]!, start, end);
    }
  }
  return undefined;
}
