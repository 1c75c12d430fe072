/**
 * The fleet summary (src/protocol/fleet.ts) read from the period rollups (./period-read.ts):
 * never from raw events, which retention deletes. Counts, skip reasons and durations come
 * from period_counts, people from the bitmaps of period_people (each person once however
 * often they acted). A row counted from fewer than `minGroup` people is hidden; a reason is
 * shown when at least `minGroup` different people have given that same text.
 */

import { sql } from 'kysely';
import { compareVersions } from '../aids/validate';
import type {
  FleetAidInsight,
  FleetFilters,
  FleetGroup,
  FleetQuery,
  FleetStepInsight,
  FleetSummary,
} from '../protocol/fleet';
import type { ReasonCount } from '../protocol/insights';
import { foldPending } from './compact';
import type { HubDb } from './db/open';
import { rowKey, viewRows } from './db/view-rows';
import { countsIn, peopleOf, rangeFor } from './period-read';
import { ALL, bucketMs } from './period-rows';
import { cover, signedCover } from './periods';

/** The smallest group of people whose counts are shown apart, unless the hub is set otherwise. */
export const DEFAULT_MIN_GROUP = 5;

const TOP_REASONS = 3;

function group(people: number, minGroup: number): FleetGroup {
  return people < minGroup ? { people: null, fewerThan: minGroup } : { people, fewerThan: null };
}

/** The median of counts per duration bucket: the middle run's bucket, as a duration. */
function medianOf(buckets: Map<number, number> | undefined): number | null {
  if (!buckets) return null;
  const sorted = [...buckets].sort(([a], [b]) => a - b);
  const total = sorted.reduce((n, [, c]) => n + c, 0);
  let seen = 0;
  for (const [bucket, count] of sorted) {
    seen += count;
    if (seen * 2 >= total) return Math.round(bucketMs(bucket));
  }
  return null;
}

/** Counts of one aid or step: event type (with `how` for step_done) → events. */
class Tally {
  private counts = new Map<string, number>();
  add(type: string, events: number) {
    this.counts.set(type, (this.counts.get(type) ?? 0) + events);
  }
  get(type: string): number {
    return this.counts.get(type) ?? 0;
  }
}

interface AidWork {
  aidKey: string;
  packId: string;
  tally: Tally;
  steps: Map<string, Tally>;
}

