// Quotation marks around quoted text for display: a quote that already begins with a quotation
// mark (the journalist's own) is shown as it is, never as “"… with a doubled mark.

const OPENING_MARK = /^[\s]*["“”„«»‘’‚‹›'「『]/u;

/** Whether the text begins with a quotation mark of its own. */
export function beginsWithQuotationMark(text: string): boolean {
  return OPENING_MARK.test(text);
}

/** The text in “…”, unless it opens with a quotation mark of its own. */
export function withQuotationMarks(text: string): string {
  return beginsWithQuotationMark(text) ? text : `“${text}”`;
}
