import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { askBackground, askOverlay, parseOverlayRequest } from '../../../src/protocol/client';

describe('askBackground', () => {
  it('resolves to the answer, and throws the error of a refused request', async () => {
    fakeBrowser.runtime.onMessage.addListener((message: unknown) =>
      (message as { type: string }).type === 'site.status'
        ? { paused: true }
        : { error: 'refused' },
    );
    expect(await askBackground({ type: 'site.status', host: 'crm.test' })).toEqual({
      paused: true,
    });
    await expect(askBackground({ type: 'progress.reset', aidKey: 'a/b' })).rejects.toThrow(
      'progress.reset: refused',
    );
  });
});

describe('askOverlay', () => {
  it('asks the top frame of the tab and throws when nobody answers', async () => {
    const send = vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockResolvedValueOnce({ aids: [] });
    expect(await askOverlay(4, { type: 'overlay.status' })).toEqual({ aids: [] });
    expect(send).toHaveBeenCalledWith(4, { type: 'overlay.status' }, { frameId: 0 });
    send.mockResolvedValueOnce(undefined);
    await expect(askOverlay(4, { type: 'overlay.status' })).rejects.toThrow(
      'overlay.status: no answer',
    );
  });
});

describe('parseOverlayRequest', () => {
  it('accepts only the overlay requests, without extra fields', () => {
    expect(parseOverlayRequest({ type: 'overlay.status' })).toEqual({ type: 'overlay.status' });
    expect(parseOverlayRequest({ type: 'overlay.refresh' })).toEqual({ type: 'overlay.refresh' });
    expect(parseOverlayRequest({ type: 'overlay.status', extra: 1 })).toBeNull();
    expect(parseOverlayRequest({ type: 'page.lookup', url: 'x' })).toBeNull();
    expect(parseOverlayRequest('overlay.status')).toBeNull();
    expect(parseOverlayRequest(null)).toBeNull();
  });
});
