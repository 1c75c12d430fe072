/**
 * The statistics of the version comparison (./versions.ts), pure and without dependencies:
 * Wilson's score interval for a proportion, Newcombe's interval for the difference of two
 * independent proportions built from it, and the verdict read from that interval.
 *
 * - Wilson (1927), as in Newcombe, "Two-sided confidence intervals for the single
 *   proportion: comparison of seven methods", Statistics in Medicine 17 (1998), method 3
 *   (without continuity correction). Unlike the textbook p ± z·√(p(1−p)/n) it stays inside
 *   [0, 1] and is not zero-width at 0/n or n/n, which small samples of runs often are.
 * - Newcombe, "Interval estimation for the difference between independent proportions:
 *   comparison of eleven methods", Statistics in Medicine 17 (1998), method 10 (the hybrid
 *   score interval): each proportion's distance to its own Wilson bound, squared and added.
 */

/** The standard normal quantile for a two-sided 95% interval: Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

/** An estimate with its interval, all in the same unit (a share 0–1, or a difference). */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/**
 * Wilson's score interval for `successes` out of `trials`; null when there are no trials
 * (no share to estimate). Throws on counts that are not whole, negative or inconsistent.
 */
export function wilson(successes: number, trials: number, z = Z95): Interval | null {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0) {
    throw new RangeError(`wilson: counts must be whole and not negative (${successes}/${trials})`);
  }
  if (successes > trials) {
    throw new RangeError(`wilson: more successes than trials (${successes}/${trials})`);
  }
  if (trials === 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half =
    (z / denominator) * Math.sqrt(Math.max(0, (p * (1 - p)) / trials + z2 / (4 * trials * trials)));
  // At 0/n and n/n one bound is exactly 0 or 1; rounding must not push it past.
  return {
    estimate: p,
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
  };
}

/**
 * Newcombe's hybrid score interval for p1 − p2 (x1/n1 − x2/n2, two independent samples);
 * null when either sample has no trials.
 */
export function newcombe(x1: number, n1: number, x2: number, n2: number, z = Z95): Interval | null {
  const a = wilson(x1, n1, z);
  const b = wilson(x2, n2, z);
  if (!a || !b) return null;
  const d = a.estimate - b.estimate;
  return {
    estimate: d,
    low: Math.max(-1, d - Math.hypot(a.estimate - a.low, b.high - b.estimate)),
    high: Math.min(1, d + Math.hypot(a.high - a.estimate, b.estimate - b.low)),
  };
}

/** What a change means to an author. */
export type Verdict = 'better' | 'worse' | 'no clear change';

/**
 * The verdict on a difference (new − old) whose interval is `change`: when the interval
 * excludes 0 the change is real at the 95% level, and `higherIsBetter` says which way is
 * good; when it includes 0 (either bound exactly 0 included), "no clear change".
 */
export function verdict(change: Interval, higherIsBetter: boolean): Verdict {
  if (change.low > 0) return higherIsBetter ? 'better' : 'worse';
  if (change.high < 0) return higherIsBetter ? 'worse' : 'better';
  return 'no clear change';
}
