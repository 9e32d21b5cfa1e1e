/**
 * The A/B statistics against published values. Sources:
 *  - Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of seven methods",
 *    Statistics in Medicine 17:857–872, Table II, method 3 (Wilson score): 81/263 → 0.2553–0.3662,
 *    15/148 → 0.0624–0.1605, 0/20 → 0–0.1611, 1/29 → 0.0061–0.1718.
 *  - Agresti A, An Introduction to Categorical Data Analysis (Physicians' Health Study): myocardial infarction in
 *    189 of 11034 on placebo vs 104 of 11037 on aspirin, Pearson X² = 25.01 on 1 df (the pooled z-test's z²).
 *  - Wikipedia, "Fisher's exact test" (example): [[1, 11], [9, 3]] → two-sided p ≈ 0.002759; Fisher's lady tasting
 *    tea, [[3, 1], [1, 3]] → two-sided p = 34/70 ≈ 0.4857.
 *  - Fleiss, Levin & Paik, Statistical Methods for Rates and Proportions (3rd ed.), Table A.4: p1 = 0.05, p2 = 0.10,
 *    two-sided alpha 0.05, power 0.80 → 474 per group (continuity-corrected); eq. 4.14 without the correction → 435.
 *  - Standard normal quantiles z(0.975) = 1.959964, z(0.80) = 0.841621.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalCdf, normalQuantile, wilsonInterval, twoProportionZTest, fisherExactTest, sampleSizePerGroup } from '../lib/metrics/abStats';

const near = (actual: number, expected: number, places: number, label = '') =>
  assert.ok(Math.abs(actual - expected) < 0.5 * 10 ** -places, `${label} ${actual} is not ${expected} to ${places} places`);

test('the normal quantile and CDF match the standard table', () => {
  near(normalQuantile(0.975), 1.959964, 6);
  near(normalQuantile(0.8), 0.841621, 6);
  near(normalQuantile(0.005), -2.575829, 6);
  near(normalCdf(1.96), 0.975002, 6);
  near(normalCdf(-1), 0.158655, 6);
});

test("the Wilson interval matches Newcombe's published examples to four decimals", () => {
  const cases: [number, number, number, number][] = [[81, 263, 0.2553, 0.3662], [15, 148, 0.0624, 0.1605], [0, 20, 0, 0.1611], [1, 29, 0.0061, 0.1718]];
  for (const [x, n, low, high] of cases) {
    const ci = wilsonInterval(x, n);
    near(ci.low, low, 4, `${x}/${n} low`);
    near(ci.high, high, 4, `${x}/${n} high`);
  }
});

test("the two-proportion z-test reproduces Agresti's aspirin example (X² = 25.01)", () => {
  const r = twoProportionZTest(189, 11034, 104, 11037);
  near(r.z * r.z, 25.01, 2);
  assert.ok(r.z > 0, 'placebo (group 1) has the higher rate');
  assert.ok(r.pValue < 1e-6 && r.pValue > 1e-7, `p = ${r.pValue}`);
});

test("Fisher's exact test reproduces the Wikipedia example and the lady tasting tea", () => {
  near(fisherExactTest(1, 12, 9, 12).pValue, 0.002759, 6);
  near(fisherExactTest(3, 4, 1, 4).pValue, 34 / 70, 9);
  assert.equal(fisherExactTest(5, 10, 5, 10).pValue, 1);
});

test('the sample size per group matches Fleiss, Levin & Paik with and without continuity correction', () => {
  assert.equal(sampleSizePerGroup(0.05, 0.1), 474);
  assert.equal(sampleSizePerGroup(0.05, 0.1, 0.05, 0.8, false), 435);
  assert.equal(sampleSizePerGroup(0.1, 0.1), Infinity);
});
