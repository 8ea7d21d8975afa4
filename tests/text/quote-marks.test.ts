import { describe, expect, it } from "vitest";
import { beginsWithQuotationMark, withQuotationMarks } from "../../src/text/quote-marks.js";

describe("quotation marks around quotes", () => {
  it("adds “…” to a quote without marks of its own", () => {
    expect(withQuotationMarks("The ceasefire held.")).toBe("“The ceasefire held.”");
    expect(withQuotationMarks('He said "no".')).toBe('“He said "no".”');
  });

  it("never doubles a mark the quote begins with", () => {
    for (const quote of [
      '"The Armenians are provoking," he said.',
      "“We will respond,” he said.",
      "« Nous répondrons », a-t-il dit.",
      "‘Fine,’ she said.",
      "'Fine,' she said.",
      "„Wir antworten“, sagte er.",
    ]) {
      expect(beginsWithQuotationMark(quote)).toBe(true);
      expect(withQuotationMarks(quote)).toBe(quote);
    }
  });
});
