import { describe, expect, it } from "vitest";
import { coveredSentences } from "../../src/text/highlight-layout.js";

const sentences = [
  { start: 0, end: 10 },
  { start: 11, end: 20 },
  { start: 21, end: 30 },
  { start: 31, end: 40 },
];

describe("sentences without a claim", () => {
  it("counts a sentence as covered when any claim overlaps it, in any order", () => {
    expect(coveredSentences(sentences, [])).toEqual([false, false, false, false]);
    expect(coveredSentences(sentences, [{ start: 25, end: 26 }])).toEqual([false, false, true, false]);
    // A long claim started early covers what it spans, even after a short one.
    expect(
      coveredSentences(sentences, [
        { start: 2, end: 3 },
        { start: 0, end: 22 },
      ]),
    ).toEqual([true, true, true, false]);
    // Touching a sentence's edge is not covering it; empty claims cover nothing.
    expect(
      coveredSentences(sentences, [
        { start: 10, end: 11 },
        { start: 35, end: 35 },
      ]),
    ).toEqual([false, false, false, false]);
  });
});
