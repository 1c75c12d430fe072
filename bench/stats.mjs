/**
 * Small statistics for the benchmark: quantiles with linear interpolation, and a summary of a
 * list of samples that the report and the JSON output share.
 */

/** The q-quantile (0..1) of `values`, interpolating between neighbours. NaN when empty. */
export function quantile(values, q) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!xs.length) return Number.NaN;
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);

/** n, min, p25, median, p75, p90, p95, max and mean of the finite samples. */
export function summarize(values) {
  const xs = values.filter((v) => Number.isFinite(v));
  return {
    n: xs.length,
    min: xs.length ? Math.min(...xs) : Number.NaN,
    p25: quantile(xs, 0.25),
    median: quantile(xs, 0.5),
    p75: quantile(xs, 0.75),
    p90: quantile(xs, 0.9),
    p95: quantile(xs, 0.95),
    max: xs.length ? Math.max(...xs) : Number.NaN,
    mean: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN,
  };
}

/**
 * Median of all pairwise differences a[i] - b[j] (Hodges–Lehmann shift estimate) and the
 * spread of those differences (p25–p75): what "with minus without" is, and how sure.
 */
export function shift(a, b) {
  const diffs = [];
  for (const x of a)
    for (const y of b) if (Number.isFinite(x) && Number.isFinite(y)) diffs.push(x - y);
  return { median: quantile(diffs, 0.5), p25: quantile(diffs, 0.25), p75: quantile(diffs, 0.75) };
}

/** Formats milliseconds with a precision that suits the magnitude. */
export function ms(v) {
  if (!Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return `${v.toFixed(digits)} ms`;
}

export function kib(bytes) {
  return Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KiB` : 'n/a';
}

export const sleep = (delay) => new Promise((r) => setTimeout(r, delay));
