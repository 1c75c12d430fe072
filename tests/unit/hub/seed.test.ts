/**
 * The view bench seeds events and rollups in bulk with SQL (bench/hub-fleet.ts). Its rollups
 * must be what ingest would have written for the same events, or the bench would time views
 * over data the hub cannot hold: seed N events, send the very same events through
 * ingestBatch into a second database, and compare the rollup tables row for row.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET, seedEvents } from '../../../bench/hub-fleet';
import { foldPending } from '../../../src/hub/compact';
import { hubMigrations } from '../../../src/hub/db/migrations';
import type { HubDb } from '../../../src/hub/db/open';
import { ingestBatch } from '../../../src/hub/ingest';
import { fleetSummary } from '../../../src/hub/insights';
import { rebuildPeriods } from '../../../src/hub/period-rebuild';
import type { HubEvent } from '../../../src/protocol/hub';
import { backends, type Opened } from './backends';

const NOW = Date.UTC(2026, 5, 15, 10, 30);
const N = 3_000;

async function tables(db: HubDb) {
  const rollups = await db
    .selectFrom('daily_rollups')
    .selectAll()
    .orderBy('day')
    .orderBy('pack_id')
    .orderBy('aid_key')
    .orderBy('pack_version')
    .orderBy('step_id')
    .orderBy('event_type')
    .orderBy('team')
    .orderBy('role')
    .orderBy('how')
    .execute();
  const actors = await db
    .selectFrom('daily_actors')
    .selectAll()
    .orderBy('day')
    .orderBy('pack_id')
    .orderBy('aid_key')
    .orderBy('pack_version')
    .orderBy('step_id')
    .orderBy('event_type')
    .orderBy('team')
    .orderBy('role')
    .orderBy('actor')
    .execute();
  const reasons = await db
    .selectFrom('daily_reasons')
    .selectAll()
    .orderBy('day')
    .orderBy('pack_id')
    .orderBy('aid_key')
    .orderBy('pack_version')
    .orderBy('step_id')
    .orderBy('team')
    .orderBy('role')
    .orderBy('reason_hash')
    .orderBy('actor')
    .execute();
  const durations = await db.selectFrom('run_durations').selectAll().orderBy('event_id').execute();
  return { rollups, actors, reasons, durations };
}

/**
 * The period rollups as the views see them: counts row for row, people counted per row (the
 * numbers people get depend on the order they were first seen), and skip reasons' givers.
 */
async function periods(db: HubDb) {
  const counts = await sql`select * from period_counts
    order by span, start, team, role, pack_id, aid_key, pack_version, step_id, metric`.execute(db);
  const people = await sql`select span, start, pack_id, aid_key, pack_version, step_id, subject,
      sum(bit_count(bits))::int as people
    from period_people group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7`.execute(db);
  const groups = await sql`select team, role, count(*)::int as people from actor_groups
    group by team, role order by team, role`.execute(db);
  const reasons = await db.selectFrom('reason_texts').selectAll().orderBy('reason_hash').execute();
  const pending = await db.selectFrom('period_pending').select('id').execute();
  return { counts: counts.rows, people: people.rows, groups: groups.rows, reasons, pending };
}

