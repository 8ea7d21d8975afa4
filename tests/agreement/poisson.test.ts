import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/agreement/bootstrap.js";
import { logGamma, poisson } from "../../src/agreement/poisson.js";

describe("Poisson draws for the bootstrap", () => {
  it("computes log Γ exactly enough: log((n-1)!) for whole n, and Γ(1/2) = √π", () => {
    let factorial = 1;
    for (let n = 1; n <= 30; n++) {
      expect(logGamma(n)).toBeCloseTo(Math.log(factorial), 9);
      factorial *= n;
    }
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 9);
  });

  it.each([0.5, 3, 9.9, 10, 57, 4000])("has mean and variance λ for λ = %s (both samplers)", (lambda) => {
    const random = seededRandom(42);
    const draws = Array.from({ length: 40_000 }, () => poisson(lambda, random));
    const mean = draws.reduce((sum, x) => sum + x, 0) / draws.length;
    const variance = draws.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (draws.length - 1);
    // Standard error of the mean is √(λ/n): 0.5% of λ at most here; allow about five of them.
    expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / draws.length) + 1e-9);
    expect(variance / lambda).toBeGreaterThan(0.95);
    expect(variance / lambda).toBeLessThan(1.05);
    expect(draws.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
  });

  it("gives the probabilities of the Poisson law for a small λ", () => {
    const random = seededRandom(7);
    const counts = new Map<number, number>();
    const total = 50_000;
    for (let i = 0; i < total; i++) {
      const x = poisson(2, random);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    for (const k of [0, 1, 2, 3, 4]) {
      const expected = Math.exp(-2 + k * Math.log(2) - logGamma(k + 1));
      expect((counts.get(k) ?? 0) / total).toBeCloseTo(expected, 2);
    }
  });
});
