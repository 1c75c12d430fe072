/** A Ui that draws nothing, for tests of page sessions: each method is a spy. */
import { vi } from 'vitest';
import { checklistKind } from '../../../src/overlay/kinds/checklist';
import type { Kinds } from '../../../src/overlay/kinds/index';
import { tipKind } from '../../../src/overlay/kinds/tip';
import type { AidKindModule } from '../../../src/overlay/kinds/types';
import type { Ui } from '../../../src/overlay/ui';

export const fakeUi = (): Ui => ({
  render: vi.fn(),
  avoid: vi.fn(),
  notice: vi.fn(),
  arrange: vi.fn(),
  host: () => null,
  addStyles: vi.fn(),
  help: vi.fn(),
  clear: vi.fn(),
  focused: () => false,
  prefer: vi.fn(),
});

/** Every kind, as if its chunk had run: for tests of sessions, not of loading. */
export const allKinds: Kinds = {
  module: (kind) =>
    (({ checklist: checklistKind, tip: tipKind }) as Record<string, AidKindModule>)[kind],
};
