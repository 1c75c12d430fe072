/**
 * Touchpoint coverage in the background: the router's checks (top frame, policy hosts, the
 * sender's own origin, folded templates only), the sums in the Dexie store (fake-indexeddb),
 * the registration of the overlay on the policy's hosts, and the upload to a real hub (the
 * hub's own server on a socket, PGlite in memory): exactly once, back-off, and nothing when
 * off.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSetting, type InflowDb } from '../../../src/background/db';
import { createUploader } from '../../../src/background/outbox-upload';
import { installPack } from '../../../src/background/packs';
import { installedHostKeys, matchPatternsOf } from '../../../src/background/registration';
import { handleMessage, type RouterDeps, type Sender } from '../../../src/background/router';
import { policyValues, resolveSettings } from '../../../src/background/settings';
import {
  addTouchpointTime,
  applyTouchpointSettings,
  sealTouchpoints,
  TOUCHPOINT_ROWS_LIMIT,
  touchpointDestination,
  touchpointsAllowed,
} from '../../../src/background/touchpoints';
import { createDevice } from '../../../src/hub/devices';
import { type Hub, startHub } from '../../../src/hub/server';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/protocol/settings';
import { checklist, freshDb, pack } from './fixtures';

const EXT_ID = 'inflow-test-id';
const PAGE = 'https://crm.localhost:3000/customers/4821?tab=notes';
const TEMPLATE = 'https://crm.localhost:3000/customers/:id';
const top: Sender = { id: EXT_ID, url: PAGE, tab: { id: 7, url: PAGE }, frameId: 0 };
const NOON = Date.UTC(2026, 2, 2, 12);

const policy = (values: Record<string, unknown>) => ({ get: async () => values });
const ON = {
  touchpointHosts: ['crm.localhost'],
  hubUrl: 'https://hub.example.com',
  hubToken: 'dev-0123456789abcdef',
};

async function setup(managed: Record<string, unknown> = ON) {
  const db = freshDb();
  await installPack(
    db,
    pack('crm', '1.0.0', [checklist('new-contact', ['https://crm.localhost:3000/contacts/*'])]),
  );
  const deps: RouterDeps = {
    db,
    runtime: { id: EXT_ID, getURL: (path) => `chrome-extension://${EXT_ID}${path}` },
    tabs: { query: async () => [], sendMessage: async () => ({ ok: true }) },
    now: () => NOON,
    managed: policy(managed),
  };
  return { db, deps };
}

const time = (over: Record<string, unknown> = {}) => ({
  type: 'touchpoint.time',
  template: TEMPLATE,
  aided: false,
  ms: 4_000,
  view: true,
  ...over,
});

describe('touchpoint messages', () => {
  it('tells the top frame to measure on the policy hosts only', async () => {
    const { deps } = await setup();
    expect(await handleMessage({ type: 'page.lookup', url: PAGE }, top, deps)).toMatchObject({
      touchpoints: true,
    });
    const other = 'https://portal.localhost:3000/billing/';
    const elsewhere = await handleMessage(
      { type: 'page.lookup', url: other },
      { ...top, url: other, tab: { id: 7, url: other } },
      deps,
    );
    expect(elsewhere).not.toHaveProperty('touchpoints');
    const frame = await handleMessage(
      { type: 'page.lookup', url: PAGE },
      { ...top, frameId: 3 },
      deps,
    );
    expect(frame).not.toHaveProperty('touchpoints');
    // Off without a hub, whatever the hosts.
    const noHub = await setup({ touchpointHosts: ['crm.localhost'] });
    expect(
      await handleMessage({ type: 'page.lookup', url: PAGE }, top, noHub.deps),
    ).not.toHaveProperty('touchpoints');
  });

  it('sums time and views per day, template and aided', async () => {
    const { db, deps } = await setup();
    expect(await handleMessage(time(), top, deps)).toEqual({ ok: true, counted: true });
    expect(await handleMessage(time({ ms: 1_000, view: false }), top, deps)).toEqual({
      ok: true,
      counted: true,
    });
    expect(await handleMessage(time({ aided: true, ms: 500 }), top, deps)).toEqual({
      ok: true,
      counted: true,
    });
    expect(await db.touchpoints.toArray()).toEqual([
      { day: '2026-03-02', template: TEMPLATE, aided: 0, ms: 5_000, views: 1 },
      { day: '2026-03-02', template: TEMPLATE, aided: 1, ms: 500, views: 1 },
    ]);
  });

  it('refuses what is not a folded template, or not from a content script of this extension', async () => {
    const { db, deps } = await setup();
    const cases: [unknown, Sender, RegExp][] = [
      [
        time({ template: 'https://crm.localhost:3000/customers/4821' }),
        top,
        /template: not a route template/,
      ],
      [time({ template: `${TEMPLATE}?tab=notes` }), top, /template: not a route template/],
      [time({ url: PAGE }), top, /url: unknown field/],
      [time({ ms: -5 }), top, /ms:/],
      [time(), { ...top, id: 'another-extension' }, /refused/],
      [time(), { id: EXT_ID, url: `chrome-extension://${EXT_ID}/options.html` }, /refused/],
    ];
    for (const [message, sender, error] of cases) {
      expect(await handleMessage(message, sender, deps)).toEqual({
        error: expect.stringMatching(error),
      });
    }
    expect(await db.touchpoints.count()).toBe(0);
  });

  it('counts the last time of a page told on pagehide, from a document being replaced', async () => {
    const { db, deps } = await setup();
    // As Chromium reports it: the old document under another frame id, the tab already on
    // the next page.
    const next = 'https://portal.localhost:3000/billing/';
    const leaving: Sender = { ...top, frameId: 5, tab: { id: 7, url: next } };
    expect(await handleMessage(time(), leaving, deps)).toEqual({ ok: true, counted: true });
    expect(await db.touchpoints.count()).toBe(1);
  });

  it('counts nothing on a host the policy does not name, whatever the sender', async () => {
    const { db, deps } = await setup();
    const elsewhere = time({ template: 'https://evil.localhost/customers/:id' });
    expect(await handleMessage(elsewhere, top, deps)).toEqual({ ok: true, counted: false });
    expect(await db.touchpoints.count()).toBe(0);
  });

  it('counts nothing when the policy names no hosts, or not this one', async () => {
    for (const managed of [
      {},
      { ...ON, touchpointHosts: [] },
      { ...ON, touchpointHosts: ['*.example.com'] },
    ]) {
      const { db, deps } = await setup(managed);
      expect(await handleMessage(time(), top, deps)).toEqual({ ok: true, counted: false });
      expect(await db.touchpoints.count()).toBe(0);
    }
  });

  it('is set by policy only', async () => {
    const { deps } = await setup({});
    const set = await handleMessage(
      { type: 'settings.set', key: 'touchpointHosts', value: ['crm.localhost'] },
      { id: EXT_ID, url: `chrome-extension://${EXT_ID}/options.html` },
      deps,
    );
    expect(set).toEqual({
      error: "settings.set: touchpointHosts can only be set by your organisation's policy",
    });
  });

  it('takes host names from policy, drops anything else, and ignores a value stored locally', async () => {
    const checked = policyValues({
      touchpointHosts: ['crm.example.com', 'https://crm.example.com/', '*.example.com', 'a b', '*'],
    });
    expect(checked.values).toEqual({ touchpointHosts: ['crm.example.com', '*.example.com'] });
    expect(checked.ignored.map((p) => p.reason)).toEqual([
      expect.stringMatching(/^touchpointHosts\[1\]: must be a host name/),
      expect.stringMatching(/^touchpointHosts\[3\]: must be a host name/),
      expect.stringMatching(/^touchpointHosts\[4\]: must be a host name/),
    ]);
    // Written past the options page (an older version, a script): never in force.
    const { db } = await setup({});
    await db.settings.put({ key: 'touchpointHosts', value: ['crm.localhost'] });
    expect((await resolveSettings({ db, managed: null })).values.touchpointHosts).toEqual([]);
  });

  it('bounds the store: a page past the limit is dropped and counted', async () => {
    const db = freshDb();
    await db.touchpoints.bulkPut(
      Array.from({ length: TOUCHPOINT_ROWS_LIMIT }, (_, i) => ({
        day: '2026-03-02',
        template: `https://crm.localhost/p${i}`,
        aided: 0 as const,
        ms: 1,
        views: 1,
      })),
    );
    expect(
      await addTouchpointTime(db, { template: TEMPLATE, aided: false, ms: 5, view: true }, NOON),
    ).toBe(false);
    expect(await getSetting(db, 'touchpointDropped', 0)).toBe(1);
    // A page already summed still adds up.
    expect(
      await addTouchpointTime(
        db,
        { template: 'https://crm.localhost/p1', aided: false, ms: 5, view: false },
        NOON,
      ),
    ).toBe(true);
  });
});

describe('touchpoint registration', () => {
  it('adds the policy hosts to where the overlay runs while measuring is on', async () => {
    const { db } = await setup();
    const settings = (over: Partial<Settings>) => ({ ...DEFAULT_SETTINGS, ...over }) as Settings;
    expect(await installedHostKeys(db)).toEqual(['crm.localhost']);
    await applyTouchpointSettings(
      db,
      settings({ ...ON, touchpointHosts: ['*.Example.com', 'desk.localhost'] }),
    );
    expect(matchPatternsOf(await installedHostKeys(db))).toEqual([
      '*://*.example.com/*',
      '*://crm.localhost/*',
      '*://desk.localhost/*',
    ]);
    // No hub: nothing to send them to, nothing registered for them.
    await db.touchpoints.put({ day: '2026-03-02', template: TEMPLATE, aided: 0, ms: 1, views: 1 });
    await applyTouchpointSettings(db, settings({ touchpointHosts: ['desk.localhost'] }));
    expect(await installedHostKeys(db)).toEqual(['crm.localhost']);
    expect(await db.touchpoints.count()).toBe(0);
  });

  it("says when the hosts change, and the upload's check never changes them", async () => {
    const { db } = await setup();
    const settings = (over: Partial<Settings>) => ({ ...DEFAULT_SETTINGS, ...over }) as Settings;
    const policy = settings({ ...ON, touchpointHosts: ['desk.localhost'] });
    // A policy that came late: the uploader may run on it before the registration does.
    expect(await touchpointsAllowed(db, policy)).toBe(true);
    expect(await installedHostKeys(db)).toEqual(['crm.localhost']);
    expect(await applyTouchpointSettings(db, policy)).toEqual({ on: true, changed: true });
    expect(await installedHostKeys(db)).toEqual(['crm.localhost', 'desk.localhost']);
    expect(await applyTouchpointSettings(db, policy)).toEqual({ on: true, changed: false });
    expect(await applyTouchpointSettings(db, settings({}))).toEqual({ on: false, changed: true });
  });
});

describe('touchpoint upload to a real hub', () => {
  let hub: Hub;
  let token: string;

  beforeAll(async () => {
    hub = await startHub({ pglite: new PGlite(), port: 0 });
    token = (await createDevice(hub.db, 'Front desk')).token;
  }, 30_000);
  afterAll(() => hub?.close());

  const hubRows = () =>
    hub.db
      .selectFrom('touchpoint_daily')
      .selectAll()
      .orderBy('template')
      .orderBy('aided')
      .execute();

  function uploader(db: InflowDb, over: Partial<Settings> = {}, now = () => Date.now()) {
    const values = {
      ...DEFAULT_SETTINGS,
      ...ON,
      hubUrl: hub.url(),
      hubToken: token,
      actorId: 'u-4821',
      team: 'care',
      role: 'agent',
      ...over,
    } as Settings;
    return createUploader({
      db,
      destination: touchpointDestination,
      fetch: (input, init) => globalThis.fetch(input, init),
      settings: async () => values,
      homePage: 'https://inflow.example.com',
      now,
      random: () => 0,
    });
  }

  it('seals the sums and sends them once, with actor, team and role; a resend counts nothing', async () => {
    await hub.db.deleteFrom('touchpoint_daily').execute();
    const db = freshDb();
    const today = Date.now();
    await addTouchpointTime(db, { template: TEMPLATE, aided: false, ms: 3_000, view: true }, today);
    await addTouchpointTime(
      db,
      { template: TEMPLATE, aided: false, ms: 2_000, view: false },
      today,
    );
    await addTouchpointTime(db, { template: TEMPLATE, aided: true, ms: 700, view: true }, today);
    const report = await uploader(db).run('test');
    expect(report).toMatchObject({ outcome: 'delivered', sent: 2 });
    expect(await db.touchpoints.count()).toBe(0);
    expect(await db.touchpointOutbox.count()).toBe(0);
    const day = new Date(today).toISOString().slice(0, 10);
    expect(await hubRows()).toEqual([
      {
        day,
        host: 'crm.localhost:3000',
        template: TEMPLATE,
        aided: false,
        team: 'care',
        role: 'agent',
        ms: 5_000,
        views: 1,
      },
      {
        day,
        host: 'crm.localhost:3000',
        template: TEMPLATE,
        aided: true,
        team: 'care',
        role: 'agent',
        ms: 700,
        views: 1,
      },
    ]);
    const actors = await hub.db
      .selectFrom('touchpoint_actors')
      .select('actor')
      .distinct()
      .execute();
    expect(actors).toEqual([{ actor: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

    // The worker stopped before it dropped the rows: the same sums go again, counted once.
    await addTouchpointTime(db, { template: TEMPLATE, aided: false, ms: 1_000, view: true }, today);
    await sealTouchpoints(db);
    const [row] = await db.touchpointOutbox.toArray();
    expect(await uploader(db).run('test')).toMatchObject({ outcome: 'delivered', sent: 1 });
    await db.touchpointOutbox.put(row!);
    expect(await uploader(db).run('again')).toMatchObject({ outcome: 'delivered', sent: 1 });
    expect((await hubRows())[0]).toMatchObject({ aided: false, ms: 6_000, views: 2 });
    expect(JSON.stringify(await hubRows())).not.toMatch(/4821|tab=|u-4821/);
  });

  it('backs off when the hub is unreachable and keeps the sums for later', async () => {
    const db = freshDb();
    let clock = NOON;
    await addTouchpointTime(
      db,
      { template: TEMPLATE, aided: false, ms: 3_000, view: true },
      Date.now(),
    );
    const down = uploader(db, { hubUrl: 'http://127.0.0.1:9' }, () => clock);
    const failed = await down.run('test');
    expect(failed).toMatchObject({ outcome: 'failed', sent: 0 });
    expect(failed.state).toMatchObject({ failures: 1, nextAttemptAt: NOON + 2_500, lastStatus: 0 });
    expect(await db.touchpointOutbox.count()).toBe(1);
    // Before the back-off ends, nothing is tried.
    expect(await down.run('soon')).toMatchObject({ outcome: 'waiting' });
    clock += 3_000;
    expect(await uploader(db, {}, () => clock).run('later')).toMatchObject({
      outcome: 'delivered',
      sent: 1,
    });
    expect(await db.touchpointOutbox.count()).toBe(0);
  });

  it('sends nothing and forgets the sums when the policy names no hosts', async () => {
    const db = freshDb();
    await addTouchpointTime(
      db,
      { template: TEMPLATE, aided: false, ms: 3_000, view: true },
      Date.now(),
    );
    const before = await hubRows();
    expect(await uploader(db, { touchpointHosts: [] }).run('test')).toMatchObject({
      outcome: 'off',
    });
    expect(await db.touchpoints.count()).toBe(0);
    expect(await db.touchpointOutbox.count()).toBe(0);
    expect(await hubRows()).toEqual(before);
  });
});
