import { describe, expect, it, vi } from 'vitest';
import { getSetting, type InflowDb } from '../../../src/background/db';
import {
  applyExportSettings,
  BACKOFF_BASE_MS,
  BATCH_SIZE,
  backoffMs,
  createUploader,
  type FetchLike,
} from '../../../src/background/outbox-upload';
import { installPack } from '../../../src/background/packs';
import { recordEvent } from '../../../src/background/recorder';
import type { Statement } from '../../../src/background/xapi';
import type { EventInput } from '../../../src/protocol/messages';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/protocol/settings';
import { checklist, freshDb, pack } from './fixtures';

const ENDPOINT = 'https://lrs.example/xapi';
const on: Settings = {
  ...DEFAULT_SETTINGS,
  analyticsEndpoint: ENDPOINT,
  analyticsAuth: 'Basic abc',
  actorId: 'jane',
};

async function setup(settings: Settings = on) {
  const db = freshDb();
  await installPack(db, pack('crm', '1.4.0', [checklist('new', ['https://crm.localhost/*'])]));
  await applyExportSettings(db, settings);
  return db;
}

const input = (extra: Partial<EventInput> = {}): EventInput => ({
  type: 'step_done',
  aidKey: 'crm/new',
  stepId: 'name',
  url: 'https://crm.localhost/contacts?q=secret',
  at: 1000,
  ...extra,
});

async function record(db: InflowDb, n: number, limit?: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await recordEvent(db, input({ at: i }), 2000, limit)).id);
  return ids;
}

/** A fake LRS: keeps statements by id, answers as told. */
function fakeLrs() {
  const stored = new Map<string, Statement>();
  const requests: { url: string; init: RequestInit; ids: string[] }[] = [];
  let answer: (ids: string[]) => Response | Error = (ids) => {
    if (ids.some((id) => stored.has(id))) return new Response('conflict', { status: 409 });
    return new Response(null, { status: 204 });
  };
  const fetch = vi.fn<FetchLike>(async (url, init) => {
    const statements = JSON.parse(String(init.body)) as Statement[];
    const ids = statements.map((s) => s.id);
    requests.push({ url, init, ids });
    const result = answer(ids);
    if (result instanceof Error) throw result;
    if (result.ok) for (const s of statements) stored.set(s.id, s);
    return result;
  });
  return {
    stored,
    requests,
    fetch,
    answerWith(fn: typeof answer) {
      answer = fn;
    },
  };
}

function uploader(db: InflowDb, lrs: ReturnType<typeof fakeLrs>, clock = { t: 10_000 }) {
  const schedule = vi.fn(async (_at: number | null) => {});
  const up = createUploader({
    db,
    fetch: lrs.fetch,
    settings: async () => on,
    homePage: 'urn:inflow',
    schedule,
    now: () => clock.t,
    random: () => 0.5,
  });
  return { up, schedule, clock };
}

describe('outbox', () => {
  it('queues each exported event with it, only when export is on', async () => {
    const db = await setup();
    const [id] = await record(db, 1);
    await recordEvent(db, input({ type: 'target_missing', stepId: undefined }), 2000);
    expect(await db.outbox.toCollection().primaryKeys()).toEqual([id]);
    expect((await db.outbox.get(id!))?.event.url).toBe('https://crm.localhost/contacts');

    const off = await setup({ ...on, analyticsEnabled: false });
    await record(off, 2);
    expect(await off.outbox.count()).toBe(0);
    const noEndpoint = await setup({ ...on, analyticsEndpoint: '' });
    await record(noEndpoint, 2);
    expect(await noEndpoint.outbox.count()).toBe(0);
  });

  it('an event that fails to record is not queued either (one transaction)', async () => {
    const db = await setup();
    await expect(recordEvent(db, input({ stepId: 'nope' }))).rejects.toThrow();
    expect(await db.outbox.count()).toBe(0);
  });

  it('is bounded: the oldest are dropped, and counted', async () => {
    const db = await setup();
    const ids = await record(db, 8, 5);
    const kept = await db.outbox.orderBy('seq').primaryKeys();
    expect(kept).toEqual(ids.slice(3));
    expect(await getSetting(db, 'exportDropped', 0)).toBe(3);
    // Every event is still stored locally.
    expect(await db.events.count()).toBe(8);
  });

  it('turning export off forgets the queue', async () => {
    const db = await setup();
    await record(db, 3);
    await applyExportSettings(db, { ...on, analyticsEnabled: false });
    expect(await db.outbox.count()).toBe(0);
    expect(await getSetting(db, 'exportOn', true)).toBe(false);
  });
});

