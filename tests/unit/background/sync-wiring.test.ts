/**
 * The background's wiring of sync: when it runs (start-up, alarm, policy change, settings
 * changed in the options page) and what follows (alarm schedule, registration, open tabs).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { generateKeyPair, signPack } from '../../../src/aids/signature';
import { getDb } from '../../../src/background/db';
import { startBackground } from '../../../src/background/index';
import { forgetPolicy } from '../../../src/background/settings';
import { PENDING_KEY, SYNC_ALARM } from '../../../src/background/sync-runner';
import { SYNC_DONE_KEY } from '../../../src/protocol/signals';
import { checklist, pack } from './fixtures';

vi.mock('../../../src/background/bundled', () => ({ bundledPacks: () => [] }));

const SOURCE = 'https://packs.example.com/portal.json';

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

async function settle(rounds = 30) {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 5));
}

/** Waits until the assertions hold: background work is asynchronous and slower under load. */
function eventually(check: () => Promise<void> | void) {
  return vi.waitFor(check, { timeout: 10_000, interval: 20 });
}

async function signedPortal(version: string) {
  const keys = await generateKeyPair();
  const json = await signPack(
    pack('portal', version, [checklist('support', ['https://portal.localhost/*'])]),
    keys.privateKey,
    keys.publicKey,
  );
  return { keys, json };
}

let fetch: ReturnType<typeof vi.fn>;

beforeEach(() => {
  forgetPolicy();
  fetch = vi.fn();
  vi.stubGlobal('fetch', fetch);
  vi.spyOn(console, 'info').mockImplementation(() => {});
});

afterEach(async () => {
  vi.unstubAllGlobals();
  await settle(5);
  await getDb().delete();
});

// The assertions wait up to 10 s for the background's asynchronous work (vi.waitFor): the
// tests get 20 s so that a loaded machine fails on a real wait, not on the test's clock.
describe('background sync wiring', { timeout: 20_000 }, () => {
  it('registers its alarm and storage listeners synchronously', () => {
    stubScripting();
    const spies = [fakeBrowser.alarms.onAlarm, fakeBrowser.storage.onChanged].map((event) =>
      vi.spyOn(event, 'addListener'),
    );
    startBackground();
    for (const spy of spies) expect(spy).toHaveBeenCalledTimes(1);
  });

  it('on start-up: schedules the alarm from the settings and syncs', async () => {
    stubScripting();
    const { keys, json } = await signedPortal('1.0.0');
    await fakeBrowser.storage.managed.set({
      packSources: [{ url: SOURCE, publicKey: keys.publicKey }],
      syncIntervalMinutes: 15,
    });
    // Start-up work of an earlier test may have read (and cached) the policy before it was set.
    forgetPolicy();
    fetch.mockImplementation(async () => new Response(JSON.stringify(json)));
    startBackground();
    await fakeBrowser.runtime.onStartup.trigger();
    await eventually(async () => {
      expect(await fakeBrowser.alarms.get(SYNC_ALARM)).toMatchObject({ periodInMinutes: 15 });
      expect(fetch).toHaveBeenCalledTimes(1);
      expect((await getDb().packs.get('portal'))?.version).toBe('1.0.0');
      expect((await fakeBrowser.storage.local.get(SYNC_DONE_KEY))[SYNC_DONE_KEY]).toEqual(
        expect.any(Number),
      );
      expect(await getDb().settings.get(PENDING_KEY)).toBeUndefined();
    });
  });

  it('a policy change applies without a restart: re-sync, new schedule, overlays refreshed', async () => {
    const scripting = stubScripting();
    const { keys, json } = await signedPortal('1.0.0');
    fetch.mockImplementation(async () => new Response(JSON.stringify(json)));
    const tab = await fakeBrowser.tabs.create({ url: 'https://portal.localhost/help' });
    const sendMessage = vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockResolvedValue({});
    startBackground();
    await settle();
    expect(fetch).not.toHaveBeenCalled();

    await fakeBrowser.storage.managed.set({
      packSources: [{ url: SOURCE, publicKey: keys.publicKey }],
      syncIntervalMinutes: 5,
      role: 'agent',
    });
    await eventually(async () => {
      expect(fetch).toHaveBeenCalledTimes(1);
      expect((await getDb().packs.get('portal'))?.version).toBe('1.0.0');
      expect(scripting.registerContentScripts).toHaveBeenCalledWith([
        expect.objectContaining({ matches: ['*://portal.localhost/*'] }),
      ]);
      expect(await fakeBrowser.alarms.get(SYNC_ALARM)).toMatchObject({ periodInMinutes: 5 });
      expect(sendMessage).toHaveBeenCalledWith(tab.id, { type: 'overlay.refresh' }, { frameId: 0 });
    });
  });

  it('the alarm syncs; a setting changed in the options page re-syncs', async () => {
    stubScripting();
    const { keys, json } = await signedPortal('1.0.0');
    fetch.mockImplementation(async () => new Response(JSON.stringify(json)));
    startBackground();
    await settle();
    const id = fakeBrowser.runtime.id;
    const options = { id, url: `chrome-extension://${id}/options.html` };
    // Through runtime.onMessage, as the options page sends it.
    const answer = await fakeBrowser.runtime.onMessage.trigger(
      {
        type: 'settings.set',
        key: 'packSources',
        value: [{ url: SOURCE, publicKey: keys.publicKey }],
      },
      options,
    );
    expect(answer[0]).toMatchObject({ values: { packSources: [{ url: SOURCE }] } });
    await eventually(() => expect(fetch).toHaveBeenCalledTimes(1));
    // An alarm during a sync joins it: let the first one finish (its status is written last).
    await eventually(async () =>
      expect((await getDb().syncStatus.get(SOURCE))?.lastSuccessAt).toBeGreaterThan(0),
    );
    await settle();

    await fakeBrowser.alarms.onAlarm.trigger({ name: SYNC_ALARM, scheduledTime: Date.now() });
    await eventually(() => expect(fetch).toHaveBeenCalledTimes(2));
  });
});
