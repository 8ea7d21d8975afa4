import { describe, expect, it } from "vitest";
import { claimUnits, exactMatches, f1, overlapMatches } from "../../src/agreement/span-matching.js";

const span = (start: number, end: number) => ({ start, end });

describe("claim-span matching", () => {
  it("counts exact matches one to one", () => {
    expect(exactMatches([span(0, 10), span(0, 10), span(20, 30)], [span(0, 10), span(20, 31)])).toBe(1);
    expect(exactMatches([span(0, 10), span(0, 10)], [span(0, 10), span(0, 10)])).toBe(2);
  });

  it("matches overlaps one to one, the largest overlap first", () => {
    // b[0] overlaps a[0] by 5 and a[1] by 8: a[1] gets it; a[0] then takes b[1] (overlap 2).
    const a = [span(0, 10), span(12, 30)];
    const b = [span(5, 20), span(8, 11)];
    expect(overlapMatches(a, b)).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(overlapMatches([span(0, 5)], [span(5, 10)])).toEqual([]);
  });

  it("computes F1 as 2·matches / (|A| + |B|)", () => {
    expect(f1(3, 4, 5)).toBeCloseTo(6 / 9, 10);
    expect(f1(0, 0, 0)).toBeNull();
  });

  it("groups overlapping claims of several annotators into units, never two of one annotator", () => {
    const units = claimUnits([[span(0, 10), span(40, 50)], [span(2, 10), span(4, 8)], [span(41, 50)], []]);
    const sorted = units.map((unit) => unit.join(",")).sort();
    // Coder 1's second claim (4-8) overlaps coder 0's first too, but that unit already has coder 1.
    expect(sorted).toEqual([",1,,", "0,0,,", "1,,0,"]);
  });
});