export async function fleetSummary(
  db: HubDb,
  query: FleetQuery,
  minGroup = DEFAULT_MIN_GROUP,
): Promise<FleetSummary> {
  await foldPending(db);
  const range = await rangeFor(db, query);
  const periods = range ? cover(range.from, range.to, range.data) : [];
  if (!range || periods.length === 0) return { query, minGroup, aids: [] };
  // Counts may take days away from a whole month or week; people are unions, and cannot.
  const signed = signedCover(range.from, range.to, range.data);

  // Counts and people are independent: on PostgreSQL they run at once on the pool's
  // connections (PGlite, one connection, takes them in turn). Counts are summed over
  // versions; the second grouping set says which versions each aid was counted in. A sum
  // of nothing but days taken away is 0, and not a count.
  // Each grouping set leaves the other's columns null.
  const countedQuery = viewRows<{
    aid_key: string;
    pack_id: string;
    pack_version: string | null;
    step_id: string | null;
    metric: string | null;
    events: number;
  }>(
    db,
    countsIn(db, query, signed.plus, signed.minus)!
      .where('metric', 'not like', 'signal:%')
      .select((eb) => [
        'aid_key',
        'pack_id',
        'pack_version',
        'step_id',
        'metric',
        eb.cast<number>(eb.fn.sum('events'), 'bigint').as('events'),
      ])
      .groupBy(
        sql`grouping sets ((aid_key, pack_id, step_id, metric), (aid_key, pack_id, pack_version))`,
      )
      .having((eb) => eb(eb.fn.sum('events'), '!=', 0)),
    ['aid_key', 'pack_id', 'pack_version', 'step_id', 'metric', 'events'],
  );
  const peopleQuery = peopleOf(db, query, periods, [
    'aid:any',
    'aid:reached',
    'step:any',
    'step:reached',
  ]);
  const [rows, people] = await Promise.all([countedQuery, peopleQuery]);

  const aids = new Map<string, AidWork>();
  const versionsOf = new Map<string, Set<string>>();
  const reasonRows: { stepKey: string; hash: string; count: number }[] = [];
  const durations = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const id = rowKey(r.aid_key, r.pack_id);
    if (r.metric === null || r.step_id === null) {
      const versions = versionsOf.get(id) ?? new Set<string>();
      if (r.pack_version !== null) versions.add(r.pack_version);
      versionsOf.set(id, versions);
    } else if (r.metric.startsWith('reason:')) {
      const stepKey = rowKey(r.aid_key, r.pack_id, r.step_id);
      reasonRows.push({ stepKey, hash: r.metric.slice(7), count: r.events });
    } else if (r.metric.startsWith('ms:')) {
      const buckets = durations.get(id) ?? new Map<number, number>();
      const b = Number(r.metric.slice(3));
      buckets.set(b, (buckets.get(b) ?? 0) + r.events);
      durations.set(id, buckets);
    } else {
      let aid = aids.get(id);
      if (!aid) {
        aid = { aidKey: r.aid_key, packId: r.pack_id, tally: new Tally(), steps: new Map() };
        aids.set(id, aid);
      }
      // 'step_done' counts every step done; 'step_done:auto' and ':manual' the part of it
      // whose how is known.
      if (!r.metric.includes(':')) aid.tally.add(r.metric, r.events);
      if (r.step_id !== '') {
        let step = aid.steps.get(r.step_id);
        if (!step) {
          step = new Tally();
          aid.steps.set(r.step_id, step);
        }
        step.add(r.metric, r.events);
      }
    }
  }

  // Only reasons enough different people gave: free text could name or identify someone.
  const reasonHashes = [...new Set(reasonRows.map((r) => r.hash))];
  const texts = new Map<string, string>();
  for (let i = 0; i < reasonHashes.length; i += 1_000) {
    const known = await db
      .selectFrom('reason_texts')
      .select(['reason_hash', 'reason'])
      .where('reason_hash', 'in', reasonHashes.slice(i, i + 1_000))
      .where('givers', '>=', minGroup)
      .execute();
    for (const k of known) texts.set(k.reason_hash, k.reason);
  }
  const reasonsOfStep = new Map<string, ReasonCount[]>();
  for (const r of reasonRows) {
    const reason = texts.get(r.hash);
    if (reason === undefined) continue;
    const list = reasonsOfStep.get(r.stepKey) ?? [];
    list.push({ reason, count: r.count });
    reasonsOfStep.set(r.stepKey, list);
  }

  const peopleWith = (subject: string) => people.filter((p) => p.subject === subject);
  const aidPeople = peopleWith('aid:any');
  const aidStarted = peopleWith('aid:reached');
  const stepPeople = peopleWith('step:any');
  const stepReached = peopleWith('step:reached');

  const peopleOfAid = new Map(aidPeople.map((p) => [rowKey(p.aid_key, p.pack_id), p.people]));
  const peopleOfStep = new Map(
    stepPeople.map((p) => [rowKey(p.aid_key, p.pack_id, p.step_id), p.people]),
  );
  const reachedOfStep = new Map(
    stepReached.map((p) => [rowKey(p.aid_key, p.pack_id, p.step_id), Number(p.people)]),
  );
  const startedOfAid = new Map(
    aidStarted.map((p) => [rowKey(p.aid_key, p.pack_id), Number(p.people)]),
  );
  /** A count of people, or null when it is of fewer than minGroup (or its row is hidden). */
  const peopleCount = (n: number | undefined, rowShown: boolean) =>
    rowShown && (n ?? 0) >= minGroup ? (n ?? 0) : null;
  const out: FleetAidInsight[] = [];
  for (const [id, aid] of aids) {
    const aidGroup = group(peopleOfAid.get(id) ?? 0, minGroup);
    const shown = aidGroup.fewerThan === null;
    const n = (t: Tally, type: string) => (shown ? t.get(type) : null);
    const steps: FleetStepInsight[] = [...aid.steps.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([stepId, t]) => {
        const stepKey = rowKey(aid.aidKey, aid.packId, stepId);
        const g = group(peopleOfStep.get(stepKey) ?? 0, minGroup);
        const m = (type: string) => (g.fewerThan === null ? t.get(type) : null);
        const top = (reasonsOfStep.get(stepKey) ?? [])
          .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1))
          .slice(0, TOP_REASONS);
        return {
          stepId,
          ...g,
          doneAuto: m('step_done:auto'),
          doneManual: m('step_done:manual'),
          done: m('step_done'),
          undone: m('step_undone'),
          skipped: m('step_skipped'),
          topReasons: g.fewerThan === null ? top : [],
          targetMissing: m('target_missing'),
          targetHealed: m('target_healed'),
          failed: m('check_failed'),
          corrected: m('check_passed'),
          overridden: m('check_overridden'),
          reached: peopleCount(reachedOfStep.get(stepKey), g.fewerThan === null),
        };
      });
    out.push({
      aidKey: aid.aidKey,
      packId: aid.packId,
      versions: [...(versionsOf.get(id) ?? [])].sort(),
      ...aidGroup,
      started: peopleCount(startedOfAid.get(id), shown),
      shown: n(aid.tally, 'aid_shown'),
      // A walkthrough finishes and is stopped as a checklist completes and is left.
      completed: shown
        ? aid.tally.get('checklist_completed') + aid.tally.get('walkthrough_finished')
        : null,
      abandoned: shown
        ? aid.tally.get('run_abandoned') + aid.tally.get('walkthrough_abandoned')
        : null,
      opened: n(aid.tally, 'tip_opened'),
      targetMissing: n(aid.tally, 'target_missing'),
      targetHealed: n(aid.tally, 'target_healed'),
      medianMs: shown ? medianOf(durations.get(id)) : null,
      steps,
    });
  }
  out.sort((a, b) => (a.aidKey < b.aidKey ? -1 : a.aidKey > b.aidKey ? 1 : 0));
  return { query, minGroup, aids: out };
}

