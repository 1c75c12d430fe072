/** Types of the parts of bench/churn.mjs that the unit tests call. */

export interface ProfileNode {
  callFrame: { url: string; functionName?: string };
  selfSize: number;
  children?: ProfileNode[];
}

/** Live bytes allocated with a frame of the extension's scripts on the stack, and all. */
export function extensionBytes(profile: { head: ProfileNode }): { bytes: number; total: number };

/** Least-squares slope and intercept of y on x, with the slope's standard error. */
export function leastSquares(
  xs: number[],
  ys: number[],
): { slope: number; intercept: number; se: number; n: number };

export function measureChurn(...args: unknown[]): Promise<unknown>;
export function soak(...args: unknown[]): Promise<unknown>;
