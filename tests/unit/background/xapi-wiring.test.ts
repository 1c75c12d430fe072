/**
 * The background's wiring of the export to the LRS: whether export is on follows policy
 * without a restart, turning it off forgets the queue, and the export alarm uploads.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { getDb, getSetting } from '../../../src/background/db';
import { startBackground } from '../../../src/background/index';
import { EXPORT_ALARM, HUB_ALARM } from '../../../src/background/outbox-upload';
import { installPack } from '../../../src/background/packs';
import { recordEvent } from '../../../src/background/recorder';
import { forgetPolicy } from '../../../src/background/settings';
import { checklist, pack } from './fixtures';

vi.mock('../../../src/background/bundled', () => ({ bundledPacks: () => [] }));

const ENDPOINT = 'https://lrs.example/xapi';

function stubScripting() {
  Object.assign(fakeBrowser.scripting, {
    getRegisteredContentScripts: vi.fn(async () => []),
    registerContentScripts: vi.fn(async () => {}),
    updateContentScripts: vi.fn(async () => {}),
    unregisterContentScripts: vi.fn(async () => {}),
    executeScript: vi.fn(async () => []),
  });
}

async function settle(rounds = 30) {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 5));
}

async function recordOne() {
  const db = getDb();
  await installPack(db, pack('crm', '1.0.0', [checklist('new', ['https://crm.localhost/*'])]));
  return recordEvent(db, {
    type: 'step_done',
    aidKey: 'crm/new',
    stepId: 'name',
    url: 'https://crm.localhost/',
    at: 1,
  });
}

let fetch: ReturnType<typeof vi.fn>;

beforeEach(() => {
  forgetPolicy();
  fetch = vi.fn(async () => new Response(null, { status: 204 }));
  vi.stubGlobal('fetch', fetch);
  vi.spyOn(console, 'info').mockImplementation(() => {});
  stubScripting();
});

afterEach(async () => {
  vi.unstubAllGlobals();
  await settle(5);
  await getDb().delete();
});

describe('background export wiring', () => {
  it('export follows policy without a restart; turning it off forgets the queue', async () => {
    await fakeBrowser.storage.managed.set({ analyticsEndpoint: ENDPOINT });
    startBackground();
    await settle();
    expect(await getSetting(getDb(), 'exportOn', false)).toBe(true);

    fetch.mockImplementation(async () => new Response('down', { status: 503 }));
    await recordOne();
    expect(await getDb().outbox.count()).toBe(1);

    await fakeBrowser.storage.managed.set({ analyticsEndpoint: ENDPOINT, analyticsEnabled: false });
    await settle();
    expect(await getSetting(getDb(), 'exportOn', true)).toBe(false);
    expect(await getDb().outbox.count()).toBe(0);
  });

  it('the export alarm uploads what waits, ignoring the back-off', async () => {
    await fakeBrowser.storage.managed.set({
      analyticsEndpoint: ENDPOINT,
      analyticsAuth: 'Basic k',
    });
    startBackground();
    await settle();
    await getDb().settings.put({
      key: 'exportState',
      value: { nextAttemptAt: Date.now() + 3_600_000, failures: 5, lastError: 'x' },
    });
    const event = await recordOne();

    await fakeBrowser.alarms.onAlarm.trigger({ name: EXPORT_ALARM, scheduledTime: Date.now() });
    await settle();
    expect(fetch).toHaveBeenCalledWith(
      `${ENDPOINT}/statements`,
      expect.objectContaining({ method: 'POST' }),
    );
    const body = JSON.parse(fetch.mock.calls.at(-1)![1].body as string);
    expect(body.map((s: { id: string }) => s.id)).toEqual([event.id]);
    expect(await getDb().outbox.count()).toBe(0);
    expect(
      await getSetting(getDb(), 'exportState', { nextAttemptAt: 1, failures: 1, lastError: '' }),
    ).toMatchObject({ failures: 0, nextAttemptAt: 0, lastError: null });
  });

  it("the hub follows policy too, and its alarm sends its own queue, not the LRS's", async () => {
    const HUB = 'https://hub.example';
    await fakeBrowser.storage.managed.set({
      analyticsEndpoint: ENDPOINT,
      hubUrl: HUB,
      hubToken: 'tok',
    });
    startBackground();
    await settle();
    expect(await getSetting(getDb(), 'hubOn', false)).toBe(true);
    // The LRS is down and backing off; the hub is not held up by it.
    await getDb().settings.put({
      key: 'exportState',
      value: { nextAttemptAt: Date.now() + 3_600_000, failures: 5, lastError: 'x' },
    });
    fetch.mockImplementation(async (url: string) =>
      url.startsWith(HUB)
        ? new Response('{"accepted":1,"duplicates":0}', { status: 200 })
        : new Response('down', { status: 503 }),
    );
    const event = await recordOne();
    expect(await getDb().hubOutbox.count()).toBe(1);
    expect(await getDb().outbox.count()).toBe(1);

    await fakeBrowser.alarms.onAlarm.trigger({ name: HUB_ALARM, scheduledTime: Date.now() });
    await settle();
    const call = fetch.mock.calls.find(([url]) => url === `${HUB}/api/events`)!;
    expect(call[1]).toMatchObject({ method: 'POST' });
    expect(call[1].headers.Authorization).toBe('Bearer tok');
    expect(JSON.parse(call[1].body).events.map((e: { id: string }) => e.id)).toEqual([event.id]);
    expect(await getDb().hubOutbox.count()).toBe(0);
    expect(await getDb().outbox.count()).toBe(1);

    // Clearing the token by policy turns the hub off and forgets what waited for it.
    await recordOne();
    await fakeBrowser.storage.managed.remove('hubToken');
    await settle();
    expect(await getSetting(getDb(), 'hubOn', true)).toBe(false);
    expect(await getDb().hubOutbox.count()).toBe(0);
  });
});
