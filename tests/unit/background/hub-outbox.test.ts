/**
 * Sending events to the organisation's hub, against a real HTTP server on this machine that
 * speaks the contract (src/protocol/hub.ts): it checks the bearer token and validates every
 * request with HubBatch, keeps each event id once like the real hub, and can be told to fail.
 * The database is fake-indexeddb; the uploader uses the real fetch.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getSetting, type InflowDb, openDb } from '../../../src/background/db';
import {
  applyExportSettings,
  applyHubSettings,
  createUploader,
  HUB_BATCH_SIZE,
  hubDestination,
  hubStatus,
} from '../../../src/background/outbox-upload';
import { installPack } from '../../../src/background/packs';
import { recordEvent } from '../../../src/background/recorder';
import { actorName } from '../../../src/background/xapi';
import { HUB_MAX_BODY_BYTES, HubBatch, type HubEvent } from '../../../src/protocol/hub';
import type { EventInput } from '../../../src/protocol/messages';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/protocol/settings';
import { checklist, freshDb, pack } from './fixtures';

const TOKEN = 'device-token-0123456789';

type Answer = { status: number; headers?: Record<string, string>; body?: string };

/** The hub as the contract describes it, with knobs to make it fail. */
class FakeHub {
  server: Server;
  /** Every event kept, once per id, in the order it arrived. */
  events: HubEvent[] = [];
  ids = new Set<string>();
  /** Every request: its status and the ids it carried (empty when refused unread). */
  requests: { status: number; ids: string[] }[] = [];
  /** Requests that broke the contract: must stay empty. */
  violations: string[] = [];
  token = TOKEN;
  /** Answers to give before behaving, one per request. */
  script: Answer[] = [];
  /** Store the batch, then answer 500 (the answer is lost on the way back). */
  loseAnswers = 0;
  /** More events than this in one request: 413. */
  maxEvents = Number.POSITIVE_INFINITY;
  maxBytes = HUB_MAX_BODY_BYTES;
  /** An event with this comment is invalid to this hub: 400. */
  poison = '';

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  url = '';

  async start(): Promise<string> {
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((ok) => this.server.close(ok));
  }

  private answer(res: ServerResponse, ids: string[], a: Answer) {
    this.requests.push({ status: a.status, ids });
    res.writeHead(a.status, { 'Content-Type': 'application/json', ...a.headers });
    res.end(a.body ?? '{}');
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    if (req.method !== 'POST' || req.url !== '/api/events') {
      this.violations.push(`${req.method} ${req.url}`);
      return this.answer(res, [], { status: 404 });
    }
    if (req.headers['content-type'] !== 'application/json') {
      this.violations.push(`content-type ${req.headers['content-type']}`);
      return this.answer(res, [], { status: 415 });
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return this.answer(res, [], { status: 401, body: '{"error":"bad token"}' });
    }
    if (raw.length > this.maxBytes) return this.answer(res, [], { status: 413 });
    const parsed = HubBatch.safeParse(JSON.parse(raw.toString('utf8')));
    if (!parsed.success) {
      this.violations.push(JSON.stringify(parsed.error.issues.slice(0, 3)));
      return this.answer(res, [], { status: 400, body: '{"problems":["invalid batch"]}' });
    }
    const batch = parsed.data.events;
    const ids = batch.map((e) => e.id);
    const scripted = this.script.shift();
    if (scripted) return this.answer(res, ids, scripted);
    if (batch.length > this.maxEvents) return this.answer(res, ids, { status: 413 });
    if (this.poison && batch.some((e) => e.comment === this.poison)) {
      return this.answer(res, ids, { status: 400, body: '{"problems":["events.0: poison"]}' });
    }
    let accepted = 0;
    for (const event of batch) {
      if (this.ids.has(event.id)) continue;
      this.ids.add(event.id);
      this.events.push(event);
      accepted++;
    }
    if (this.loseAnswers > 0) {
      this.loseAnswers--;
      return this.answer(res, ids, { status: 500 });
    }
    this.answer(res, ids, {
      status: 200,
      body: JSON.stringify({ accepted, duplicates: batch.length - accepted }),
    });
  }
}

