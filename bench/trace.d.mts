/** Types of bench/trace.mjs for the unit tests. */

export const BUCKET_NAMES: string[];

export interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  args?: Record<string, unknown>;
}

export interface MainThreadTime {
  /** Self time per bucket, ms. */
  all: Record<string, number>;
  /** The part of it under one of the extension's scripts. */
  extension: Record<string, number>;
  /** The extension's part by file (overlay.js, kind-tip.js…). */
  files: Record<string, number>;
}

export function mainThreadTime(events: TraceEvent[]): MainThreadTime;
export function traceSides(
  contexts: Record<string, unknown>,
  url: string,
  options: {
    n: number;
    warmup: number;
    settleMs?: number;
    windowMs: number;
    setup?: Record<string, (page: unknown) => Promise<void>>;
  },
): Promise<Record<string, MainThreadTime>>;
