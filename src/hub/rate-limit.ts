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
