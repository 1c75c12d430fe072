/** A session for one controller, for tests of aid kinds: nothing found, every call a spy. */
import { vi } from 'vitest';

export function fakeEnv(url: string, settled = true) {
  return {
    url,
    signal: new AbortController().signal,
    settled,
    reloaded: false,
    resolve: () => ({ element: null, foundBy: null, failed: [], ambiguous: false }),
    reportTarget: vi.fn(),
    record: vi.fn(),
    announce: vi.fn(),
    render: vi.fn(),
    resetProgress: vi.fn(),
    leaveRun: vi.fn(),
    host: () => null,
  };
}
