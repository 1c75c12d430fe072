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
