// Cohen's kappa for two coders (J. Cohen, "A coefficient of agreement for nominal scales", 1960):
// kappa = (p_o - p_e) / (1 - p_e), where p_e comes from each coder's own marginal proportions.

export interface Confusion<V> {
  /** Values in the order of the table's rows and columns. */
  values: V[];
  /** counts[i][j]: items coder A put in values[i] and coder B in values[j]. */
  counts: number[][];
}

export interface KappaResult<V> {
  /** Null when it is undefined: no items, or both coders used one and the same value throughout. */
  kappa: number | null;
  /** Items both coders coded. */
  items: number;
  observedAgreement: number | null;
  confusion: Confusion<V>;
}

/** Kappa of the items both coders coded (pairs with a missing side are left out). */
export function cohenKappa<V>(
  pairs: readonly (readonly [V | null | undefined, V | null | undefined])[],
): KappaResult<V> {
  const index = new Map<V, number>();
  const values: V[] = [];
  const codeOf = (value: V) => {
    let code = index.get(value);
    if (code === undefined) {
      code = values.length;
      index.set(value, code);
      values.push(value);
    }
    return code;
  };
  const coded: [number, number][] = [];
  for (const [a, b] of pairs) {
    if (a === null || a === undefined || b === null || b === undefined) continue;
    coded.push([codeOf(a), codeOf(b)]);
  }
  const counts = values.map(() => values.map(() => 0));
  for (const [a, b] of coded) counts[a]![b]! += 1;
  const items = coded.length;
  const confusion = { values, counts };
  if (items === 0) return { kappa: null, items, observedAgreement: null, confusion };

  let agreed = 0;
  let chance = 0;
  for (let i = 0; i < values.length; i++) {
    agreed += counts[i]![i]!;
    const rowShare = counts[i]!.reduce((sum, count) => sum + count, 0) / items;
    const columnShare = counts.reduce((sum, row) => sum + row[i]!, 0) / items;
    chance += rowShare * columnShare;
  }
  const observedAgreement = agreed / items;
  const kappa = chance === 1 ? null : (observedAgreement - chance) / (1 - chance);
  return { kappa, items, observedAgreement, confusion };
}
