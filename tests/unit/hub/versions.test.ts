/**
 * The version comparison through the Hono app, on both backends: events for several pack
 * versions of one aid go in through the ingest path, and the rates, intervals, medians,
 * verdicts and hidden versions come out of GET /api/insights/versions. The counts are
 * Newcombe's worked examples (1998), so the intervals are the published ones.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHubApp, type HubAppOptions } from '../../../src/hub/app';
import type { HubDb } from '../../../src/hub/db/open';
import { createDevice } from '../../../src/hub/devices';
import { ingestBatch } from '../../../src/hub/ingest';
import { pruneEvents } from '../../../src/hub/retention';
import type { FleetVersion, FleetVersions } from '../../../src/protocol/fleet-versions';
import type { HubEvent } from '../../../src/protocol/hub';
import { backends, emptyTables, type Opened } from './backends';
import { daysAfter, event, NOON } from './fixtures';
import { signedIn } from './session';

const PASSWORD = 'correct horse battery staple';
const AID = 'crm/new-contact';

/**
 * - 1.9.0 (2 March): 8 people; 48 of 80 finished runs completed, 32 abandoned; 133 steps
 *   done, 15 skipped; the 48 completions took 1 s, 2 s, … 48 s.
 * - 1.9.1 (3 March): 3 people, so hidden, and never compared with.
 * - 1.10.0 (4 March): 6 people; 56 of 70 completed, 14 abandoned; 28 done, 1 skipped;
 *   55 completions took 0.5 s, 1 s, … 27.5 s, one came from a browser that did not time it.
 * - 1.11.0 (5 March): 6 people, but only 4 of them timed: rates shown, time hidden.
 */
function versionEvents(): HubEvent[] {
  const events: HubEvent[] = [];
  // Five of 1.9.0's eight people are in back-office, the others in front-desk.
  const back = new Set(['a1', 'a2', 'a3', 'a4', 'a5']);
  const base = (version: string, day: number, actor: string) => ({
    packVersion: version,
    at: daysAfter(NOON, day),
    actor,
    team: back.has(actor) ? 'back-office' : 'front-desk',
    stepId: undefined,
    how: undefined,
  });
  const people = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  function version(
    v: string,
    day: number,
    who: string[],
    runs: { completed: number; abandoned: number; done: number; skipped: number },
    ms: (i: number, actor: string) => number | undefined,
  ) {
    // Everyone saw it at least once.
    for (const a of who) events.push(event({ ...base(v, day, a), type: 'aid_shown' }));
    const at = (i: number) => who[i % who.length]!;
    for (let i = 0; i < runs.completed; i++) {
      const m = ms(i, at(i));
      events.push(
        event({
          ...base(v, day, at(i)),
          type: 'checklist_completed',
          ...(m === undefined ? {} : { ms: m }),
        }),
      );
    }
    for (let i = 0; i < runs.abandoned; i++) {
      events.push(event({ ...base(v, day, at(i)), type: 'run_abandoned' }));
    }
    for (let i = 0; i < runs.done; i++) {
      events.push(
        event({ ...base(v, day, at(i)), type: 'step_done', stepId: 'email', how: 'manual' }),
      );
    }
    for (let i = 0; i < runs.skipped; i++) {
      events.push(event({ ...base(v, day, at(i)), type: 'step_skipped', stepId: 'phone' }));
    }
  }
  version(
    '1.9.0',
    0,
    people('a', 8),
    { completed: 48, abandoned: 32, done: 133, skipped: 15 },
    (i) => (i + 1) * 1000,
  );
  version('1.9.1', 1, people('h', 3), { completed: 9, abandoned: 0, done: 9, skipped: 0 }, () => 5);
  version(
    '1.10.0',
    2,
    people('b', 6),
    { completed: 56, abandoned: 14, done: 28, skipped: 1 },
    (i) => (i < 55 ? (i + 1) * 500 : undefined),
  );
  version(
    '1.11.0',
    3,
    people('c', 6),
    { completed: 12, abandoned: 0, done: 12, skipped: 0 },
    (_i, actor) => (['c1', 'c2', 'c3', 'c4'].includes(actor) ? 60_000 : undefined),
  );
  // Another aid: never in this aid's answer.
  events.push(
    event({
      aidKey: 'crm/other',
      aidId: 'other',
      type: 'checklist_completed',
      stepId: undefined,
      how: undefined,
      ms: 1,
    }),
  );
  return events;
}

const round = (x: number | undefined) => (x === undefined ? x : Number(x.toFixed(4)));

