// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { overlayContext } from '../../../src/overlay/context';

describe('overlayContext', () => {
  it('stops an older copy of the overlay when a newer one starts in the same document', () => {
    const older = overlayContext();
    expect(older.signal.aborted).toBe(false);
    const newer = overlayContext();
    expect(older.signal.aborted).toBe(true);
    expect(newer.signal.aborted).toBe(false);
    const newest = overlayContext();
    expect(newer.signal.aborted).toBe(true);
    expect(newest.signal.aborted).toBe(false);
  });
});
