// Krippendorff's alpha for nominal data, after K. Krippendorff, "Computing Krippendorff's
// Alpha-Reliability" (2011), section C: values in a unit are paired within the unit, each pair
// weighted 1/(m_u - 1), and units with fewer than two values are not pairable.
//
// For nominal data the coincidence matrix never needs building: a unit with m values of which
// count_c are c adds (m² - Σ count_c²)/(m - 1) to the observed disagreement and count_c to n_c, so
//   alpha = 1 - (n - 1) · Σ_u (m_u² - Σ_c count_uc²)/(m_u - 1) / (n² - Σ_c n_c²).

/** One unit: each coder's value, or null where that coder gave none. */
export type Unit<V> = readonly (V | null | undefined)[];

/** A unit reduced to what alpha needs: its value codes and its disagreement term. */
export interface PairableUnit {
  /** Index of each value present (one entry per coder who gave one). */
  codes: Uint32Array;
  disagreement: number;
}

export interface AlphaData {
  units: PairableUnit[];
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

/** Keeps the units with two or more values and codes their values as small integers. */
export function pairableUnits<V>(units: readonly Unit<V>[]): AlphaData {
  const codeOf = new Map<V, number>();
  const values: V[] = [];
  const pairable: PairableUnit[] = [];
  for (const unit of units) {
    const present = unit.filter((value): value is V => value !== null && value !== undefined);
    if (present.length < 2) continue;
    const codes = new Uint32Array(present.length);
    present.forEach((value, i) => {
      let code = codeOf.get(value);
      if (code === undefined) {
        code = values.length;
        codeOf.set(value, code);
        values.push(value);
      }
      codes[i] = code;
    });
    pairable.push({ codes, disagreement: unitDisagreement(codes) });
  }
  return { units: pairable, values };
}

function unitDisagreement(codes: Uint32Array): number {
  const counts = new Map<number, number>();
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  let sameSquares = 0;
  for (const count of counts.values()) sameSquares += count * count;
  const m = codes.length;
  return (m * m - sameSquares) / (m - 1);
}

/** Alpha over the units chosen by `pick` (all of them by default; the bootstrap passes a resample). */
export function alphaOf(data: AlphaData, pick?: ArrayLike<number>): AlphaResult {
  const totals = new Float64Array(data.values.length);
  let n = 0;
  let observed = 0;
  const count = pick ? pick.length : data.units.length;
  for (let i = 0; i < count; i++) {
    const unit = data.units[pick ? pick[i]! : i]!;
    observed += unit.disagreement;
    n += unit.codes.length;
    for (const code of unit.codes) totals[code]! += 1;
  }
  let sameSquares = 0;
  for (const total of totals) sameSquares += total * total;
  const expected = n * n - sameSquares;
  const alpha = n < 2 || expected === 0 ? null : 1 - ((n - 1) * observed) / expected;
  return { alpha, units: count, values: n };
}

/** Krippendorff's alpha (nominal) of reliability data given unit by unit. */
export function nominalAlpha<V>(units: readonly Unit<V>[]): AlphaResult {
  return alphaOf(pairableUnits(units));
}
