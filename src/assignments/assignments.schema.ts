import { z } from "zod";
import { idField, wholeNumber } from "../http/fields.js";

/** Checkboxes and multi-selects send one value or several; either way a list of ids. */
function idList(what: string, max: number) {
  return z.preprocess(
    (raw) => (raw === undefined || raw === "" ? [] : Array.isArray(raw) ? raw : [raw]),
    z
      .array(idField(`Each of ${what}`))
      .max(max, { message: `Choose at most ${max.toLocaleString("en")} ${what}.` }),
  );
}

/** More articles than a project page lists at once would be a script's job (the API). */
export const ARTICLES_PER_ACTION_MAX = 10_000;
export const ANNOTATORS_PER_ACTION_MAX = 200;

export const assignInput = z
  .object({
    articles: idList("articles", ARTICLES_PER_ACTION_MAX),
    annotators: idList("annotators", ANNOTATORS_PER_ACTION_MAX),
  })
  .refine((input) => input.articles.length > 0, { message: "Tick at least one article.", path: ["articles"] })
  .refine((input) => input.annotators.length > 0, {
    message: "Choose at least one annotator.",
    path: ["annotators"],
  });

export const balanceInput = z
  .object({
    perArticle: wholeNumber("Annotators per article must be a whole number from 1 to 20.", {
      min: 1,
      max: 20,
    }),
    annotators: idList("annotators", ANNOTATORS_PER_ACTION_MAX),
  })
  .refine((input) => input.annotators.length >= input.perArticle, {
    message: "Choose at least as many annotators as each article should get.",
    path: ["annotators"],
  });
