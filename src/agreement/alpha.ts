// Krippendorff's alpha for nominal data, after K. Krippendorff, "Computing Krippendorff's
// Alpha-Reliability" (2011), section C: values in a unit are paired within the unit, each pair
// weighted 1/(m_u - 1), and units with fewer than two values are not pairable.
//
// For nominal data the coincidence matrix never needs building: a unit with m values of which
// count_c are c adds (m² - Σ count_c²)/(m - 1) to the observed disagreement and count_c to n_c, so
//   alpha = 1 - (n - 1) · Σ_u (m_u² - Σ_c count_uc²)/(m_u - 1) / (n² - Σ_c n_c²).

/** One unit: each coder's value, or null where that coder gave none. */
export type Unit<V> = readonly (V | null | undefined)[];

/**
 * Pairable units reduced to what alpha needs. Units with the same values (in any order) add the
 * same to every sum, so they are kept once as a pattern with a weight: sentence-coverage data of
 * thousands of units has a handful of patterns, which keeps the bootstrap's resamples cheap.
 */
export interface AlphaData {
  patterns: { codes: number[]; disagreement: number }[];
  /** The pattern of each pairable unit, in order. */
  unitPattern: Uint32Array;
  /** The distinct values, in the order of their codes. */
  values: unknown[];
}

export interface AlphaResult {
  /** Null when it is undefined: fewer than two pairable values, or no variation at all. */
  alpha: number | null;
  /** Units with at least two values. */
  units: number;
  /** Pairable values (n in Krippendorff's notation). */
  values: number;
}

export function unitCount(data: AlphaData): number {
  return data.unitPattern.length;
}

/** Keeps the units with two or more values and codes their values as small integers. */
export function pairableUnits<V>(units: readonly Unit<V>[]): AlphaData {
  const codeOf = new Map<V, number>();
  const values: V[] = [];
  const patternOf = new Map<string, number>();
  const patterns: AlphaData["patterns"] = [];
  const unitPattern: number[] = [];
  const code = (value: V) => {
    let found = codeOf.get(value);
    if (found === undefined) {
      found = values.length;
      codeOf.set(value, found);
      values.push(value);
    }
    return found;
  };
  for (const unit of units) {
    const codes: number[] = [];
    for (const value of unit) if (value !== null && value !== undefined) codes.push(code(value));
    if (codes.length < 2) continue;
    codes.sort((a, b) => a - b);
    const key = codes.join(",");
    let pattern = patternOf.get(key);
    if (pattern === undefined) {
      pattern = patterns.length;
      patternOf.set(key, pattern);
      patterns.push({ codes, disagreement: unitDisagreement(codes) });
    }
    unitPattern.push(pattern);
  }
  return { patterns, unitPattern: Uint32Array.from(unitPattern), values };
}

/** (m² - Σ_c count_c²)/(m - 1) for sorted codes. */
function unitDisagreement(sorted: readonly number[]): number {
  let sameSquares = 0;
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) run += 1;
    else {
      sameSquares += run * run;
      run = 1;
    }
  }
  const m = sorted.length;
  return (m * m - sameSquares) / (m - 1);
}

/** How many times each pattern occurs among all the units (the weights of the data itself). */
export function patternWeights(data: AlphaData): Float64Array {
  const weights = new Float64Array(data.patterns.length);
  for (const pattern of data.unitPattern) weights[pattern]! += 1;
  return weights;
}

/** Alpha with each pattern counted `weights` times (the data's own weights by default). */
export function alphaOf(data: AlphaData, weights = patternWeights(data)): AlphaResult {
  const totals = new Float64Array(data.values.length);
  let observed = 0;
  let units = 0;
  data.patterns.forEach((pattern, p) => {
    const weight = weights[p]!;
    if (weight === 0) return;
    units += weight;
    observed += weight * pattern.disagreement;
    for (const code of pattern.codes) totals[code]! += weight;
  });
  let n = 0;
  let sameSquares = 0;
  for (const total of totals) {
    n += total;
    sameSquares += total * total;
  }
  const expected = n * n - sameSquares;
  const alpha = n < 2 || expected === 0 ? null : 1 - ((n - 1) * observed) / expected;
  return { alpha, units, values: n };
}

/** Krippendorff's alpha (nominal) of reliability data given unit by unit. */
export function nominalAlpha<V>(units: readonly Unit<V>[]): AlphaResult {
  return alphaOf(pairableUnits(units));
}
