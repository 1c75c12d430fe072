/**
 * Posting an alert to the admin's webhook: one JSON body `{"text": "..."}`, the shape Slack,
 * Mattermost and Teams workflows accept. Each attempt has a timeout; a network error, a
 * timeout, 408, 429 or a 5xx is tried again after a back-off that grows fourfold (2 s, 8 s,
 * 32 s by default); a redirect is never followed (the body could go somewhere the admin did
 * not choose) and, like any other 4xx, is not tried again.
 */

export interface DeliveryOptions {
  /** Per attempt (default 10 s). */
  timeoutMs: number;
  /** Attempts after the first (default 3). */
  retries: number;
  /** Wait before the first retry; each next one waits 4 times longer (default 2 s). */
  backoffMs: number;
  /** For tests; the global fetch by default. */
  fetch: typeof fetch;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  timeoutMs: 10_000,
  retries: 3,
  backoffMs: 2_000,
  fetch: (...args) => fetch(...args),
};

export type Delivery =
  | { ok: true; attempts: number }
  | { ok: false; attempts: number; reason: string };

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Whether an answer with this status may go better if tried again. */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

export async function postWebhook(
  url: string,
  body: { text: string },
  options: Partial<DeliveryOptions> = {},
): Promise<Delivery> {
  const o = { ...DEFAULT_DELIVERY, ...options };
  let reason = '';
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    if (attempt > 0) await sleep(o.backoffMs * 4 ** (attempt - 1));
    try {
      const res = await o.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(o.timeoutMs),
      });
      // The answer's body is not needed; reading it frees the connection.
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { ok: true, attempts: attempt + 1 };
      if (res.status >= 300 && res.status < 400) {
        return {
          ok: false,
          attempts: attempt + 1,
          reason: `answered ${res.status}, a redirect (not followed)`,
        };
      }
      reason = `answered ${res.status}`;
      if (!retryable(res.status)) return { ok: false, attempts: attempt + 1, reason };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      reason =
        err.name === 'TimeoutError'
          ? `no answer in ${o.timeoutMs} ms`
          : (err.cause?.code ?? err.cause?.message ?? err.message);
    }
  }
  return { ok: false, attempts: o.retries + 1, reason };
}
