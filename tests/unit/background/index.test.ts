import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { getDb } from '../../../src/background/db';
import { startBackground } from '../../../src/background/index';
import { OVERLAY_SCRIPT_ID } from '../../../src/background/registration';
import { checklist, pack } from './fixtures';

const bundled = vi.hoisted(() => ({ packs: [] as { file: string; json: unknown }[] }));
vi.mock('../../../src/background/bundled', () => ({ bundledPacks: () => bundled.packs }));

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

/** Lets the background's queued jobs run. */
async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
}

afterEach(async () => {
  await getDb().delete();
});

describe('startBackground', () => {
  it('registers its listeners synchronously', () => {
    stubScripting();
    const events = [
      fakeBrowser.runtime.onInstalled,
      fakeBrowser.runtime.onStartup,
      fakeBrowser.runtime.onMessage,
    ] as const;
    const spies = events.map((event) => vi.spyOn(event, 'addListener'));
    startBackground();
    for (const spy of spies) expect(spy).toHaveBeenCalledTimes(1);
  });

  it('on install: installs the bundled packs, registers the overlay, injects into open tabs', async () => {
    bundled.packs = [
      {
        file: '/aids/crm/pack.json',
        json: pack('crm', '1.0.0', [checklist('a', ['https://crm.localhost/*'])]),
      },
    ];
    const scripting = stubScripting();
    await fakeBrowser.tabs.create({ url: 'https://crm.localhost/contacts' });
    await fakeBrowser.tabs.create({ url: 'https://elsewhere.test/' });
    vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockRejectedValue(new Error('no receiver'));
    startBackground();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install', temporary: false });
    await settle();

    expect(await getDb().aids.toCollection().primaryKeys()).toEqual(['crm/a']);
    expect(scripting.registerContentScripts).toHaveBeenCalledWith([
      expect.objectContaining({ id: OVERLAY_SCRIPT_ID, matches: ['*://crm.localhost/*'] }),
    ]);
    // The checklist's chunk, in the top frames of its host only.
    expect(scripting.registerContentScripts).toHaveBeenCalledWith([
      expect.objectContaining({
        id: 'inflow-kind-checklist',
        matches: ['*://crm.localhost/*'],
        js: ['kind-checklist.js'],
        allFrames: false,
      }),
    ]);
    expect(scripting.executeScript).toHaveBeenCalledTimes(1);
    expect(scripting.executeScript.mock.calls[0]).toEqual([
      {
        target: { tabId: expect.any(Number), allFrames: true },
        files: ['overlay.js'],
      },
    ]);
  });

  it('on startup: installs bundled packs only into an empty store, and re-syncs', async () => {
    bundled.packs = [
      {
        file: '/aids/crm/pack.json',
        json: pack('crm', '1.0.0', [checklist('a', ['https://crm.localhost/*'])]),
      },
    ];
    const scripting = stubScripting();
    startBackground();
    await fakeBrowser.runtime.onStartup.trigger();
    await settle();
    expect(await getDb().packs.count()).toBe(1);
    // The overlay, and the chunk of the one kind installed.
    expect(scripting.registerContentScripts).toHaveBeenCalledTimes(2);

    bundled.packs = [
      {
        file: '/aids/crm/pack.json',
        json: pack('crm', '2.0.0', [checklist('b', ['https://crm.localhost/*'])]),
      },
    ];
    await fakeBrowser.runtime.onStartup.trigger();
    await settle();
    expect((await getDb().packs.get('crm'))?.version).toBe('1.0.0');
    // Both registrations were checked again.
    expect(scripting.getRegisteredContentScripts).toHaveBeenCalledTimes(4);
  });
});