/** The stored events back as a browser would have sent them. */
async function sentEvents(db: HubDb): Promise<HubEvent[]> {
  const rows = await db.selectFrom('events').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    type: r.type as HubEvent['type'],
    aidKey: r.aid_key,
    aidId: r.aid_id,
    packId: r.pack_id,
    packVersion: r.pack_version,
    ...(r.step_id !== null ? { stepId: r.step_id } : {}),
    ...(r.how !== null ? { how: r.how as 'auto' | 'manual' } : {}),
    ...(r.reason !== null ? { reason: r.reason } : {}),
    url: r.url,
    at: r.at.getTime(),
    recordedAt: r.recorded_at.getTime(),
    actor: r.actor,
    ...(r.team !== null ? { team: r.team } : {}),
    ...(r.role !== null ? { role: r.role } : {}),
    ...(r.ms !== null ? { ms: r.ms } : {}),
  }));
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`bench seeding on ${backend.name}`, () => {
    let seeded: Opened;
    let ingested: Opened;
    beforeAll(async () => {
      seeded = await backend.open();
      ingested = await backend.open();
    }, 60_000);
    afterAll(async () => {
      await seeded?.drop();
      await ingested?.drop();
    });

    it('writes the rollups ingest writes for the same events', async () => {
      // Two statements' worth, the second going on where the first stopped.
      await seedEvents(seeded.db, { count: N, nowMs: NOW, chunk: 1_000 });
      await seedEvents(seeded.db, { count: N, first: N, nowMs: NOW, chunk: 2_000 });
      const events = await sentEvents(seeded.db);
      expect(events).toHaveLength(2 * N);
      for (let i = 0; i < events.length; i += 500) {
        const batch = events.slice(i, i + 500);
        const answer = await ingestBatch(ingested.db, {
          deviceId: 'dev_1',
          events: batch,
          now: new Date(NOW),
        });
        expect(answer).toEqual({ accepted: batch.length, duplicates: 0 });
        // Folded batch by batch: rows already there are added to, bitmaps or-ed.
        if (i % 1_000 === 0) await foldPending(ingested.db);
      }
      await foldPending(ingested.db);
      await rebuildPeriods(seeded.db);

      const want = await tables(ingested.db);
      const got = await tables(seeded.db);
      expect(got.rollups).toEqual(want.rollups);
      expect(got.actors).toEqual(want.actors);
      expect(got.reasons).toEqual(want.reasons);
      expect(got.durations).toEqual(want.durations);
      expect(want.durations.length).toBeGreaterThan(0);

      // The period rollups: folded from ingest, and rebuilt from the daily tables, agree.
      const folded = await periods(ingested.db);
      const rebuilt = await periods(seeded.db);
      expect(folded.pending).toEqual([]);
      expect(rebuilt.counts).toEqual(folded.counts);
      expect(rebuilt.people).toEqual(folded.people);
      expect(rebuilt.groups).toEqual(folded.groups);
      expect(rebuilt.reasons).toEqual(folded.reasons);
      expect(folded.counts.length).toBeGreaterThan(1_000);
      expect(folded.reasons.length).toBe(FLEET.reasons.filter((r) => r !== '').length);
      // Every event is counted once in each span, in each way the span keeps teams and roles
      // (./compact.ts cube): as they are, a team over all roles, a role over all teams, all.
      const all = folded.counts as {
        span: string;
        team: string;
        role: string;
        metric: string;
        events: number;
      }[];
      const kept = {
        d: ['tr', '**'],
        w: ['t*', '*r', '**'],
        m: ['tr', 't*', '*r', '**'],
        y: ['t*', '*r', '**'],
      };
      for (const [span, groups] of Object.entries(kept)) {
        const shapes = new Set(
          all
            .filter((r) => r.span === span)
            .map((r) => `${r.team === '*' ? '*' : 't'}${r.role === '*' ? '*' : 'r'}`),
        );
        expect([...shapes].sort()).toEqual([...groups].sort());
        for (const shape of groups) {
          const sum = all
            .filter(
              (r) =>
                r.span === span &&
                `${r.team === '*' ? '*' : 't'}${r.role === '*' ? '*' : 'r'}` === shape &&
                !r.metric.includes(':'),
            )
            .reduce((n, r) => n + Number(r.events), 0);
          expect(sum, `${span} ${shape}`).toBe(2 * N);
        }
      }

      // A hub whose months lack their team-and-role rows (filled before 0010) gets them,
      // the same, from the migration.
      await sql`delete from period_counts where span = 'm' and team <> '*' and role <> '*'`.execute(
        seeded.db,
      );
      const migrations = await hubMigrations.getMigrations();
      await migrations['0010_month_team_role']!.up(seeded.db as never);
      expect((await periods(seeded.db)).counts).toEqual(folded.counts);
      // A hub from before years gets them from its months.
      await sql`delete from period_counts where span = 'y'`.execute(seeded.db);
      await sql`delete from period_people where span = 'y'`.execute(seeded.db);
      await migrations['0013_years']!.up(seeded.db as never);
      const migrated = await periods(seeded.db);
      expect(migrated.counts).toEqual(folded.counts);
      expect(migrated.people).toEqual(folded.people);

      // The data has the shape the bench promises: every kind of row is there.
      expect(want.reasons.length).toBeGreaterThan(0);
      expect(new Set(events.map((e) => e.type)).size).toBe(FLEET.types.length);
      expect(new Set(events.map((e) => e.packVersion))).toEqual(new Set(['1.0.0', '1.1.0']));
      expect(new Set(events.map((e) => e.how))).toEqual(new Set([undefined, 'auto', 'manual']));
      const total = want.rollups.reduce((n, r) => n + r.events, 0);
      expect(total).toBe(2 * N);
    }, 120_000);
  });
}

