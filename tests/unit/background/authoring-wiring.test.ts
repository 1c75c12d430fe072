/**
 * The background's wiring of authoring: a publish registers the overlay for the aid's host
 * and reaches open pages; a preview ends with its tab.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { getDb } from '../../../src/background/db';
import { startBackground } from '../../../src/background/index';
import { OVERLAY_SCRIPT_ID } from '../../../src/background/registration';
import { forgetPolicy } from '../../../src/background/settings';
import { checklist } from './fixtures';

vi.mock('../../../src/background/bundled', () => ({ bundledPacks: () => [] }));

function stubScripting() {
  const scripting = {
    getRegisteredContentScripts: vi.fn(async () => []),
    registerContentScripts: vi.fn(async () => {}),
    updateContentScripts: vi.fn(async () => {}),
    unregisterContentScripts: vi.fn(async () => {}),
    executeScript: vi.fn(async () => []),
  };
  Object.assign(fakeBrowser.scripting, scripting);
  return scripting;
}

function eventually(check: () => Promise<void> | void) {
  return vi.waitFor(check, { timeout: 10_000, interval: 20 });
}

beforeEach(() => {
  forgetPolicy();
  vi.spyOn(console, 'info').mockImplementation(() => {});
});

afterEach(async () => {
  await getDb().delete();
});

async function ask(message: unknown) {
  const id = fakeBrowser.runtime.id;
  const [answer] = await fakeBrowser.runtime.onMessage.trigger(message, {
    id,
    url: `chrome-extension://${id}/options.html`,
  });
  return answer;
}

describe('authoring wiring', () => {
  it('a publish registers the overlay on the new host, injects it and refreshes open pages', async () => {
    const scripting = stubScripting();
    const tab = await fakeBrowser.tabs.create({ url: 'https://hr.localhost/people/1' });
    // The open page has no overlay yet: the status check fails, then it is injected.
    const sendMessage = vi
      .spyOn(fakeBrowser.tabs, 'sendMessage')
      .mockRejectedValue(new Error('no receiver'));
    startBackground();
    const aid = checklist('welcome', ['https://hr.localhost/people/*']);
    expect(await ask({ type: 'authoring.saveDraft', key: 'my-aids/welcome', aid })).toMatchObject({
      ok: true,
    });
    expect(await ask({ type: 'authoring.publish', key: 'my-aids/welcome' })).toEqual({
      ok: true,
      rev: 1,
      packVersion: '1.0.0',
    });
    await eventually(() =>
      expect(scripting.registerContentScripts).toHaveBeenCalledWith([
        expect.objectContaining({ id: OVERLAY_SCRIPT_ID, matches: ['*://hr.localhost/*'] }),
      ]),
    );
    expect(scripting.executeScript).toHaveBeenCalledWith({
      target: { tabId: tab.id, allFrames: true },
      files: ['overlay.js'],
    });
    expect(sendMessage).toHaveBeenCalledWith(tab.id, { type: 'overlay.refresh' }, { frameId: 0 });
  });

  it('closing a tab removes its preview', async () => {
    stubScripting();
    vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockResolvedValue({ ok: true });
    startBackground();
    const aid = checklist('welcome', ['https://hr.localhost/people/*']);
    expect(await ask({ type: 'authoring.preview', tabId: 12, aid })).toEqual({ ok: true });
    expect(await ask({ type: 'authoring.preview', tabId: 13, aid })).toEqual({ ok: true });
    await fakeBrowser.tabs.onRemoved.trigger(12, { windowId: 1, isWindowClosing: false });
    await eventually(async () =>
      expect(await getDb().previews.toCollection().primaryKeys()).toEqual([13]),
    );
  });
});
