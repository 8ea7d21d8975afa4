// Cohen's kappa for two coders (J. Cohen, "A coefficient of agreement for nominal scales", 1960):
// kappa = (p_o - p_e) / (1 - p_e), where p_e comes from each coder's own marginal proportions.
// Only the cells that occur are counted (a sparse table): with one value per item, as when every
// claim has a speaker of its own, a dense table would hold values² cells (160,000 for 400 claims,
// 1.6 billion for 40,000, which no server holds).

export interface Confusion<V> {
  /** Values in order of first appearance. */
  values: V[];
  /** [i, j, count]: count items coder A put in values[i] and coder B in values[j]; only count > 0. */
  cells: [number, number, number][];
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
  // (a, b) as one number: each pair brings at most two new values, so codes stay below width.
  const width = 2 * pairs.length + 1;
  const counts = new Map<number, number>();
  const rowTotals: number[] = [];
  const columnTotals: number[] = [];
  let items = 0;
  let agreed = 0;
  for (const [a, b] of pairs) {
    if (a === null || a === undefined || b === null || b === undefined) continue;
    const i = codeOf(a);
    const j = codeOf(b);
    const key = i * width + j;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    rowTotals[i] = (rowTotals[i] ?? 0) + 1;
    columnTotals[j] = (columnTotals[j] ?? 0) + 1;
    items += 1;
    if (i === j) agreed += 1;
  }
  const cells: [number, number, number][] = [...counts].map(([key, count]) => [
    Math.floor(key / width),
    key % width,
    count,
  ]);
  const confusion = { values, cells };
  if (items === 0) return { kappa: null, items, observedAgreement: null, confusion };

  let chance = 0;
  for (let i = 0; i < values.length; i++)
    chance += ((rowTotals[i] ?? 0) / items) * ((columnTotals[i] ?? 0) / items);
  const observedAgreement = agreed / items;
  const kappa = chance === 1 ? null : (observedAgreement - chance) / (1 - chance);
  return { kappa, items, observedAgreement, confusion };
}
