/**
 * The plain JSON format (analyticsFormat 'json'): batches POSTed to the endpoint itself as
 * { events: [...] }, with the same queue and back-off as xAPI; and the export status the
 * options page shows.
 */
import { describe, expect, it, vi } from 'vitest';
import { type InflowDb, setSetting } from '../../../src/background/db';
import {
  applyExportSettings,
  BATCH_SIZE,
  backoffMs,
  createUploader,
  exportStatus,
  type FetchLike,
  type JsonEvent,
} from '../../../src/background/outbox-upload';
import { installPack } from '../../../src/background/packs';
import { OUTBOX_LIMIT, recordEvent } from '../../../src/background/recorder';
import { actorName } from '../../../src/background/xapi';
import type { EventInput } from '../../../src/protocol/messages';
import { DEFAULT_SETTINGS, type SettingKey, type Settings } from '../../../src/protocol/settings';
import { checklist, freshDb, pack } from './fixtures';

const ENDPOINT = 'https://analytics.example/inflow/events';
const json: Settings = {
  ...DEFAULT_SETTINGS,
  analyticsEndpoint: ENDPOINT,
  analyticsAuth: 'Bearer t0ken',
  analyticsFormat: 'json',
  actorId: 'jane.doe@example.com',
};

async function setup(settings: Settings = json) {
  const db = freshDb();
  await installPack(db, pack('crm', '1.4.0', [checklist('new', ['https://crm.localhost/*'])]));
  await applyExportSettings(db, settings);
  return db;
}

const input = (extra: Partial<EventInput> = {}): EventInput => ({
  type: 'step_done',
  aidKey: 'crm/new',
  stepId: 'name',
  how: 'manual',
  url: 'https://crm.localhost/contacts?q=secret#x',
  at: 1000,
  ...extra,
});

async function record(db: InflowDb, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await recordEvent(db, input({ at: i }), 2000)).id);
  return ids;
}

/** A receiver of the organisation's own: keeps what it got, answers as told. */
function receiver() {
  const got: { url: string; init: RequestInit; events: JsonEvent[] }[] = [];
  let answer: () => Response | Error = () => new Response(null, { status: 202 });
  const fetch = vi.fn<FetchLike>(async (url, init) => {
    const body = JSON.parse(String(init.body)) as { events: JsonEvent[] };
    got.push({ url, init, events: body.events });
    const result = answer();
    if (result instanceof Error) throw result;
    return result;
  });
  return {
    got,
    fetch,
    answerWith(fn: typeof answer) {
      answer = fn;
    },
  };
}

function uploader(db: InflowDb, r: ReturnType<typeof receiver>, settings: Settings = json) {
  const clock = { t: 10_000 };
  const up = createUploader({
    db,
    fetch: r.fetch,
    settings: async () => settings,
    homePage: 'urn:inflow',
    now: () => clock.t,
    random: () => 0.5,
  });
  return { up, clock };
}

