/**
 * The soak's arithmetic (bench/churn.mjs): which sampled bytes count as the content script's,
 * and the slope the verdict is given on.
 */
import { describe, expect, it } from 'vitest';
import { extensionBytes, leastSquares, type ProfileNode } from '../../../bench/churn.mjs';

const node = (url: string, selfSize: number, children: ProfileNode[] = []): ProfileNode => ({
  callFrame: { url },
  selfSize,
  children,
});

describe('extensionBytes', () => {
  it('counts what a frame of the extension has on its stack, native callees included', () => {
    const ext = 'chrome-extension://abcdef/overlay.js';
    const head = node('', 0, [
      node('http://console.localhost/floor.js', 1000, [node('', 50)]),
      // The overlay calls into the DOM (no URL) and into page code: both are its allocations.
      node(ext, 300, [node('', 200), node('http://console.localhost/floor.js', 7)]),
    ]);
    expect(extensionBytes({ head })).toEqual({ bytes: 507, total: 1557 });
  });
});

describe('leastSquares', () => {
  it('finds the line through exact points, with no error', () => {
    const fit = leastSquares([0, 1, 2, 3], [10, 12, 14, 16]);
    expect(fit.slope).toBeCloseTo(2);
    expect(fit.intercept).toBeCloseTo(10);
    expect(fit.se).toBeCloseTo(0);
  });

  it('gives a flat series no slope and a noisy one an error', () => {
    expect(leastSquares([0, 1, 2, 3, 4], [5, 5, 5, 5, 5]).slope).toBe(0);
    const noisy = leastSquares([0, 1, 2, 3, 4, 5], [100, 104, 98, 103, 99, 101]);
    expect(Math.abs(noisy.slope)).toBeLessThan(1);
    expect(noisy.se).toBeGreaterThan(0);
  });
});
