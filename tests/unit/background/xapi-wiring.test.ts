/**
 * The background's wiring of the export to the LRS: whether export is on follows policy
 * without a restart, turning it off forgets the queue, and the export alarm uploads.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { getDb, getSetting } from '../../../src/background/db';
import { startBackground } from '../../../src/background/index';
import { EXPORT_ALARM } from '../../../src/background/outbox-upload';
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
});