/**
 * The choices of the fleet views' filters: every team, role, pack and pack version counted
 * (teams and roles without the '' of "none"; versions newest first), read from the monthly
 * period counts, where each team and each role has rows of its own.
 */
export async function fleetFilters(db: HubDb): Promise<FleetFilters> {
  await foldPending(db);
  const months = db.selectFrom('period_counts').where('span', '=', 'm');
  const teams = await months
    .select('team')
    .distinct()
    .where('role', '=', ALL)
    .where('team', 'not in', [ALL, ''])
    .orderBy('team')
    .execute();
  const roles = await months
    .select('role')
    .distinct()
    .where('team', '=', ALL)
    .where('role', 'not in', [ALL, ''])
    .orderBy('role')
    .execute();
  const versions = await months
    .select(['pack_id', 'pack_version'])
    .distinct()
    .where('team', '=', ALL)
    .where('role', '=', ALL)
    .orderBy('pack_id')
    .execute();
  const packs = new Map<string, string[]>();
  for (const v of versions) {
    const list = packs.get(v.pack_id) ?? [];
    list.push(v.pack_version);
    packs.set(v.pack_id, list);
  }
  return {
    teams: teams.map((t) => t.team),
    roles: roles.map((r) => r.role),
    packs: [...packs].map(([id, list]) => ({
      id,
      versions: list.sort((a, b) => compareVersions(b, a)),
    })),
  };
}
