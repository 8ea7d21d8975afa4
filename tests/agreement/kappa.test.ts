import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cohenKappa } from "../../src/agreement/kappa.js";

/** Item pairs from a 2×2 table of counts [[yes/yes, yes/no], [no/yes, no/no]] (A's answer first). */
function fromTable([[yy, yn], [ny, nn]]: [[number, number], [number, number]]): [string, string][] {
  const repeat = (count: number, pair: [string, string]) => Array.from({ length: count }, () => pair);
  return [
    ...repeat(yy, ["yes", "yes"]),
    ...repeat(yn, ["yes", "no"]),
    ...repeat(ny, ["no", "yes"]),
    ...repeat(nn, ["no", "no"]),
  ];
}

describe("Cohen's kappa", () => {
  it("matches the textbook worked examples", () => {
    // 50 grant proposals read by two readers: p_o = 0.7, p_e = 0.5.
    expect(
      cohenKappa(
        fromTable([
          [20, 5],
          [10, 15],
        ]),
      ).kappa,
    ).toBeCloseTo(0.4, 10);
    // The same 60% agreement with other marginals gives other kappas.
    expect(
      cohenKappa(
        fromTable([
          [45, 15],
          [25, 15],
        ]),
      ).kappa,
    ).toBeCloseTo(0.1304, 4);
    expect(
      cohenKappa(
        fromTable([
          [25, 35],
          [5, 35],
        ]),
      ).kappa,
    ).toBeCloseTo(0.2593, 4);
  });

  it("returns the confusion table and leaves out items one coder did not code", () => {
    const result = cohenKappa<string>([
      ["a", "a"],
      ["a", "b"],
      ["b", "b"],
      [null, "a"],
      ["b", undefined],
    ]);
    expect(result.items).toBe(3);
    // Sparse: only the cells that occur, [row, column, count].
    expect(result.confusion.values).toEqual(["a", "b"]);
    expect(result.confusion.cells.sort()).toEqual([
      [0, 0, 1],
      [0, 1, 1],
      [1, 1, 1],
    ]);
    expect(result.observedAgreement).toBeCloseTo(2 / 3, 10);
  });

  it("counts only the cells that occur: a value per item keeps the table as small as the items", () => {
    const pairs = Array.from(
      { length: 40_000 },
      (_, i) => [`speaker ${i}`, i % 2 ? `speaker ${i}` : `other ${i}`] as const,
    );
    // A dense table would be 60,000² cells: no memory holds it. CPU time, as the machine may be busy.
    const cpu = process.cpuUsage();
    const result = cohenKappa(pairs);
    const used = process.cpuUsage(cpu);
    expect((used.user + used.system) / 1000).toBeLessThan(1500);
    expect(result.confusion.values).toHaveLength(60_000);
    expect(result.confusion.cells).toHaveLength(40_000);
    expect(result.observedAgreement).toBe(0.5);
    // p_e: each value's row share times its column share; only the 20,000 agreed values have both.
    expect(result.kappa).toBeCloseTo((0.5 - 20_000 / 40_000 ** 2) / (1 - 20_000 / 40_000 ** 2), 12);
  });

  it("is undefined without items or when both coders used one value throughout", () => {
    expect(cohenKappa([]).kappa).toBeNull();
    expect(
      cohenKappa([
        ["a", "a"],
        ["a", "a"],
      ]).kappa,
    ).toBeNull();
  });

  it("agrees with the formula written out by category sums on random data", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 80,
        }),
        (pairs) => {
          const n = pairs.length;
          const po = pairs.filter(([a, b]) => a === b).length / n;
          let pe = 0;
          for (let c = 0; c <= 3; c++) {
            pe += (pairs.filter(([a]) => a === c).length / n) * (pairs.filter(([, b]) => b === c).length / n);
          }
          const kappa = cohenKappa(pairs).kappa;
          if (Math.abs(1 - pe) < 1e-12) expect(kappa).toBeNull();
          else expect(kappa).toBeCloseTo((po - pe) / (1 - pe), 9);
        },
      ),
      { numRuns: 300 },
    );
  });
});
