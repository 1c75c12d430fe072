/**
 * The fleet Health API through the Hono app, on both backends: target problems per aid and
 * step from the rollups, failed signals, small groups hidden, filters, comments from raw
 * events, and sign-in.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHubApp, type HubAppOptions } from '../../../src/hub/app';
import type { HubDb } from '../../../src/hub/db/open';
import { ingestBatch } from '../../../src/hub/ingest';
import type { FleetAidHealth, FleetHealth } from '../../../src/protocol/fleet-health';
import type { HubEvent } from '../../../src/protocol/hub';
import { backends, emptyTables, type Opened } from './backends';
import { daysAfter, event, NOON } from './fixtures';
import { signedIn } from './session';

const PASSWORD = 'correct horse battery staple';
const DAY = '2026-03-02';

const base = { how: undefined, stepId: undefined } as const;

/**
 * crm/new-contact: step "email" missing for six people (seven page views: a1 twice), found by
 * a weaker signal for two; a comment from a2 and a flag without one from a3.
 * crm/tip: its own target missing for two people. a1 in back-office, the rest in front-desk.
 */
function fleetEvents(): HubEvent[] {
  const events: HubEvent[] = [];
  const on = (actor: string, over: Partial<HubEvent>) =>
    events.push(event({ actor, team: actor === 'a1' ? 'back-office' : 'front-desk', ...over }));
  for (const a of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']) {
    on(a, { ...base, type: 'aid_shown' });
    on(a, { ...base, type: 'target_missing', stepId: 'email', failedSignals: ['css', 'label'] });
  }
  on('a1', { ...base, type: 'target_missing', stepId: 'email', failedSignals: ['css'] });
  for (const a of ['a2', 'a3']) {
    on(a, {
      ...base,
      type: 'target_healed',
      stepId: 'email',
      failedSignals: ['css'],
      foundBy: 'label',
    });
  }
  on('a2', {
    ...base,
    type: 'aid_feedback',
    stepId: 'email',
    comment: 'The <b>Email</b> box moved',
    url: 'https://crm.example.com/contacts/new',
  });
  on('a3', { ...base, type: 'aid_feedback', at: NOON + 1000 });
  for (const b of ['b1', 'b2']) {
    on(b, {
      ...base,
      type: 'target_missing',
      aidKey: 'crm/tip',
      aidId: 'tip',
      failedSignals: ['text'],
    });
  }
  // The next day: a third person on the tip.
  on('b3', {
    ...base,
    type: 'target_missing',
    aidKey: 'crm/tip',
    aidId: 'tip',
    at: daysAfter(NOON, 1),
  });
  return events;
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`hub fleet health on ${backend.name}`, () => {
    let opened: Opened;
    let db: HubDb;
    let cookie: string;
    const batch = fleetEvents();

    const app = (over: Partial<HubAppOptions> = {}) =>
      createHubApp({ db, now: () => daysAfter(NOON, 1), ...over });

    async function health(query = '', over: Partial<HubAppOptions> = {}) {
      const res = await app(over).request(`/api/insights/health${query}`, {
        headers: { cookie },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as FleetHealth;
    }
    const aid = (h: FleetHealth, key: string) => h.aids.find((a) => a.aidKey === key)!;
    const target = (a: FleetAidHealth, stepId: string | null) =>
      a.targets.find((t) => t.stepId === stepId)!;

    beforeAll(async () => {
      opened = await backend.open();
      db = opened.db;
    }, 30_000);
    afterAll(() => opened?.drop());
    beforeEach(async () => {
      await emptyTables(db);
      for (const t of ['daily_reasons', 'daily_signals', 'alerts'] as const) {
        await db.deleteFrom(t).execute();
      }
      cookie = await signedIn(app(), db, 'vic', 'viewer', PASSWORD);
      await ingestBatch(db, { deviceId: 'dev_1', events: batch, now: new Date(NOON) });
    });

    it('answers 401 without a sign-in, and 400 to a malformed query', async () => {
      expect((await app().request('/api/insights/health')).status).toBe(401);
      for (const q of ['?from=2026-02-30', '?to=2026-03-01&from=2026-03-02', '?actor=a1']) {
        const res = await app().request(`/api/insights/health${q}`, { headers: { cookie } });
        expect(res.status).toBe(400);
      }
    });

    it('counts people and page views affected, healed reports and signals per target', async () => {
      const h = await health();
      expect(h).toMatchObject({ minGroup: 5, retentionDays: 180 });
      const a = aid(h, 'crm/new-contact');
      expect(a).toMatchObject({
        packId: 'crm',
        people: 6,
        fewerThan: null,
        missing: 7,
        missingPeople: 6,
        healed: 2,
        feedback: 2,
        lastSeen: DAY,
        failedSignals: { css: 9, label: 6 },
        foundBy: { label: 2 },
        commentCount: 1,
      });
      expect(a.targets).toEqual([
        {
          stepId: 'email',
          people: 6,
          fewerThan: null,
          missing: 7,
          missingPeople: 6,
          healed: 2,
          failedSignals: { css: 9, label: 6 },
          foundBy: { label: 2 },
          lastSeen: DAY,
        },
      ]);
      // The comment as typed, with day, page and step; nobody named.
      expect(a.comments).toEqual([
        {
          day: DAY,
          url: 'https://crm.example.com/contacts/new',
          stepId: 'email',
          comment: 'The <b>Email</b> box moved',
        },
      ]);
      expect(JSON.stringify(h)).not.toMatch(/"a[1-6]"|actor/);
    });

    it('hides people and page views counted from fewer than 5 people, not the comments', async () => {
      const h = await health();
      const tip = aid(h, 'crm/tip');
      expect(tip).toMatchObject({
        people: null,
        fewerThan: 5,
        missing: null,
        missingPeople: null,
        failedSignals: null,
        lastSeen: '2026-03-03',
      });
      expect(target(tip, null)).toMatchObject({ people: null, fewerThan: 5, missing: null });
      // The shown aid comes first, the hidden one after.
      expect(h.aids.map((a) => a.aidKey)).toEqual(['crm/new-contact', 'crm/tip']);

      // A team of one: counts hidden, the comment still there.
      const one = aid(await health('?team=front-desk&role='), 'crm/new-contact');
      expect(one).toMatchObject({ people: 5, missingPeople: 5, missing: 5 });
      const narrow = aid(await health('?team=back-office'), 'crm/new-contact');
      expect(narrow).toMatchObject({ people: null, fewerThan: 5, missing: null });
      expect(narrow.comments).toEqual([]);
      const front = aid(await health('?team=front-desk'), 'crm/new-contact');
      expect(front.comments.map((c) => c.comment)).toEqual(['The <b>Email</b> box moved']);
    });

    it('follows minGroup, and filters by day, pack, version and aid', async () => {
      const tip = aid(await health('', { minGroup: 2 }), 'crm/tip');
      expect(tip).toMatchObject({ people: 3, missing: 3, failedSignals: { text: 2 } });
      const firstDay = aid(await health(`?to=${DAY}`, { minGroup: 2 }), 'crm/tip');
      expect(firstDay).toMatchObject({ people: 2, missing: 2, lastSeen: DAY });
      expect((await health('?from=2026-03-03')).aids.map((a) => a.aidKey)).toEqual(['crm/tip']);
      expect((await health('?aid=crm/tip')).aids.map((a) => a.aidKey)).toEqual(['crm/tip']);
      expect((await health('?pack=other')).aids).toEqual([]);
      expect((await health('?version=9.9.9')).aids).toEqual([]);
    });

    it('keeps the counts but loses the comments when retention deletes raw events', async () => {
      await db.deleteFrom('events').execute();
      const a = aid(await health(), 'crm/new-contact');
      expect(a).toMatchObject({ people: 6, missing: 7, feedback: 2, commentCount: 0 });
      expect(a.comments).toEqual([]);
    });

    it('keeps at most 50 comments per aid, newest first, and counts them all', async () => {
      const many = Array.from({ length: 55 }, (_, i) =>
        event({
          ...base,
          actor: `c${i}`,
          type: 'aid_feedback',
          comment: `comment ${i}`,
          at: NOON + 60_000 * (i + 1),
        }),
      );
      await ingestBatch(db, { deviceId: 'dev_1', events: many, now: new Date(NOON) });
      const a = aid(await health(), 'crm/new-contact');
      expect(a.commentCount).toBe(56);
      expect(a.comments).toHaveLength(50);
      expect(a.comments[0]!.comment).toBe('comment 54');
      expect(a.comments[49]!.comment).toBe('comment 5');
    });

    it('counts nothing twice when the same batch is sent again', async () => {
      const before = await health();
      await ingestBatch(db, { deviceId: 'dev_1', events: batch, now: new Date(NOON) });
      expect(await health()).toEqual(before);
    });
  });
}
