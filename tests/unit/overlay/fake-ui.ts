/** A Ui that draws nothing, for tests of page sessions: each method is a spy. */
import { vi } from 'vitest';
import type { Ui } from '../../../src/overlay/ui';

export const fakeUi = (): Ui => ({
  render: vi.fn(),
  avoid: vi.fn(),
  notice: vi.fn(),
  arrange: vi.fn(),
  host: () => null,
  clear: vi.fn(),
  focused: () => false,
  prefer: vi.fn(),
});