/** What the summary must say, counted the slow way from the raw events. */
function expected(
  events: HubEvent[],
  f: { from?: string; to?: string; team?: string; role?: string },
) {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const inRange = events.filter(
    (e) =>
      (!f.from || day(e.at) >= f.from) &&
      (!f.to || day(e.at) <= f.to) &&
      (f.team === undefined || e.team === f.team) &&
      (f.role === undefined || e.role === f.role),
  );
  const out = new Map<
    string,
    { shown: number; completed: number; skipped: Map<string, number>; people: Set<string> }
  >();
  for (const e of inRange) {
    let a = out.get(e.aidKey);
    if (!a) {
      a = { shown: 0, completed: 0, skipped: new Map(), people: new Set() };
      out.set(e.aidKey, a);
    }
    if (e.type === 'aid_shown') a.shown++;
    if (e.type === 'checklist_completed') a.completed++;
    if (e.type === 'step_skipped') a.skipped.set(e.stepId!, (a.skipped.get(e.stepId!) ?? 0) + 1);
    a.people.add(e.actor);
  }
  return out;
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`fleet summary from period rollups on ${backend.name}`, () => {
    let opened: Opened;
    let events: HubEvent[];
    beforeAll(async () => {
      opened = await backend.open();
      await seedEvents(opened.db, { count: 4_000, nowMs: NOW, chunk: 4_000 });
      events = await sentEvents(opened.db);
      await rebuildPeriods(opened.db);
    }, 60_000);
    afterAll(() => opened?.drop());

    // Ranges over whole months, weeks and single days; each filter the views offer.
    const day = (daysAgo: number) =>
      new Date(NOW - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const cases = [
      {},
      { from: day(40), to: day(3) },
      { from: day(100), to: day(100) },
      { team: 'team-3' },
      { role: 'lead', from: day(75), to: day(2) },
      { team: 'team-5', role: 'agent' },
      { team: 'team-5', role: 'agent', from: day(61), to: day(9) },
      // The year less its last days; from a day to the last counted.
      { to: day(2) },
      { team: 'team-5', role: 'agent', to: day(4) },
      { from: day(150) },
    ];
    for (const filter of cases) {
      it(`counts what the raw events say for ${JSON.stringify(filter)}`, async () => {
        const want = expected(events, filter);
        const got = await fleetSummary(opened.db, filter, 1);
        expect(got.aids.map((a) => a.aidKey).sort()).toEqual([...want.keys()].sort());
        expect(want.size).toBeGreaterThan(0);
        for (const a of got.aids) {
          const w = want.get(a.aidKey)!;
          expect({
            key: a.aidKey,
            shown: a.shown,
            completed: a.completed,
            people: a.people,
          }).toEqual({
            key: a.aidKey,
            shown: w.shown,
            completed: w.completed,
            people: w.people.size,
          });
          for (const s of a.steps) expect(s.skipped).toBe(w.skipped.get(s.stepId) ?? 0);
        }
      });
    }
  });
}
