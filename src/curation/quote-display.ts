// A claim's quote as the curation page shows it: in “…”, unless the quote already begins or ends
// with a quotation mark of its own (the journalist's), which is then shown as it is, so that no
// mark is ever doubled (never ““We will win,” he said”).
import { beginsWithQuotationMark } from "../text/quote-marks.js";

const CLOSING_MARK = /["“”„«»‘’‚‹›'」』]\s*$/u;

/** Whether the text ends with a quotation mark of its own. */
export function endsWithQuotationMark(text: string): boolean {
  return CLOSING_MARK.test(text);
}

/** The text in “…”, or as it is when it begins or ends with a quotation mark. */
export function quoted(text: string): string {
  return beginsWithQuotationMark(text) || endsWithQuotationMark(text) ? text : `“${text}”`;
}

/** At most `length` characters of the text (whole code points), with … when cut; then quoted. */
export function quotedShort(text: string, length = 80): string {
  const points = Array.from(text);
  return quoted(points.length > length ? `${points.slice(0, length).join("").trimEnd()}…` : text);
}
