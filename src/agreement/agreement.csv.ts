// The agreement page's tables as CSV for R, Python and spreadsheets: one row per observation, the
// figures as plain numbers (empty where undefined), text cells neutralised as in the exports.
import { stringify } from "csv-stringify/sync";
import { FIELDS, type AgreementFigures } from "./agreement.compute.js";
import type { agreementTables } from "./agreement.schema.js";

export type AgreementTable = (typeof agreementTables)[number];
type Cell = string | number | null;

/** A text cell a spreadsheet could read as a formula gets a leading ' (OWASP's CSV rule). */
function textCell(value: string): string {
  return /^[=+@\t\r-]/.test(value) ? `'${value}` : value;
}

function figure(value: number | null | undefined): Cell {
  return value === null || value === undefined ? null : Number(value.toFixed(6));
}

function rows(figures: AgreementFigures, table: AgreementTable): Cell[][] {
  switch (table) {
    case "pairs":
      return [
        [
          "annotator_a_id",
          "annotator_a",
          "annotator_b_id",
          "annotator_b",
          "articles",
          "claims_a",
          "claims_b",
          "exact_matches",
          "overlap_matches",
          "exact_f1",
          "overlap_f1",
        ],
        ...figures.span.pairs.map((pair) => [
          pair.a.id,
          textCell(pair.a.name),
          pair.b.id,
          textCell(pair.b.name),
          pair.articles,
          pair.claimsA,
          pair.claimsB,
          pair.exactMatches,
          pair.overlapMatches,
          figure(pair.exactF1),
          figure(pair.overlapF1),
        ]),
      ];
    case "fields":
      return [
        [
          "measure",
          "annotator_a_id",
          "annotator_b_id",
          "value",
          "ci_low",
          "ci_high",
          "units",
          "pairable_values",
        ],
        [
          "sentence_alpha",
          null,
          null,
          figure(figures.sentenceAlpha.alpha),
          figure(figures.sentenceAlpha.interval?.low),
          figure(figures.sentenceAlpha.interval?.high),
          figures.sentenceAlpha.units,
          figures.sentenceAlpha.values,
        ],
        ...FIELDS.flatMap((field) => {
          const result = figures.fields[field];
          return [
            [
              `${field}_alpha`,
              null,
              null,
              figure(result.alpha),
              figure(result.interval?.low),
              figure(result.interval?.high),
              result.units,
              result.values,
            ],
            ...result.pairs.map((pair) => [
              `${field}_kappa`,
              pair.a.id,
              pair.b.id,
              figure(pair.kappa),
              null,
              null,
              pair.items,
              null,
            ]),
          ];
        }),
      ];
    case "confusion":
      // Only the cells that occur, of tables capped as on the page (CONFUSION_VALUES_MAX values a
      // side, the rest as "(N other values)"): a pair's rows are at most its matched claims.
      return [
        ["field", "annotator_a_id", "annotator_b_id", "value_a", "value_b", "count"],
        ...FIELDS.flatMap((field) =>
          figures.fields[field].pairs.flatMap((pair) =>
            pair.confusion.values.flatMap((valueA, i) =>
              pair.confusion.values.flatMap((valueB, j) => {
                const count = pair.confusion.counts[i]![j]!;
                return count === 0
                  ? []
                  : [[field, pair.a.id, pair.b.id, textCell(valueA), textCell(valueB), count]];
              }),
            ),
          ),
        ),
      ];
    case "articles":
      return [
        ["article_id", "title", "annotators_done", "sentence_alpha", "overlap_f1"],
        ...figures.byArticle.map((article) => [
          article.id,
          textCell(article.title),
          article.annotators,
          figure(article.sentenceAlpha),
          figure(article.overlapF1),
        ]),
      ];
  }
}

/** CSV with CRLF record ends, as RFC 4180 and the claim exports have them. */
export function agreementCsv(figures: AgreementFigures, table: AgreementTable): string {
  return stringify(rows(figures, table), { record_delimiter: "windows", quoted_match: /[\r\n"]/ });
}
