/**
 * The fleet Insights API through the Hono app, on both backends: counts per aid and step
 * from the rollups, and small groups hidden.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHubApp, type HubAppOptions } from '../../../src/hub/app';
import type { HubDb } from '../../../src/hub/db/open';
import { ingestBatch } from '../../../src/hub/ingest';
import type { FleetAidInsight, FleetSummary } from '../../../src/protocol/fleet';
import type { HubEvent } from '../../../src/protocol/hub';
import { backends, emptyTables, type Opened } from './backends';
import { daysAfter, event, NOON } from './fixtures';
import { signedIn } from './session';

const PASSWORD = 'correct horse battery staple';
const DAY = '2026-03-02';

/** Six people on crm/new-contact (four in front-desk, two in back-office), two on crm/other. */
function fleetEvents(): HubEvent[] {
  const six = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
  const teamOf = (a: string) => (a === 'a5' || a === 'a6' ? 'back-office' : 'front-desk');
  const events: HubEvent[] = [];
  const on = (actor: string, over: Partial<HubEvent>) =>
    events.push(event({ actor, team: teamOf(actor), ...over }));
  for (const [i, a] of six.entries()) {
    on(a, { type: 'aid_shown', stepId: undefined, how: undefined });
    on(a, { type: 'step_done', stepId: 'email', how: i < 3 ? 'auto' : 'manual' });
    if (i < 3) on(a, { type: 'checklist_completed', stepId: undefined, how: undefined });
  }
  const skip = (a: string, reason: string) =>
    on(a, { type: 'step_skipped', stepId: 'phone', how: undefined, reason });
  for (const a of ['a1', 'a2', 'a3', 'a4', 'a5', 'a1']) skip(a, 'no phone number');
  for (const a of ['a2', 'a3', 'a4', 'a5', 'a6']) skip(a, 'will call <later>');
  skip('a6', 'customer Jane refused');
  // The next day: outside a range ending on DAY.
  on('a1', { type: 'aid_shown', stepId: undefined, how: undefined, at: daysAfter(NOON, 1) });
  for (const b of ['b1', 'b2']) {
    events.push(
      event({
        actor: b,
        aidKey: 'crm/other',
        aidId: 'other',
        type: 'aid_shown',
        stepId: undefined,
      }),
    );
    events.push(event({ actor: b, aidKey: 'crm/other', aidId: 'other', stepId: 'name' }));
  }
  return events;
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`hub fleet insights on ${backend.name}`, () => {
    let opened: Opened;
    let db: HubDb;
    let cookie: string;
    const batch = fleetEvents();

    const app = (over: Partial<HubAppOptions> = {}) =>
      createHubApp({ db, now: () => NOON, ...over });

    async function summary(query = '', over: Partial<HubAppOptions> = {}) {
      const res = await app(over).request(`/api/insights/summary${query}`, {
        headers: { cookie },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as FleetSummary;
    }
    const aid = (s: FleetSummary, key: string) => s.aids.find((a) => a.aidKey === key)!;
    const step = (a: FleetAidInsight, id: string) => a.steps.find((s) => s.stepId === id)!;

    beforeAll(async () => {
      opened = await backend.open();
      db = opened.db;
    }, 30_000);
    afterAll(() => opened?.drop());
    beforeEach(async () => {
      await emptyTables(db);
      await db.deleteFrom('daily_reasons').execute();
      cookie = await signedIn(app(), db, 'vic', 'viewer', PASSWORD);
      await ingestBatch(db, { deviceId: 'dev_1', events: batch, now: new Date(NOON) });
    });

    it('answers 401 without a sign-in', async () => {
      const res = await app().request('/api/insights/summary');
      expect(res.status).toBe(401);
    });

    it('counts people and events per aid and step for a viewer', async () => {
      const s = await summary();
      expect(s.minGroup).toBe(5);
      const a = aid(s, 'crm/new-contact');
      expect(a).toMatchObject({
        packId: 'crm',
        versions: ['1.2.0'],
        people: 6,
        fewerThan: null,
        shown: 7,
        completed: 3,
        abandoned: 0,
        opened: 0,
      });
      expect(step(a, 'email')).toMatchObject({
        people: 6,
        fewerThan: null,
        doneAuto: 3,
        doneManual: 3,
        done: 6,
        skipped: 0,
        undone: 0,
        topReasons: [],
      });
      const phone = step(a, 'phone');
      expect(phone).toMatchObject({ people: 6, skipped: 12, done: 0 });
      // Sorted by count; the reason only a6 gave is not there at all.
      expect(phone.topReasons).toEqual([
        { reason: 'no phone number', count: 6 },
        { reason: 'will call <later>', count: 5 },
      ]);
      expect(JSON.stringify(s)).not.toContain('Jane');
    });

    it('counts field checks per check: shown, corrected, saved anyway, and the reasons at least 5 people gave', async () => {
      const checks: HubEvent[] = [];
      const on = (actor: string, type: HubEvent['type'], over: Partial<HubEvent> = {}) =>
        checks.push(
          event({
            id: `chk-${checks.length}`,
            actor,
            aidKey: 'crm/contact-checks',
            aidId: 'contact-checks',
            type,
            stepId: 'refund',
            how: undefined,
            ...over,
          }),
        );
      for (const a of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) {
        on(a, 'check_failed');
        if (a === 'c6') on(a, 'check_passed');
        else on(a, 'check_overridden', { reason: 'Manager approved' });
      }
      on('c6', 'check_failed');
      on('c6', 'check_overridden', { reason: 'customer Jane insisted' });
      await ingestBatch(db, { deviceId: 'dev_1', events: checks, now: new Date(NOON) });

      const refund = step(aid(await summary(), 'crm/contact-checks'), 'refund');
      expect(refund).toMatchObject({
        people: 6,
        failed: 7,
        corrected: 1,
        overridden: 6,
        skipped: 0,
        topReasons: [{ reason: 'Manager approved', count: 5 }],
      });
    });

    it('gives the median time to complete, to within a tenth, only for completions that carried one', async () => {
      expect(aid(await summary(), 'crm/new-contact').medianMs).toBeNull();
      const runs = [60_000, 95_000, 120_000, 600_000, 1_800_000].map((ms, i) =>
        event({
          id: `run-${i}`,
          actor: `r${i}`,
          type: 'checklist_completed',
          stepId: undefined,
          how: undefined,
          ms,
        }),
      );
      await ingestBatch(db, { deviceId: 'dev_1', events: runs, now: new Date(NOON) });
      const median = aid(await summary(), 'crm/new-contact').medianMs!;
      expect(Math.abs(median - 120_000) / 120_000).toBeLessThan(0.1);
      // Hidden with the row when too few people are counted.
      const few = await summary('', { minGroup: 20 });
      expect(aid(few, 'crm/new-contact').medianMs).toBeNull();
    });

    it('hides an aid used by fewer than 5 people', async () => {
      const other = aid(await summary(), 'crm/other');
      expect(other).toMatchObject({
        people: null,
        fewerThan: 5,
        shown: null,
        completed: null,
        targetMissing: null,
      });
      expect(other.steps).toEqual([
        expect.objectContaining({
          stepId: 'name',
          people: null,
          fewerThan: 5,
          doneManual: null,
          done: null,
          topReasons: [],
        }),
      ]);
    });

    it('follows the minGroup option', async () => {
      const other = aid(await summary('', { minGroup: 2 }), 'crm/other');
      expect(other).toMatchObject({ people: 2, fewerThan: null, shown: 2 });
    });

    it('counts only the days asked for', async () => {
      const s = await summary(`?from=${DAY}&to=${DAY}`);
      expect(aid(s, 'crm/new-contact')).toMatchObject({ people: 6, shown: 6 });
      const later = await summary('?from=2026-03-03');
      expect(later.aids.map((a) => [a.aidKey, a.people, a.shown])).toEqual([
        ['crm/new-contact', null, null],
      ]);
    });

    it('hides what a team filter narrows below 5 people, reasons included', async () => {
      const s = await summary('?team=front-desk&role=');
      const a = aid(s, 'crm/new-contact');
      expect(a).toMatchObject({ people: null, fewerThan: 5, shown: null });
      expect(step(a, 'phone')).toMatchObject({ skipped: null, topReasons: [] });
      expect(JSON.stringify(s)).not.toContain('no phone');
    });

    it('filters by pack, version and aid', async () => {
      expect((await summary('?pack=crm&aid=crm/other')).aids.map((a) => a.aidKey)).toEqual([
        'crm/other',
      ]);
      expect((await summary('?version=9.9.9')).aids).toEqual([]);
    });

    it('sums a step over the versions it was used in: one reason, both versions named', async () => {
      const later = ['a1', 'a2', 'a3', 'a4', 'a5'].map((actor) =>
        event({
          actor,
          team: 'front-desk',
          packVersion: '1.3.0',
          type: 'step_skipped',
          stepId: 'phone',
          how: undefined,
          reason: 'no phone number',
        }),
      );
      await ingestBatch(db, { deviceId: 'dev_1', events: later, now: new Date(NOON) });
      const a = aid(await summary(), 'crm/new-contact');
      expect(a.versions).toEqual(['1.2.0', '1.3.0']);
      const phone = step(a, 'phone');
      expect(phone.skipped).toBe(17);
      expect(phone.topReasons).toEqual([
        { reason: 'no phone number', count: 11 },
        { reason: 'will call <later>', count: 5 },
      ]);
      // One version alone: its own counts.
      const only = aid(await summary('?version=1.3.0'), 'crm/new-contact');
      expect(only.versions).toEqual(['1.3.0']);
      expect(step(only, 'phone').topReasons).toEqual([{ reason: 'no phone number', count: 5 }]);
    });

    it('refuses a malformed query', async () => {
      for (const q of [
        '?from=2026-02-30',
        '?from=yesterday',
        '?to=2026-1-1',
        '?from=2026-03-03&to=2026-03-02',
        '?colour=red',
      ]) {
        const res = await app().request(`/api/insights/summary${q}`, { headers: { cookie } });
        expect(res.status).toBe(400);
      }
    });

    it('counts nothing twice when the same batch is sent again', async () => {
      const before = await summary();
      expect(await ingestBatch(db, { deviceId: 'dev_1', events: batch })).toEqual({
        accepted: 0,
        duplicates: batch.length,
      });
      expect(await summary()).toEqual(before);
    });
  });
}