describe('the plain JSON format', () => {
  it('POSTs { events } to the endpoint itself, with the same Authorization', async () => {
    const db = await setup();
    const ids = await record(db, BATCH_SIZE + 2);
    const r = receiver();
    const { up } = uploader(db, r);

    expect(await up.run('test')).toMatchObject({ outcome: 'delivered', sent: BATCH_SIZE + 2 });
    expect(r.got.map((g) => g.events.length)).toEqual([BATCH_SIZE, 2]);
    const [first] = r.got;
    expect(first!.url).toBe(ENDPOINT);
    expect(first!.init).toMatchObject({ method: 'POST', credentials: 'omit' });
    expect(first!.init.headers).toEqual({
      'Content-Type': 'application/json',
      Authorization: 'Bearer t0ken',
    });
    expect(Object.keys(JSON.parse(String(first!.init.body)))).toEqual(['events']);
    expect(r.got.flatMap((g) => g.events.map((e) => e.id))).toEqual(ids);
    expect(await db.outbox.count()).toBe(0);
  });

  it('each event is the stored event without seq, with the pseudonymous actor', async () => {
    const db = await setup();
    const [id] = await record(db, 1);
    const r = receiver();
    await uploader(db, r).up.run('test');
    const sent = r.got[0]!.events[0]!;
    const stored = (await db.events.get({ id: id! }))!;
    const { seq: _seq, ...withoutSeq } = stored;
    const actor = await actorName('jane.doe@example.com', 'unused');
    expect(sent).toEqual({ ...withoutSeq, actor });
    expect(sent).not.toHaveProperty('seq');
    expect(actor).toMatch(/^[0-9a-f]{64}$/);
    // Never the actor id itself, nor the query or fragment of the page.
    const body = String(r.got[0]!.init.body);
    expect(body).not.toContain('jane');
    expect(body).not.toMatch(/secret|#x/);
  });

  it('feedback travels with its comment; diagnostics stay in the browser', async () => {
    const db = await setup();
    await recordEvent(db, input({ type: 'aid_feedback', stepId: undefined, comment: 'Old' }), 1);
    await recordEvent(db, input({ type: 'target_missing', failedSignals: ['css'] }), 1);
    const r = receiver();
    await uploader(db, r).up.run('test');
    expect(r.got[0]!.events.map((e) => [e.type, e.comment])).toEqual([['aid_feedback', 'Old']]);
  });

  it('a failure keeps the batch and backs off as xAPI does; the same ids next time', async () => {
    const db = await setup();
    const ids = await record(db, 3);
    const r = receiver();
    const { up, clock } = uploader(db, r);

    r.answerWith(() => new TypeError('Failed to fetch'));
    let report = await up.run('test');
    expect(report.outcome).toBe('failed');
    expect(report.state).toMatchObject({ failures: 1, lastStatus: 0 });
    expect(report.state.lastError).toMatch(/^No answer from the analytics endpoint/);
    expect(report.state.nextAttemptAt - clock.t).toBe(backoffMs(1, 0.5));
    expect((await up.run('early')).outcome).toBe('waiting');

    r.answerWith(() => new Response('busy', { status: 503 }));
    clock.t = report.state.nextAttemptAt;
    report = await up.run('test');
    expect(report.state).toMatchObject({ failures: 2, lastStatus: 503 });
    expect(report.state.lastError).toBe('The analytics endpoint answered 503');
    expect(report.state.nextAttemptAt - clock.t).toBe(backoffMs(2, 0.5));

    r.answerWith(() => new Response('{"ok":true}', { status: 200 }));
    report = await up.run('alarm', { force: true });
    expect(report).toMatchObject({ outcome: 'delivered', sent: 3 });
    for (const g of r.got) expect(g.events.map((e) => e.id)).toEqual(ids);
  });

  it('a 409 means nothing special: an error like any 4xx, the batch kept', async () => {
    const db = await setup();
    await record(db, 2);
    const r = receiver();
    r.answerWith(() => new Response('dup', { status: 409, statusText: 'Conflict' }));
    const report = await uploader(db, r).up.run('test');
    expect(report.outcome).toBe('failed');
    expect(report.state.lastError).toBe('The analytics endpoint answered 409 Conflict');
    expect(r.got).toHaveLength(1);
    expect(await db.outbox.count()).toBe(2);
  });

  it('events queued under xAPI go as JSON once the format changes', async () => {
    const db = await setup({ ...json, analyticsFormat: 'xapi' });
    await record(db, 2);
    const r = receiver();
    await uploader(db, r).up.run('test');
    expect(r.got[0]!.url).toBe(ENDPOINT);
    expect(r.got[0]!.events).toHaveLength(2);
  });
});

describe('exportStatus', () => {
  const resolved = (values: Settings, managed: SettingKey[] = []) => ({ values, managed });

  it('on: what waits, the last success and problem, the next attempt', async () => {
    const db = await setup();
    expect(await exportStatus(db, resolved(json))).toEqual({
      off: null,
      format: 'json',
      queued: 0,
      dropped: 0,
      limit: OUTBOX_LIMIT,
      lastError: null,
    });
    await record(db, 2);
    const r = receiver();
    r.answerWith(() => new Response('no', { status: 401, statusText: 'Unauthorized' }));
    const { up, clock } = uploader(db, r);
    const report = await up.run('test');
    await setSetting(db, 'exportDropped', 12);
    expect(await exportStatus(db, resolved(json))).toEqual({
      off: null,
      format: 'json',
      queued: 2,
      dropped: 12,
      limit: OUTBOX_LIMIT,
      lastAttemptAt: clock.t,
      lastError: 'The analytics endpoint answered 401 Unauthorized',
      nextAttemptAt: report.state.nextAttemptAt,
    });
    r.answerWith(() => new Response(null, { status: 204 }));
    await up.run('test', { force: true });
    const after = await exportStatus(db, resolved(json));
    expect(after).toMatchObject({ queued: 0, lastError: null, lastSuccessAt: clock.t });
    expect(after).not.toHaveProperty('nextAttemptAt');
  });

  it('off: says why', async () => {
    const db = await setup();
    const off = { ...json, analyticsEnabled: false };
    expect((await exportStatus(db, resolved(off))).off).toBe('setting');
    expect((await exportStatus(db, resolved(off, ['analyticsEnabled']))).off).toBe('policy');
    const none = { ...json, analyticsEndpoint: '' };
    expect((await exportStatus(db, resolved(none))).off).toBe('no-endpoint');
    expect((await exportStatus(db, resolved(DEFAULT_SETTINGS))).format).toBe('xapi');
  });
});