describe('upload', () => {
  it('posts batches with the xAPI headers and empties the queue', async () => {
    const db = await setup();
    const ids = await record(db, BATCH_SIZE + 3);
    const lrs = fakeLrs();
    const { up, schedule } = uploader(db, lrs);

    const report = await up.run('test');
    expect(report).toMatchObject({ outcome: 'delivered', sent: BATCH_SIZE + 3 });
    expect(lrs.requests.map((r) => r.ids.length)).toEqual([BATCH_SIZE, 3]);
    expect(lrs.requests[0]!.url).toBe(`${ENDPOINT}/statements`);
    expect(lrs.requests[0]!.init.method).toBe('POST');
    expect(lrs.requests[0]!.init.headers).toEqual({
      'Content-Type': 'application/json',
      'X-Experience-API-Version': '1.0.3',
      Authorization: 'Basic abc',
    });
    expect([...lrs.stored.keys()]).toEqual(ids);
    expect(await db.outbox.count()).toBe(0);
    expect(schedule).toHaveBeenLastCalledWith(null);
    const actor = lrs.stored.get(ids[0]!)!.actor.account.name;
    expect(actor).toMatch(/^[0-9a-f]{64}$/);
  });

  it('on a network error or 5xx: keeps the rows, backs off exponentially, same ids next time', async () => {
    const db = await setup();
    const ids = await record(db, 3);
    const lrs = fakeLrs();
    const { up, schedule, clock } = uploader(db, lrs);

    lrs.answerWith(() => new TypeError('Failed to fetch'));
    let report = await up.run('test');
    expect(report.outcome).toBe('failed');
    expect(report.state).toMatchObject({ failures: 1, lastStatus: 0 });
    const first = report.state.nextAttemptAt - clock.t;
    expect(first).toBe(backoffMs(1, 0.5));
    expect(schedule).toHaveBeenLastCalledWith(report.state.nextAttemptAt);
    expect(await db.outbox.count()).toBe(3);

    // Before the back-off ends, nothing is sent (unless forced by the alarm).
    expect((await up.run('early')).outcome).toBe('waiting');
    expect(lrs.requests).toHaveLength(1);

    lrs.answerWith(() => new Response('down', { status: 503 }));
    clock.t = report.state.nextAttemptAt;
    report = await up.run('test');
    expect(report.state).toMatchObject({ failures: 2, lastStatus: 503 });
    expect(report.state.nextAttemptAt - clock.t).toBe(2 * first);
    expect(report.state.lastError).toMatch(/503/);

    lrs.answerWith(() => new Response(null, { status: 204 }));
    report = await up.run('alarm', { force: true });
    expect(report).toMatchObject({ outcome: 'delivered', sent: 3 });
    expect(report.state).toMatchObject({ failures: 0, nextAttemptAt: 0, lastError: null });
    // Every attempt sent the same statement ids.
    for (const r of lrs.requests) expect(r.ids).toEqual(ids);
  });

  it('back-off: doubles, with jitter between half and all, capped; Retry-After is honoured', () => {
    expect(backoffMs(1, 0)).toBe(BACKOFF_BASE_MS / 2);
    expect(backoffMs(1, 0.999)).toBeLessThanOrEqual(BACKOFF_BASE_MS);
    expect(backoffMs(3, 0)).toBe(2 * BACKOFF_BASE_MS);
    expect(backoffMs(100, 1)).toBe(60 * 60_000);
    expect(backoffMs(1, 0, 120_000)).toBe(120_000);
  });

  it('429 with Retry-After waits at least that long', async () => {
    const db = await setup();
    await record(db, 1);
    const lrs = fakeLrs();
    lrs.answerWith(
      () => new Response('slow down', { status: 429, headers: { 'Retry-After': '600' } }),
    );
    const { up, clock } = uploader(db, lrs);
    const report = await up.run('test');
    expect(report.state.nextAttemptAt - clock.t).toBe(600_000);
    expect(await db.outbox.count()).toBe(1);
  });

  it('on 409 (ids already stored) counts them delivered, without losing new ones', async () => {
    const db = await setup();
    const ids = await record(db, 4);
    const lrs = fakeLrs();
    // The LRS got the first two before the worker was stopped, unconfirmed.
    for (const id of ids.slice(0, 2)) lrs.stored.set(id, {} as Statement);
    const { up } = uploader(db, lrs);

    const report = await up.run('test');
    expect(report.outcome).toBe('delivered');
    expect(await db.outbox.count()).toBe(0);
    expect([...lrs.stored.keys()].sort()).toEqual([...ids].sort());
    // The batch, then one at a time.
    expect(lrs.requests.map((r) => r.ids.length)).toEqual([4, 1, 1, 1, 1]);
  });

  it('on another 4xx: records the status and keeps the rows', async () => {
    const db = await setup();
    await record(db, 2);
    const lrs = fakeLrs();
    lrs.answerWith(() => new Response('no', { status: 401, statusText: 'Unauthorized' }));
    const { up } = uploader(db, lrs);
    const report = await up.run('test');
    expect(report.outcome).toBe('failed');
    const state = await getSetting(db, 'exportState', {
      nextAttemptAt: 0,
      failures: 0,
      lastError: null,
    });
    expect(state).toMatchObject({
      lastStatus: 401,
      lastError: 'The LRS answered 401 Unauthorized',
    });
    expect(await db.outbox.count()).toBe(2);
  });

  it('sends nothing, and forgets the queue, when export was turned off', async () => {
    const db = await setup();
    await record(db, 2);
    const lrs = fakeLrs();
    const up = createUploader({
      db,
      fetch: lrs.fetch,
      settings: async () => ({ ...on, analyticsEndpoint: '' }),
      homePage: 'urn:inflow',
    });
    expect((await up.run('test')).outcome).toBe('off');
    expect(lrs.fetch).not.toHaveBeenCalled();
    expect(await db.outbox.count()).toBe(0);
  });

  it('runs one at a time; a request during a run gets one more run', async () => {
    const db = await setup();
    await record(db, 1);
    const lrs = fakeLrs();
    const { up } = uploader(db, lrs);
    const a = up.run('a');
    const b = up.run('b');
    expect(await a).toBe(await b);
    await record(db, 1);
    await vi.waitFor(async () => expect(await db.outbox.count()).toBe(0));
    expect(lrs.stored.size).toBe(2);
  });
});
