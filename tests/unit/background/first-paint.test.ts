/**
 * The first paint: what the background writes to local storage (first-paint.ts, into the
 * fake browser's storage.local) and what a top frame reads back from it for a URL
 * (src/overlay/first-paint.ts), end to end through the same storage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Viewer } from '../../../src/aids/audience';
import {
  createFirstPaintWriter,
  type LocalArea,
  MAX_AIDS_PER_HOST_KEY,
} from '../../../src/background/first-paint';
import { installPack, removePack } from '../../../src/background/packs';
import { handleMessage, type RouterDeps, type Sender } from '../../../src/background/router';
import { readFirstPaint } from '../../../src/overlay/first-paint';
import { FIRST_PAINT, firstPaintKey } from '../../../src/protocol/first-paint';
import { checklist, freshDb, pack, tip } from './fixtures';

const EXT_ID = 'inflow-test-id';
const area = fakeBrowser.storage.local as unknown as LocalArea;
const NEW_CONTACT = 'https://crm.localhost/contacts/new?ref=42';
const keysOf = (found: Awaited<ReturnType<typeof readFirstPaint>>) =>
  found?.aids.map((a) => a.key) ?? null;

async function setup(viewer: Viewer = {}) {
  const db = freshDb();
  await installPack(
    db,
    pack('crm', '1.0.0', [
      checklist('new-contact', ['https://crm.localhost/contacts/new']),
      tip('email', ['https://crm.localhost/contacts/*']),
      tip('sales-only', ['https://crm.localhost/contacts/*'], {
        audience: { teams: ['sales'] },
      }),
      tip('everywhere', ['https://*.localhost/*']),
      checklist('billing', ['https://billing.localhost/*']),
    ]),
  );
  const writer = createFirstPaintWriter(db, area, async () => viewer);
  return { db, writer };
}

afterEach(() => fakeBrowser.reset());

describe('first paint', () => {
  it("holds the person's aids that match the URL, in pack order, without progress", async () => {
    const { writer } = await setup();
    await writer.all();
    const found = await readFirstPaint(NEW_CONTACT);
    expect(keysOf(found)).toEqual(['crm/new-contact', 'crm/email', 'crm/everywhere']);
    expect(found).toMatchObject({ paused: false, compact: false });
    expect(found!.aids.every((a) => a.progress === null && a.packVersion === '1.0.0')).toBe(true);
    expect(found!.aids[0]!.aid).toMatchObject({ kind: 'checklist', id: 'new-contact' });
    // Another host of the same wildcard: only the aid written for every *.localhost host.
    expect(keysOf(await readFirstPaint('https://portal.localhost/'))).toEqual(['crm/everywhere']);
    // Nothing matches: nothing to show before the lookup.
    expect(await readFirstPaint('https://elsewhere.test/')).toBeNull();
  });

  it('follows who is looking: an aid for a team is there only for that team', async () => {
    const { writer } = await setup({ team: 'sales' });
    await writer.all();
    expect(keysOf(await readFirstPaint(NEW_CONTACT))).toEqual([
      'crm/new-contact',
      'crm/email',
      'crm/sales-only',
      'crm/everywhere',
    ]);
  });

  it('shows nothing on a paused site, and again once it is resumed; carries the compact choice', async () => {
    const { db, writer } = await setup();
    await writer.all();
    const deps: RouterDeps = {
      db,
      runtime: { id: EXT_ID, getURL: (path) => `chrome-extension://${EXT_ID}${path}` },
      tabs: { query: async () => [], sendMessage: async () => ({ ok: true }) },
      firstPaintSettings: () => writer.settings(),
    };
    const popup: Sender = { id: EXT_ID, url: `chrome-extension://${EXT_ID}/popup.html` };
    const pause = (paused: boolean) =>
      handleMessage({ type: 'site.setPaused', host: 'crm.localhost', paused }, popup, deps);
    expect(await pause(true)).toEqual({ ok: true });
    expect(await readFirstPaint(NEW_CONTACT)).toBeNull();
    // Another host of the same wildcard is not paused.
    expect(keysOf(await readFirstPaint('https://portal.localhost/'))).toEqual(['crm/everywhere']);
    expect(await pause(false)).toEqual({ ok: true });
    expect(keysOf(await readFirstPaint(NEW_CONTACT))).toHaveLength(3);

    const page: Sender = {
      id: EXT_ID,
      url: NEW_CONTACT,
      tab: { id: 7, url: NEW_CONTACT },
      frameId: 0,
    };
    expect(await handleMessage({ type: 'panel.setCompact', compact: true }, page, deps)).toEqual({
      ok: true,
    });
    expect(await readFirstPaint(NEW_CONTACT)).toMatchObject({ compact: true });
  });

  it('drops the entries of hosts whose aids are gone, and skips a host key with too many', async () => {
    const { db, writer } = await setup();
    const many = Array.from({ length: MAX_AIDS_PER_HOST_KEY + 1 }, (_, i) =>
      tip(`t${i}`, ['https://busy.localhost/*']),
    );
    await installPack(db, pack('busy', '1.0.0', many));
    await writer.all();
    const stored = await area.get(null as unknown as string);
    expect(Object.keys(stored).sort()).toEqual([
      FIRST_PAINT,
      firstPaintKey('*.localhost'),
      firstPaintKey('billing.localhost'),
      firstPaintKey('crm.localhost'),
    ]);
    // The busy host waits for its lookup, as before: no first paint of a part of its aids.
    expect(keysOf(await readFirstPaint('https://busy.localhost/x'))).toEqual(['crm/everywhere']);

    await removePack(db, 'crm');
    await writer.all();
    expect(Object.keys(await area.get(null as unknown as string))).toEqual([FIRST_PAINT]);
    expect(await readFirstPaint(NEW_CONTACT)).toBeNull();
  });

  it('is ignored when written in another format, and a settings write waits for a whole one', async () => {
    const { writer } = await setup();
    await writer.settings();
    expect(await area.get(FIRST_PAINT)).toEqual({});
    await writer.all();
    const settings = (await area.get(FIRST_PAINT))[FIRST_PAINT] as object;
    await area.set({ [FIRST_PAINT]: { ...settings, format: 99 } });
    expect(await readFirstPaint(NEW_CONTACT)).toBeNull();
  });
});
