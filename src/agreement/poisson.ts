// Exact Poisson random numbers, ported from NumPy's legacy generator (numpy/random/src/distributions):
// multiplication of uniforms below λ = 10, and Hörmann's transformed rejection (PTRS, "The
// transformed rejection method for generating Poisson random variables", 1993) above it. The
// bootstrap needs one Poisson(n) draw per distinct pattern of values instead of n uniform draws.

/** log Γ(x) for x > 0 (Stirling's series, shifted up to 7 for small x), as NumPy's random_loggam. */
export function logGamma(x: number): number {
  const a = [
    8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4,
    8.417508417508418e-4, -1.917526917526918e-3, 6.41025641025641e-3, -2.955065359477124e-2,
    1.796443723688307e-1, -1.3924322169059,
  ];
  if (x === 1 || x === 2) return 0;
  const shift = x <= 7 ? Math.floor(7 - x) : 0;
  let x0 = x + shift;
  const x2 = 1 / (x0 * x0);
  let series = a[9]!;
  for (let k = 8; k >= 0; k--) series = series * x2 + a[k]!;
  let result = series / x0 + 0.5 * Math.log(2 * Math.PI) + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 1; k <= shift; k++) {
    result -= Math.log(x0 - 1);
    x0 -= 1;
  }
  return result;
}

function poissonByMultiplication(lambda: number, random: () => number): number {
  const limit = Math.exp(-lambda);
  let count = 0;
  let product = random();
  while (product > limit) {
    count += 1;
    product *= random();
  }
  return count;
}

function poissonByTransformedRejection(lambda: number, random: () => number): number {
  const sqrtLambda = Math.sqrt(lambda);
  const logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * sqrtLambda;
  const a = -0.059 + 0.02483 * b;
  const inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random() - 0.5;
    const v = random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(inverseAlpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * logLambda - logGamma(k + 1)
    ) {
      return k;
    }
  }
}

/** A Poisson(λ) draw. */
export function poisson(lambda: number, random: () => number): number {
  if (lambda <= 0) return 0;
  return lambda >= 10
    ? poissonByTransformedRejection(lambda, random)
    : poissonByMultiplication(lambda, random);
}
