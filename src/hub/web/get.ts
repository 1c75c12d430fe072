/**
 * How the hub's pages read its API. Every page component takes a `get` and nothing else that
 * talks to the hub, so tests render pages with a fake and the shell (./App.tsx) gives them
 * the real one (same-origin fetch with the session cookie).
 *
 * `path` is the API path with its query string (e.g. `/api/insights/summary?team=Sales`). The
 * promise holds the parsed JSON of a 2xx answer; otherwise it fails with an Error whose
 * message is the hub's `error` sentence.
 */
export type HubGet = <T>(path: string) => Promise<T>;

/** A refusal from the hub: its `error` sentence and the HTTP status. */
export class HubRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The hub's `error` sentence from a refused answer, or a sentence about the status. */
async function reasonOf(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === 'string' && body.error) return body.error;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return `the hub answered ${res.status} ${res.statusText}`.trim();
}

/**
 * One request to the hub's API, same-origin with the session cookie. Unsafe methods carry
 * the session's CSRF token. Resolves to the parsed JSON of a 2xx answer; otherwise rejects
 * with a HubRequestError.
 */
export async function hubRequest<T>(
  path: string,
  init: { method?: string; body?: unknown; csrf?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.csrf) headers['x-csrf-token'] = init.csrf;
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new HubRequestError('the hub cannot be reached', 0);
  }
  if (!res.ok) throw new HubRequestError(await reasonOf(res), res.status);
  return (await res.json()) as T;
}

/**
 * The pages' real `get`: hubRequest for GETs. A 401 (the session ended or was never there)
 * calls `signedOut`, which sends the person back to the sign-in form.
 */
export function fetchGet(signedOut: () => void): HubGet {
  return async <T>(path: string) => {
    try {
      return await hubRequest<T>(path);
    } catch (e) {
      if (e instanceof HubRequestError && e.status === 401) signedOut();
      throw e;
    }
  };
}
