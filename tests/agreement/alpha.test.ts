import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nominalAlpha, pairableUnits, type Unit } from "../../src/agreement/alpha.js";
import { alphaInterval, percentile } from "../../src/agreement/bootstrap.js";

/** Reliability data as printed in the paper: one row per observer, "." for a missing value. */
function byObserver(rows: string[]): Unit<string>[] {
  const cells = rows.map((row) => row.trim().split(/\s+/));
  return cells[0]!.map((_, unit) => cells.map((row) => (row[unit] === "." ? null : row[unit]!)));
}

/**
 * A second implementation on another path: the coincidence matrix built pair by pair with its
 * 1/(m_u - 1) weights, then alpha = 1 - D_o/D_e with the nominal difference function.
 */
function alphaByCoincidences(units: Unit<number>[]): number | null {
  const o = new Map<string, number>();
  const categories = new Set<number>();
  for (const unit of units) {
    const values = unit.filter((v): v is number => v !== null && v !== undefined);
    if (values.length < 2) continue;
    values.forEach((c, i) =>
      values.forEach((k, j) => {
        if (i === j) return;
        categories.add(c).add(k);
        o.set(`${c},${k}`, (o.get(`${c},${k}`) ?? 0) + 1 / (values.length - 1));
      }),
    );
  }
  const list = [...categories];
  const nc = new Map(list.map((c) => [c, list.reduce((sum, k) => sum + (o.get(`${c},${k}`) ?? 0), 0)]));
  const n = [...nc.values()].reduce((a, b) => a + b, 0);
  let observed = 0;
  let expected = 0;
  for (const c of list) {
    for (const k of list) {
      const delta = c === k ? 0 : 1;
      observed += (o.get(`${c},${k}`) ?? 0) * delta;
      expected += nc.get(c)! * nc.get(k)! * delta;
    }
  }
  if (n < 2 || expected === 0) return null;
  return 1 - observed / n / (expected / (n * (n - 1)));
}

describe("Krippendorff's alpha (nominal)", () => {
  it("gives 0.095 for the two-observer binary example of Krippendorff (2011), section A", () => {
    const units = byObserver(["0 1 0 0 0 0 0 0 1 0", "1 1 1 0 0 1 0 0 0 0"]);
    const result = nominalAlpha(units);
    expect(result.alpha).toBeCloseTo(0.095, 3);
    expect(result).toMatchObject({ units: 10, values: 20 });
  });

  it("gives 0.743 for the four-observer example with missing values, section C", () => {
    const units = byObserver([
      "1 2 3 3 2 1 4 1 2 . . .",
      "1 2 3 3 2 2 4 1 2 5 . 3",
      ". 3 3 3 2 3 4 2 2 5 1 .",
      "1 2 3 3 2 4 4 1 2 5 1 .",
    ]);
    const result = nominalAlpha(units);
    expect(result.alpha).toBeCloseTo(0.743, 3);
    // Unit 12 holds one value only: it is not pairable; n is the 40 pairable values.
    expect(result).toMatchObject({ units: 11, values: 40 });
  });

  it("is 1 for perfect agreement and undefined without variation or without pairable values", () => {
    expect(
      nominalAlpha([
        ["a", "a"],
        ["b", "b"],
        ["a", "a", null],
      ]).alpha,
    ).toBe(1);
    expect(
      nominalAlpha([
        ["a", "a"],
        ["a", "a"],
      ]).alpha,
    ).toBeNull();
    expect(
      nominalAlpha([
        ["a", null],
        [null, "b"],
      ]),
    ).toEqual({ alpha: null, units: 0, values: 0 });
  });

  it("agrees with a coincidence-matrix implementation on random data with missing values", () => {
    const unit = fc.array(fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }), {
      minLength: 3,
      maxLength: 3,
    });
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1, maxLength: 60 }), (units) => {
        const fast = nominalAlpha(units).alpha;
        const slow = alphaByCoincidences(units);
        if (slow === null) expect(fast).toBeNull();
        else expect(fast).toBeCloseTo(slow, 9);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the bootstrapped interval", () => {
  it("holds the point estimate, is the same on every run, and narrows with more units", () => {
    const random = (seed: number) => () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const noisy = (count: number) => {
      const next = random(7);
      return Array.from({ length: count }, () => {
        const truth = Math.floor(next() * 3);
        return [truth, truth, next() < 0.8 ? truth : Math.floor(next() * 3)];
      });
    };
    const small = pairableUnits(noisy(30));
    const large = pairableUnits(noisy(600));
    const smallInterval = alphaInterval(small)!;
    const largeInterval = alphaInterval(large)!;
    expect(alphaInterval(small)).toEqual(smallInterval);
    const point = nominalAlpha(noisy(600)).alpha!;
    expect(largeInterval.low).toBeLessThan(point);
    expect(largeInterval.high).toBeGreaterThan(point);
    expect(largeInterval.high - largeInterval.low).toBeLessThan(smallInterval.high - smallInterval.low);
    expect(largeInterval.replicates).toBe(1000);
  });

  it("has no interval for a single unit", () => {
    expect(alphaInterval(pairableUnits([["a", "b"]]))).toBeNull();
  });

  it("interpolates percentiles between ranks", () => {
    expect(percentile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(percentile([0, 10], 0.25)).toBe(2.5);
  });
});
