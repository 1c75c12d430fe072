/**
 * A token bucket per device, in memory: each device may send `perMinute` requests a minute
 * on average, in bursts of up to `perMinute`. One hub process only; buckets start full
 * again when the hub restarts, which is harmless for a limit meant to stop a runaway client.
 */
export interface RateLimiter {
  /** 0 if the request may go ahead (and takes a token), else the seconds to wait. */
  take(key: string, nowMs: number): number;
}

export function tokenBuckets(perMinute: number): RateLimiter {
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, nowMs) {
      const bucket = buckets.get(key) ?? { tokens: perMinute, at: nowMs };
      bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, nowMs - bucket.at) * perMs);
      bucket.at = nowMs;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    },
  };
}

/**
 * Counts failures per key in a fixed window: after `max` failures within `windowMs` the key
 * is blocked until the window that began with its first failure is over. For sign-in, an
 * attempt is counted as a failure before it is checked and `forgive`n if it succeeds, so
 * many attempts at once cannot all slip in before the first is counted.
 */
export interface FailureLimiter {
  /** 0 if the key may try, else the seconds until it may. */
  blocked(key: string, nowMs: number): number;
  fail(key: string, nowMs: number): void;
  /** Takes back one failure (an attempt counted beforehand that succeeded). */
  forgive(key: string): void;
  clear(key: string): void;
}

/** Above this many keys, ended windows are dropped so the map cannot grow without bound. */
const PRUNE_ABOVE = 10_000;

export function failureWindows(max: number, windowMs: number): FailureLimiter {
  const windows = new Map<string, { count: number; since: number }>();
  const live = (key: string, nowMs: number) => {
    const w = windows.get(key);
    if (w && nowMs - w.since >= windowMs) {
      windows.delete(key);
      return undefined;
    }
    return w;
  };
  return {
    blocked(key, nowMs) {
      const w = live(key, nowMs);
      if (!w || w.count < max) return 0;
      return Math.max(1, Math.ceil((w.since + windowMs - nowMs) / 1000));
    },
    fail(key, nowMs) {
      const w = live(key, nowMs);
      if (w) w.count++;
      else {
        if (windows.size >= PRUNE_ABOVE) {
          for (const k of [...windows.keys()]) live(k, nowMs);
        }
        windows.set(key, { count: 1, since: nowMs });
      }
    },
    forgive(key) {
      const w = windows.get(key);
      if (w && --w.count <= 0) windows.delete(key);
    },
    clear(key) {
      windows.delete(key);
    },
  };
}
