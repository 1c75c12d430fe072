/**
 * The version comparison's statistics against the published worked examples: Newcombe,
 * Statistics in Medicine 17 (1998), "Two-sided confidence intervals for the single
 * proportion" (Table I, Wilson score method) and "Interval estimation for the difference
 * between independent proportions" (Table II, method 10), both to the 4 decimals printed.
 */
import { describe, expect, it } from 'vitest';
import { type Interval, newcombe, verdict, wilson } from '../../../src/hub/stats';

const rounded = (i: Interval | null) =>
  i && [i.estimate, i.low, i.high].map((x) => Number(x.toFixed(4)));

describe('wilson', () => {
  it.each([
    [81, 263, [0.308, 0.2553, 0.3662]],
    [15, 148, [0.1014, 0.0624, 0.1605]],
    [0, 20, [0, 0, 0.1611]],
    [1, 29, [0.0345, 0.0061, 0.1718]],
    [29, 29, [1, 0.883, 1]],
  ])('%i/%i gives the published interval', (x, n, expected) => {
    expect(rounded(wilson(x, n))).toEqual(expected);
  });

  it('keeps 0/n and n/n exactly at their bound', () => {
    expect(wilson(0, 3)?.low).toBe(0);
    expect(wilson(3, 3)?.high).toBe(1);
  });

  it('has no interval without trials, and refuses impossible counts', () => {
    expect(wilson(0, 0)).toBeNull();
    expect(() => wilson(3, 2)).toThrow('more successes than trials (3/2)');
    expect(() => wilson(-1, 2)).toThrow(RangeError);
    expect(() => wilson(1.5, 2)).toThrow(RangeError);
  });
});

describe('newcombe', () => {
  it.each([
    [56, 70, 48, 80, [0.2, 0.0524, 0.3339]],
    [9, 10, 3, 10, [0.6, 0.1705, 0.809]],
    [6, 7, 2, 7, [0.5714, 0.0582, 0.8062]],
    [5, 56, 0, 29, [0.0893, -0.0381, 0.1926]],
    [0, 10, 0, 20, [0, -0.1611, 0.2775]],
    [0, 10, 0, 10, [0, -0.2775, 0.2775]],
    [10, 10, 0, 20, [1, 0.6791, 1]],
    [10, 10, 0, 10, [1, 0.6075, 1]],
  ])('%i/%i − %i/%i gives the published interval', (x1, n1, x2, n2, expected) => {
    expect(rounded(newcombe(x1, n1, x2, n2))).toEqual(expected);
  });

  it('is the mirror image when the samples swap', () => {
    const ab = newcombe(56, 70, 48, 80)!;
    const ba = newcombe(48, 80, 56, 70)!;
    expect(ba.estimate).toBeCloseTo(-ab.estimate, 12);
    expect(ba.low).toBeCloseTo(-ab.high, 12);
    expect(ba.high).toBeCloseTo(-ab.low, 12);
  });

  it('has no interval when a sample is empty', () => {
    expect(newcombe(1, 2, 0, 0)).toBeNull();
    expect(newcombe(0, 0, 1, 2)).toBeNull();
  });
});

describe('verdict', () => {
  const change = (low: number, high: number) => ({ estimate: (low + high) / 2, low, high });
  it('says better or worse only when the interval excludes 0', () => {
    expect(verdict(change(0.05, 0.33), true)).toBe('better');
    expect(verdict(change(0.05, 0.33), false)).toBe('worse');
    expect(verdict(change(-0.3, -0.01), true)).toBe('worse');
    expect(verdict(change(-0.3, -0.01), false)).toBe('better');
    expect(verdict(change(-0.04, 0.19), true)).toBe('no clear change');
    expect(verdict(change(0, 0.2), true)).toBe('no clear change');
  });
});
