// Bootstrapped confidence intervals for alpha. Hayes & Krippendorff ("Answering the call for a
// standard reliability measure for coding data", 2007) recommend reporting alpha with a bootstrapped
// interval so that a figure from a handful of units is not read as meaningful. Each replicate
// reweights the units and recomputes alpha; the interval is the 2.5th and 97.5th percentile of the
// replicates. The generator is seeded, so the same data always gives the same interval.
//
// The weights are those of the Poisson bootstrap (each unit counted an independent Poisson(1)
// number of times; Hanley & MacGibbon 2006, Chamandy et al. 2012), which for the hundreds of units
// agreement needs behaves as resampling with replacement does. Its advantage here: units with the
// same values add the same to alpha, and a sum of n Poisson(1) counts is one Poisson(n) draw, so a
// replicate costs one draw per distinct pattern of values instead of one per unit. 1,000
// replicates over 30,000 sentences take milliseconds instead of seconds.
import { alphaOf, patternWeights, unitCount, type AlphaData } from "./alpha.js";
import { poisson } from "./poisson.js";

export const BOOTSTRAP_REPLICATES = 1000;
const DEFAULT_SEED = 0x5eed;

export interface Interval {
  low: number;
  high: number;
  /** Replicates in which alpha was defined (a resample without variation has none). */
  replicates: number;
}

/** mulberry32: small, fast and good enough for resampling; deterministic for a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The 95% interval of alpha, or null when there are fewer than two units to resample. */
export function alphaInterval(
  data: AlphaData,
  options: { replicates?: number; seed?: number } = {},
): Interval | null {
  const units = unitCount(data);
  if (units < 2) return null;
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const counts = patternWeights(data);
  const weights = new Float64Array(data.patterns.length);
  const alphas: number[] = [];
  for (let r = 0; r < (options.replicates ?? BOOTSTRAP_REPLICATES); r++) {
    for (let p = 0; p < counts.length; p++) weights[p] = poisson(counts[p]!, random);
    const { alpha } = alphaOf(data, weights);
    if (alpha !== null) alphas.push(alpha);
  }
  if (alphas.length === 0) return null;
  alphas.sort((a, b) => a - b);
  return { low: percentile(alphas, 0.025), high: percentile(alphas, 0.975), replicates: alphas.length };
}

/** Linear interpolation between the closest ranks of sorted values. */
export function percentile(sorted: readonly number[], share: number): number {
  const at = share * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}
