/**
 * The statistics behind the A/B report, each a textbook formula checked against published values in
 * test/metrics.abStats.test.ts: the normal distribution (CDF and quantile), the Wilson score interval for one
 * proportion, the two-proportion z-test, Fisher's exact test for small counts, and the sample size per group that
 * a two-proportion test needs for a given power. Plain numbers in, plain numbers out: no store, no I/O.
 */

/** Standard normal CDF via erfc (Numerical Recipes' Chebyshev fit, fractional error < 1.2e-7 everywhere). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a probability strictly between 0 and 1 is needed, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for x successes in n trials (Wilson 1927; Newcombe 1998, method 3). Unlike the textbook
 * p ± z·se it stays inside [0, 1] and is honest at 0 replies, which is where a cold-email test starts.
 */
export function wilsonInterval(x: number, n: number, confidence = 0.95): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = x / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const scale = 1 + z2 / n;
  return { low: Math.max(0, (centre - spread) / scale), high: Math.min(1, (centre + spread) / scale) };
}

/** Two-sided two-proportion z-test with the pooled standard error; z is positive when group 1 is higher. */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): { z: number; pValue: number } {
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (x1 / n1 - x2 / n2) / se;
  return { z, pValue: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

/**
 * Fisher's exact test on the 2×2 table [[x1, n1−x1], [x2, n2−x2]], two-sided the way R's fisher.test does it: the
 * sum of the probabilities of every table with the same margins that is no more likely than the one observed.
 */
export function fisherExactTest(x1: number, n1: number, x2: number, n2: number): { pValue: number } {
  const successes = x1 + x2;
  const total = n1 + n2;
  const lo = Math.max(0, successes - n2);
  const hi = Math.min(successes, n1);
  const logP = (k: number) => logChoose(n1, k) + logChoose(n2, successes - k) - logChoose(total, successes);
  const observed = logP(x1);
  let p = 0;
  for (let k = lo; k <= hi; k++) {
    const lp = logP(k);
    if (lp <= observed + 1e-7) p += Math.exp(lp);
  }
  return { pValue: Math.min(1, p) };
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials[i] = logFactorials[i - 1] + Math.log(i);
  return logFactorials[n];
}

/**
 * Sends needed per group for a two-sided two-proportion test to detect p1 vs p2 at `alpha` with `power` (Fleiss,
 * Levin & Paik, Statistical Methods for Rates and Proportions, 3rd ed., §4.2: eq. 4.14, and with `continuity`
 * the Casagrande–Pike–Smith correction, eq. 4.15, which their tables use). Rounded up.
 */
export function sampleSizePerGroup(p1: number, p2: number, alpha = 0.05, power = 0.8, continuity = true): number {
  const delta = Math.abs(p1 - p2);
  if (delta === 0) return Infinity;
  const zA = normalQuantile(1 - alpha / 2);
  const zB = normalQuantile(power);
  const mean = (p1 + p2) / 2;
  const n = (zA * Math.sqrt(2 * mean * (1 - mean)) + zB * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / delta ** 2;
  if (!continuity) return Math.ceil(n);
  return Math.ceil((n / 4) * (1 + Math.sqrt(1 + 4 / (n * delta))) ** 2);
}