/** An LRS (xAPI) that keeps statement ids; it can be told to be down. */
class FakeLrs {
  down = false;
  ids: string[] = [];
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.down) {
      res.writeHead(503).end();
      return;
    }
    const statements = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }[];
    for (const s of statements) if (!this.ids.includes(s.id)) this.ids.push(s.id);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(statements.map((s) => s.id)));
  });
  url = '';
  async start() {
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/xapi`;
  }
  async stop() {
    this.server.closeAllConnections();
    await new Promise((ok) => this.server.close(ok));
  }
}

let hub: FakeHub;
let settings: Settings;

beforeEach(async () => {
  hub = new FakeHub();
  await hub.start();
  settings = {
    ...DEFAULT_SETTINGS,
    hubUrl: `${hub.url}/`,
    hubToken: TOKEN,
    actorId: 'jane.doe@example.com',
    team: 'care',
    role: 'agent',
  };
  vi.spyOn(console, 'info').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterEach(async () => {
  await hub.stop();
  expect(hub.violations).toEqual([]);
});

async function setup(db: InflowDb = freshDb()) {
  await installPack(db, pack('crm', '1.4.0', [checklist('new', ['https://crm.localhost/*'])]));
  await applyExportSettings(db, settings);
  await applyHubSettings(db, settings);
  return db;
}

const input = (extra: Partial<EventInput> = {}): EventInput => ({
  type: 'step_done',
  aidKey: 'crm/new',
  stepId: 'name',
  how: 'manual',
  url: 'https://crm.localhost/contacts/42?email=jane%40example.com#x',
  at: 1000,
  ...extra,
});

async function record(db: InflowDb, n: number, extra: Partial<EventInput> = {}) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await recordEvent(db, input({ at: i, ...extra }))).id);
  return ids;
}

function uploader(db: InflowDb, clock = { t: 1_000_000 }) {
  const up = createUploader({
    db,
    destination: hubDestination,
    fetch: (url, init) => globalThis.fetch(url, init),
    settings: async () => settings,
    homePage: 'urn:inflow',
    now: () => clock.t,
    random: () => 0.5,
  });
  return { up, clock };
}

const status = (db: InflowDb) => hubStatus(db, { values: settings, managed: [] });

describe('sending to the hub', () => {
  it('every event type reaches the hub once, in order, with actor, team and role', async () => {
    const db = await setup();
    const ids = [
      (await recordEvent(db, input({ type: 'aid_shown', stepId: undefined, how: undefined }))).id,
      (await recordEvent(db, input())).id,
      (
        await recordEvent(
          db,
          input({ type: 'target_missing', how: undefined, failedSignals: ['css', 'label'] }),
        )
      ).id,
      (
        await recordEvent(
          db,
          input({
            type: 'target_healed',
            how: undefined,
            failedSignals: ['css'],
            foundBy: 'label',
          }),
        )
      ).id,
      (
        await recordEvent(
          db,
          input({ type: 'rule_unworkable', how: undefined, problem: 'no_value' }),
        )
      ).id,
      (
        await recordEvent(
          db,
          input({ type: 'aid_feedback', stepId: undefined, how: undefined, comment: ' Wrong ' }),
        )
      ).id,
    ];
    // The LRS gets only its types; the hub gets them all.
    expect(await db.hubOutbox.count()).toBe(6);

    const { up } = uploader(db);
    expect(await up.run('test')).toMatchObject({ outcome: 'delivered', sent: 6 });
    expect(hub.events.map((e) => e.id)).toEqual(ids);
    expect(hub.requests).toHaveLength(1);
    expect(await db.hubOutbox.count()).toBe(0);

    const actor = await actorName('jane.doe@example.com', 'unused');
    for (const e of hub.events) {
      expect(e).toMatchObject({ actor, team: 'care', role: 'agent', packId: 'crm' });
      expect(e).not.toHaveProperty('seq');
      expect(e.url).toBe('https://crm.localhost/contacts/42');
    }
    expect(JSON.stringify(hub.events)).not.toMatch(/jane|email=|#x/);
    expect(hub.events[2]).toMatchObject({ failedSignals: ['css', 'label'] });
    expect(hub.events[3]).toMatchObject({ failedSignals: ['css'], foundBy: 'label' });
    expect(hub.events[4]).toMatchObject({ problem: 'no_value' });
    expect(hub.events[5]).toMatchObject({ comment: 'Wrong' });

    // Later events go next; nothing is sent twice.
    const more = await record(db, 3);
    expect(await up.run('test')).toMatchObject({ outcome: 'delivered', sent: 3 });
    expect(hub.events.map((e) => e.id)).toEqual([...ids, ...more]);
    expect(hub.requests.every((r) => r.status === 200)).toBe(true);
    expect(await status(db)).toMatchObject({ off: null, queued: 0, refused: 0, lastError: null });
  });

  it("a completed checklist reaches the hub with its run's duration, set by the background", async () => {
    const db = await setup();
    await recordEvent(db, input({ at: 5_000 }));
    const done = await recordEvent(
      db,
      input({ type: 'checklist_completed', stepId: undefined, how: undefined, at: 65_000 }),
    );
    expect(done.ms).toBe(60_000);
    await uploader(db).up.run('test');
    expect(hub.events.map((e) => [e.type, e.ms])).toEqual([
      ['step_done', undefined],
      ['checklist_completed', 60_000],
    ]);
    // The contract itself refuses a duration on any other event, or one past 30 days.
    const [step, completed] = hub.events;
    expect(HubBatch.safeParse({ events: [{ ...step, ms: 1 }] }).success).toBe(false);
    const tooLong = { ...completed, ms: 30 * 86_400_000 + 1 };
    expect(HubBatch.safeParse({ events: [tooLong] }).success).toBe(false);
    expect(HubBatch.safeParse({ events: [{ ...completed, ms: 1.5 }] }).success).toBe(false);
  });

  it('no team or role is sent when the settings have none', async () => {
    settings = { ...settings, team: '', role: '' };
    const db = await setup();
    await record(db, 1);
    await uploader(db).up.run('test');
    expect(hub.events[0]).not.toHaveProperty('team');
    expect(hub.events[0]).not.toHaveProperty('role');
  });

  it('in batches of HUB_BATCH_SIZE, oldest first', async () => {
    const db = await setup();
    const ids = await record(db, HUB_BATCH_SIZE + 5);
    expect(await uploader(db).up.run('test')).toMatchObject({ sent: HUB_BATCH_SIZE + 5 });
    expect(hub.requests.map((r) => r.ids.length)).toEqual([HUB_BATCH_SIZE, 5]);
    expect(hub.events.map((e) => e.id)).toEqual(ids);
  });

  it('a hub that fails (500, or stores and loses its answer) loses and duplicates nothing', async () => {
    const db = await setup();
    const ids = await record(db, 5);
    const { up, clock } = uploader(db);
    hub.script = [{ status: 500 }];
    const failed = await up.run('test');
    expect(failed).toMatchObject({ outcome: 'failed', sent: 0 });
    expect(failed.state.nextAttemptAt).toBeGreaterThan(clock.t);
    expect(await db.hubOutbox.count()).toBe(5);
    expect(hub.events).toEqual([]);

    // Not before the end of the back-off.
    expect(await up.run('test')).toMatchObject({ outcome: 'waiting' });
    expect(hub.requests).toHaveLength(1);

    // The hub keeps the batch but the answer is lost: the rows stay and go again.
    hub.loseAnswers = 1;
    clock.t = failed.state.nextAttemptAt;
    expect(await up.run('test')).toMatchObject({ outcome: 'failed' });
    expect(await db.hubOutbox.count()).toBe(5);
    expect(hub.events.map((e) => e.id)).toEqual(ids);

    const more = await record(db, 2);
    expect(await up.run('test', { force: true })).toMatchObject({
      outcome: 'delivered',
      sent: 7,
    });
    // Once each on the hub's side, in order, though 5 of them were sent twice.
    expect(hub.events.map((e) => e.id)).toEqual([...ids, ...more]);
    expect(hub.requests.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(await db.hubOutbox.count()).toBe(0);
    expect(await status(db)).toMatchObject({ lastError: null, queued: 0 });
  });

  it('a network failure (no hub listening) keeps the rows', async () => {
    const db = await setup();
    await record(db, 2);
    settings = { ...settings, hubUrl: 'http://127.0.0.1:9' };
    const report = await uploader(db).up.run('test');
    expect(report).toMatchObject({ outcome: 'failed', state: { lastStatus: 0 } });
    expect(report.state.lastError).toMatch(/No answer from the hub/);
    expect(await db.hubOutbox.count()).toBe(2);
  });

  it('a redirect is not followed: the token goes to hubUrl only', async () => {
    const db = await setup();
    await record(db, 1);
    const elsewhere = new FakeHub();
    await elsewhere.start();
    try {
      hub.script = [{ status: 307, headers: { Location: `${elsewhere.url}/api/events` } }];
      const report = await uploader(db).up.run('test');
      expect(report).toMatchObject({ outcome: 'failed', state: { lastStatus: 307 } });
      expect(report.state.lastError).toMatch(/redirect/);
      expect(elsewhere.requests).toEqual([]);
      expect(await db.hubOutbox.count()).toBe(1);
    } finally {
      await elsewhere.stop();
    }
  });

  it('429 with Retry-After: no attempt before the hub said', async () => {
    const db = await setup();
    await record(db, 3);
    const { up, clock } = uploader(db);
    hub.script = [{ status: 429, headers: { 'Retry-After': '600' } }];
    const start = clock.t;
    const report = await up.run('test');
    expect(report).toMatchObject({ outcome: 'failed', state: { lastStatus: 429 } });
    expect(report.state.nextAttemptAt).toBeGreaterThanOrEqual(start + 600_000);
    clock.t = start + 599_000;
    expect(await up.run('test')).toMatchObject({ outcome: 'waiting' });
    expect(hub.requests).toHaveLength(1);
    clock.t = start + 600_000;
    expect(await up.run('test')).toMatchObject({ outcome: 'delivered', sent: 3 });
    expect(hub.events).toHaveLength(3);
  });

  it('401: backs off, keeps the rows, and the status says why', async () => {
    const db = await setup();
    await record(db, 2);
    hub.token = 'the-new-token';
    const { up, clock } = uploader(db);
    const report = await up.run('test');
    expect(report).toMatchObject({ outcome: 'failed', state: { lastStatus: 401, failures: 1 } });
    // Not in a tight loop: the next runs wait for the back-off.
    expect(await up.run('test')).toMatchObject({ outcome: 'waiting' });
    expect(await up.run('after recording')).toMatchObject({ outcome: 'waiting' });
    expect(hub.requests).toHaveLength(1);
    const s = await status(db);
    expect(s).toMatchObject({ off: null, queued: 2, lastStatus: 401, refused: 0 });
    expect(s.lastError).toMatch(/401.*device token/);
    expect(s.nextAttemptAt).toBe(report.state.nextAttemptAt);

    // Again after the back-off: longer.
    clock.t = report.state.nextAttemptAt;
    const second = await up.run('test');
    expect(second.state.failures).toBe(2);
    expect(second.state.nextAttemptAt - clock.t).toBeGreaterThan(
      report.state.nextAttemptAt - report.state.lastAttemptAt!,
    );
    expect(await db.hubOutbox.count()).toBe(2);

    // A new token: sent.
    settings = { ...settings, hubToken: 'the-new-token' };
    expect(await up.run('settings changed', { force: true })).toMatchObject({ sent: 2 });
    expect(await status(db)).toMatchObject({ queued: 0, lastError: null });
  });

  it('413: the batch goes again in halves, and every event arrives in order', async () => {
    const db = await setup();
    const ids = await record(db, 10);
    hub.maxEvents = 3;
    expect(await uploader(db).up.run('test')).toMatchObject({
      outcome: 'delivered',
      sent: 10,
    });
    expect(hub.events.map((e) => e.id)).toEqual(ids);
    expect(hub.requests.filter((r) => r.status === 413).length).toBeGreaterThan(0);
    expect(
      Math.max(...hub.requests.filter((r) => r.status === 200).map((r) => r.ids.length)),
    ).toBeLessThanOrEqual(3);
  });

  it('one event the hub refuses alone (413, 400) is dropped and counted, never blocking', async () => {
    const db = await setup();
    const before = await record(db, 3);
    const [big] = await record(db, 1, {
      type: 'aid_feedback',
      stepId: undefined,
      comment: 'x'.repeat(900),
    });
    const middle = await record(db, 2);
    const [bad] = await record(db, 1, {
      type: 'aid_feedback',
      stepId: undefined,
      comment: 'poison',
    });
    const after = await record(db, 3);
    hub.maxBytes = 1200;
    hub.poison = 'poison';
    const { up, clock } = uploader(db);

    const first = await up.run('test');
    expect(first).toMatchObject({ outcome: 'failed', refused: 1, state: { lastStatus: 413 } });
    expect(first.state.lastError).toMatch(/413.*dropped/);
    clock.t = first.state.nextAttemptAt;
    const second = await up.run('test');
    expect(second).toMatchObject({ outcome: 'failed', refused: 1, state: { lastStatus: 400 } });
    expect(second.state.lastError).toMatch(/400.*poison.*dropped/);
    clock.t = second.state.nextAttemptAt;
    expect(await up.run('test')).toMatchObject({ outcome: 'delivered' });

    const delivered = hub.events.map((e) => e.id);
    expect(delivered).toEqual([...before, ...middle, ...after]);
    expect(delivered).not.toContain(big);
    expect(delivered).not.toContain(bad);
    expect(await db.hubOutbox.count()).toBe(0);
    expect(await getSetting(db, 'hubRefused', 0)).toBe(2);
    expect(await status(db)).toMatchObject({ refused: 2, lastError: null });
  });

  it('an event that breaks the contract is dropped before sending, and counted', async () => {
    const db = await setup();
    const [bad] = await record(db, 1, { at: -1 });
    const good = await record(db, 2);
    expect(await uploader(db).up.run('test')).toMatchObject({
      outcome: 'delivered',
      sent: 2,
      refused: 1,
    });
    expect(hub.events.map((e) => e.id)).toEqual(good);
    expect(hub.events.map((e) => e.id)).not.toContain(bad);
    expect(await status(db)).toMatchObject({ refused: 1 });
  });

  it('a restart (a new uploader over the same database) resumes where the last stopped', async () => {
    const name = `inflow-hub-restart-${Math.random().toString(36).slice(2)}`;
    let db = await setup(openDb(name));
    try {
      const ids = await record(db, HUB_BATCH_SIZE + 3);
      // The first batch is stored by the hub, the answer is lost; then the worker stops.
      hub.loseAnswers = 1;
      const first = uploader(db);
      expect(await first.up.run('test')).toMatchObject({ outcome: 'failed' });
      db.close();

      db = openDb(name);
      expect(await db.hubOutbox.count()).toBe(HUB_BATCH_SIZE + 3);
      expect(await getSetting(db, 'hubState', null as never)).toMatchObject({ failures: 1 });
      const again = uploader(db, { t: first.clock.t + 60 * 60_000 });
      expect(await again.up.run('start')).toMatchObject({ outcome: 'delivered' });
      expect(hub.events.map((e) => e.id)).toEqual(ids);
      expect(await db.hubOutbox.count()).toBe(0);
    } finally {
      await db.delete();
    }
  });

  it('events recorded while no hub is set are not sent once one is', async () => {
    const off = { ...settings, hubUrl: '' };
    const db = freshDb();
    await installPack(db, pack('crm', '1.4.0', [checklist('new', ['https://crm.localhost/*'])]));
    await applyHubSettings(db, off);
    await record(db, 2);
    expect(await db.hubOutbox.count()).toBe(0);
    expect(await hubStatus(db, { values: off, managed: [] })).toMatchObject({ off: 'no-hub' });
    // The queue of time on pages is reported only where the policy measures it.
    expect((await hubStatus(db, { values: settings, managed: [] })).touchpoints).toBeUndefined();
    await db.settings.put({ key: 'touchpointDropped', value: 2 });
    expect(
      (
        await hubStatus(db, {
          values: { ...settings, touchpointHosts: ['crm.localhost'] },
          managed: [],
        })
      ).touchpoints,
    ).toEqual({ queued: 0, dropped: 2, refused: 0 });
    expect(
      await hubStatus(db, { values: { ...settings, hubToken: '' }, managed: [] }),
    ).toMatchObject({ off: 'no-token' });

    await applyHubSettings(db, settings);
    const later = await record(db, 1);
    await uploader(db).up.run('test');
    expect(hub.events.map((e) => e.id)).toEqual(later);
  });

  it("a full queue drops its oldest and counts them, apart from the LRS's", async () => {
    const db = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await recordEvent(db, input({ at: i }), 2000, 3)).id);
    expect((await db.hubOutbox.orderBy('seq').toArray()).map((r) => r.id)).toEqual(ids.slice(2));
    expect(await getSetting(db, 'hubDropped', 0)).toBe(2);
    expect(await getSetting(db, 'exportDropped', 0)).toBe(0);
    expect(await status(db)).toMatchObject({ queued: 3, dropped: 2 });
    await uploader(db).up.run('test');
    expect(hub.events.map((e) => e.id)).toEqual(ids.slice(2));
  });

  it('turning the hub off forgets its queue, and nothing is sent', async () => {
    const db = await setup();
    await record(db, 2);
    settings = { ...settings, hubToken: '' };
    expect(await uploader(db).up.run('test')).toMatchObject({ outcome: 'off' });
    expect(await db.hubOutbox.count()).toBe(0);
    expect(hub.requests).toEqual([]);
  });
});

describe('the LRS and the hub side by side', () => {
  let lrs: FakeLrs;
  beforeEach(async () => {
    lrs = new FakeLrs();
    await lrs.start();
    settings = { ...settings, analyticsEndpoint: lrs.url };
  });
  afterEach(() => lrs.stop());

  function lrsUploader(db: InflowDb, clock: { t: number }) {
    return createUploader({
      db,
      fetch: (url, init) => globalThis.fetch(url, init),
      settings: async () => settings,
      homePage: 'urn:inflow',
      now: () => clock.t,
      random: () => 0.5,
    });
  }

  it('both get every event, and neither waits for the other', async () => {
    const db = await setup();
    const clock = { t: 1_000_000 };
    const toHub = uploader(db, clock).up;
    const toLrs = lrsUploader(db, clock);
    const ids = await record(db, 4);

    // The LRS is down: the hub gets everything all the same.
    lrs.down = true;
    const [l1, h1] = await Promise.all([toLrs.run('test'), toHub.run('test')]);
    expect(l1).toMatchObject({ outcome: 'failed', state: { lastStatus: 503 } });
    expect(h1).toMatchObject({ outcome: 'delivered', sent: 4 });
    expect(hub.events.map((e) => e.id)).toEqual(ids);
    expect(await db.outbox.count()).toBe(4);

    // Now the hub is down and the LRS back: the LRS gets everything.
    lrs.down = false;
    hub.script = [{ status: 503 }, { status: 503 }];
    const more = await record(db, 2);
    const [l2, h2] = await Promise.all([
      toLrs.run('test', { force: true }),
      toHub.run('test', { force: true }),
    ]);
    expect(l2).toMatchObject({ outcome: 'delivered', sent: 6 });
    expect(h2).toMatchObject({ outcome: 'failed' });
    expect(lrs.ids).toEqual([...ids, ...more]);
    expect(await db.hubOutbox.count()).toBe(2);

    // The hub back: it gets the rest, once each.
    hub.script = [];
    expect(await toHub.run('test', { force: true })).toMatchObject({ sent: 2 });
    expect(hub.events.map((e) => e.id)).toEqual([...ids, ...more]);
    expect(lrs.ids).toEqual([...ids, ...more]);
  });
});