for (const backend of backends) {
  describe.skipIf(backend.skip)(`hub version comparison on ${backend.name}`, () => {
    let opened: Opened;
    let db: HubDb;
    let cookie: string;
    const batch = versionEvents();

    const app = (over: Partial<HubAppOptions> = {}) =>
      createHubApp({ db, now: () => NOON, ...over });

    async function versions(query = '', over: Partial<HubAppOptions> = {}) {
      const res = await app(over).request(
        `/api/insights/versions?aid=${encodeURIComponent(AID)}${query}`,
        { headers: { cookie } },
      );
      expect(res.status).toBe(200);
      return (await res.json()) as FleetVersions;
    }
    const of = (answer: FleetVersions, v: string) =>
      answer.versions.find((x) => x.version === v) as FleetVersion;

    beforeAll(async () => {
      opened = await backend.open();
      db = opened.db;
    }, 30_000);
    afterAll(() => opened?.drop());
    beforeEach(async () => {
      await emptyTables(db);
      cookie = await signedIn(app(), db, 'vic', 'viewer', PASSWORD);
      await ingestBatch(db, { deviceId: 'dev_1', events: batch, now: new Date(NOON) });
    });

    it('lists the versions in the order they appeared, small ones hidden', async () => {
      const answer = await versions();
      expect(answer.minGroup).toBe(5);
      expect(answer.query).toEqual({ aid: AID });
      expect(answer.versions.map((v) => [v.version, v.firstDay, v.lastDay, v.people])).toEqual([
        ['1.9.0', '2026-03-02', '2026-03-02', 8],
        ['1.9.1', '2026-03-03', '2026-03-03', null],
        ['1.10.0', '2026-03-04', '2026-03-04', 6],
        ['1.11.0', '2026-03-05', '2026-03-05', 6],
      ]);
      expect(of(answer, '1.9.1')).toMatchObject({
        fewerThan: 5,
        finishedRuns: null,
        completed: null,
        completionRate: null,
        skipRate: null,
        timeToComplete: { people: null, fewerThan: 5, medianMs: null },
        change: null,
      });
    });

    it('counts runs and steps and gives each rate its Wilson interval', async () => {
      const v = of(await versions(), '1.9.0');
      expect(v).toMatchObject({
        fewerThan: null,
        finishedRuns: 80,
        completed: 48,
        abandoned: 32,
        stepsDone: 133,
        stepsSkipped: 15,
        change: null,
      });
      // 15/148 is Newcombe's (1998) single-proportion example: 0.0624 to 0.1605.
      expect([v.skipRate?.rate, v.skipRate?.low, v.skipRate?.high].map(round)).toEqual([
        0.1014, 0.0624, 0.1605,
      ]);
      expect(v.completionRate?.rate).toBe(0.6);
      expect(v.abandonRate?.rate).toBe(0.4);
      const c = v.completionRate!;
      expect(c.low).toBeLessThan(0.6);
      expect(c.high).toBeGreaterThan(0.6);
      // The abandon interval mirrors the completion one: the two rates add up to 1.
      expect(v.abandonRate!.low).toBeCloseTo(1 - c.high, 12);
    });

    it('gives the median and quartiles of the timed completions', async () => {
      const answer = await versions();
      // 1 s … 48 s: interpolated quartiles at positions 11.75, 23.5 and 35.25.
      expect(of(answer, '1.9.0').timeToComplete).toEqual({
        people: 8,
        fewerThan: null,
        runs: 48,
        medianMs: 24_500,
        q1Ms: 12_750,
        q3Ms: 36_250,
      });
      // 0.5 s … 27.5 s (55 timed of 56 completions).
      expect(of(answer, '1.10.0').timeToComplete).toEqual({
        people: 6,
        fewerThan: null,
        runs: 55,
        medianMs: 14_000,
        q1Ms: 7_250,
        q3Ms: 20_750,
      });
      // Six people, but only four of them timed.
      expect(of(answer, '1.11.0').timeToComplete).toMatchObject({
        people: null,
        fewerThan: 5,
        runs: null,
        medianMs: null,
      });
    });

    it('compares with the version before that is shown, with Newcombe intervals and a verdict', async () => {
      const answer = await versions();
      const change = of(answer, '1.10.0').change!;
      // Not the hidden 1.9.1, whose rate the difference would give away.
      expect(change.from).toBe('1.9.0');
      // 56/70 − 48/80 is Newcombe's (1998) example (a): 0.2, from 0.0524 to 0.3339.
      const c = change.completionRate!;
      expect([c.difference, c.low, c.high].map(round)).toEqual([0.2, 0.0524, 0.3339]);
      expect(c.verdict).toBe('better');
      // Fewer runs abandoned: the same interval turned round, and also better.
      const a = change.abandonRate!;
      expect([a.difference, a.low, a.high].map(round)).toEqual([-0.2, -0.3339, -0.0524]);
      expect(a.verdict).toBe('better');
      // 1/29 against 15/148: fewer skips, but the interval holds 0.
      expect(change.skipRate?.verdict).toBe('no clear change');
      expect(change.skipRate!.low).toBeLessThan(0);
      expect(change.skipRate!.high).toBeGreaterThan(0);
      expect(change.medianMsDifference).toBe(14_000 - 24_500);

      // 12/12 against 56/70; the time of 1.11.0 is hidden, so no time difference.
      const next = of(answer, '1.11.0').change!;
      expect(next.from).toBe('1.10.0');
      expect(next.completionRate?.verdict).toBe('no clear change');
      expect(next.medianMsDifference).toBeNull();
    });

    it('hides what a team filter narrows below 5 people', async () => {
      const answer = await versions('&team=front-desk&role=');
      expect(answer.query).toEqual({ aid: AID, team: 'front-desk' });
      // Three of 1.9.0's eight people are in front-desk.
      expect(of(answer, '1.9.0')).toMatchObject({ people: null, fewerThan: 5, completed: null });
      // So 1.10.0 is now the first version shown: nothing to compare it with.
      expect(of(answer, '1.10.0')).toMatchObject({ people: 6, change: null });
      // The minGroup option lowers the threshold.
      expect((await versions('', { minGroup: 2 })).versions[1]).toMatchObject({
        version: '1.9.1',
        people: 3,
      });
    });

    it('counts only the days asked for, and keeps the durations past retention', async () => {
      const late = await versions('&from=2026-03-04');
      expect(late.versions.map((v) => v.version)).toEqual(['1.10.0', '1.11.0']);
      expect(of(late, '1.10.0').change).toBeNull();

      const before = await versions();
      // A year later every raw event is gone; the rollups and durations are not.
      expect(await pruneEvents(db, new Date(daysAfter(NOON, 365)))).toBe(batch.length);
      expect(await versions()).toEqual(before);
    });

    it('counts nothing twice when the same batch is sent again', async () => {
      const before = await versions();
      const durations = await db.selectFrom('run_durations').select('event_id').execute();
      expect(durations).toHaveLength(48 + 9 + 55 + 8 + 1);
      expect(await ingestBatch(db, { deviceId: 'dev_1', events: batch })).toEqual({
        accepted: 0,
        duplicates: batch.length,
      });
      expect(await versions()).toEqual(before);
      expect(await db.selectFrom('run_durations').select('event_id').execute()).toHaveLength(
        durations.length,
      );
      // The raw event keeps its duration too.
      const timed = batch.find((e) => e.ms === 36_000)!;
      const row = await db
        .selectFrom('events')
        .select('ms')
        .where('id', '=', timed.id)
        .executeTakeFirstOrThrow();
      expect(row.ms).toBe(36_000);
    });

    it('takes a duration on checklist_completed only, over the events endpoint', async () => {
      const { token } = await createDevice(db, 'Front desk');
      const post = (events: HubEvent[]) =>
        app().request('/api/events', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ events }),
        });
      const res = await post([event({ type: 'step_done', ms: 1000 })]);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        problems: [{ path: 'events[0].ms', message: 'only checklist_completed carries ms' }],
      });
      const completed = event({
        type: 'checklist_completed',
        stepId: undefined,
        how: undefined,
        packVersion: '1.10.0',
        at: daysAfter(NOON, 2),
        ms: 2_000,
      });
      expect((await post([completed])).status).toBe(200);
      expect(
        await db
          .selectFrom('run_durations')
          .select(['day', 'pack_version', 'team', 'actor', 'ms'])
          .where('event_id', '=', completed.id)
          .execute(),
      ).toEqual([
        {
          day: '2026-03-04',
          pack_version: '1.10.0',
          team: 'front-desk',
          actor: 'actor-a',
          ms: 2_000,
        },
      ]);
    });

    it('answers an aid nobody used with no versions', async () => {
      const res = await app().request('/api/insights/versions?aid=crm/nothing', {
        headers: { cookie },
      });
      expect(await res.json()).toMatchObject({ versions: [] });
    });

    it('needs a sign-in, and refuses a query without an aid or with a bad day', async () => {
      expect((await app().request(`/api/insights/versions?aid=${AID}`)).status).toBe(401);
      const device = await app().request(`/api/insights/versions?aid=${AID}`, {
        headers: { authorization: 'Bearer 0123456789abcdef0123' },
      });
      expect(device.status).toBe(401);
      for (const q of ['', '?aid=', `?aid=${AID}&from=2026-02-30`, `?aid=${AID}&version=1.9.0`]) {
        const res = await app().request(`/api/insights/versions${q}`, { headers: { cookie } });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ error: 'invalid query' });
      }
    });
  });
}
