/**
 * The fleet summary (src/protocol/fleet.ts) read from the daily rollups, the distinct-people
 * table and the skip reasons: never from raw events, which retention deletes. Counts come
 * from daily_rollups, people from daily_actors (each person once however often they acted),
 * reasons from daily_reasons. A row counted from fewer than `minGroup` people is hidden.
 */
import { type ExpressionBuilder, sql } from 'kysely';
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
import type { HubDb } from './db/open';
import type { HubDatabase } from './db/schema';
import { rollupWhere } from './rollup-filter';

/** The smallest group of people whose counts are shown apart, unless the hub is set otherwise. */
export const DEFAULT_MIN_GROUP = 5;

const TOP_REASONS = 3;

/** The events by which a person reached a step, for the drop-off. */
const REACHED = ['step_done', 'step_skipped'];

const idOf = (...parts: string[]) => JSON.stringify(parts);

function group(people: number, minGroup: number): FleetGroup {
  return people < minGroup ? { people: null, fewerThan: minGroup } : { people, fewerThan: null };
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
  versions: Set<string>;
  tally: Tally;
  steps: Map<string, Tally>;
}

export async function fleetSummary(
  db: HubDb,
  query: FleetQuery,
  minGroup = DEFAULT_MIN_GROUP,
): Promise<FleetSummary> {
  const where = rollupWhere(query);

  // The four queries are independent: on PostgreSQL they run at once on the pool's
  // connections (PGlite, one connection, takes them in turn).
  const countedQuery = db
    .selectFrom('daily_rollups')
    .where(where)
    .select((eb) => [
      'aid_key',
      'pack_id',
      'pack_version',
      'step_id',
      'event_type',
      'how',
      eb.cast<number>(eb.fn.sum('events'), 'bigint').as('events'),
    ])
    .groupBy(['aid_key', 'pack_id', 'pack_version', 'step_id', 'event_type', 'how'])
    .execute();

  const aidPeopleQuery = db
    .selectFrom('daily_actors')
    .where(where)
    .select((eb) => ['aid_key', 'pack_id', eb.fn.count<number>('actor').distinct().as('people')])
    .groupBy(['aid_key', 'pack_id'])
    .execute();

  const stepPeopleQuery = db
    .selectFrom('daily_actors')
    .where(where)
    .where('step_id', '!=', '')
    .select((eb) => [
      'aid_key',
      'pack_id',
      'step_id',
      eb.fn.count<number>('actor').distinct().as('people'),
    ])
    .groupBy(['aid_key', 'pack_id', 'step_id'])
    .execute();

  // Drop-off by people: who did or skipped each step, and who did or skipped any step.
  const reachedWhere = (eb: ExpressionBuilder<HubDatabase, 'daily_actors'>) =>
    eb.and([where(eb), eb('step_id', '!=', ''), eb('event_type', 'in', REACHED)]);
  const stepReached = await db
    .selectFrom('daily_actors')
    .where(reachedWhere)
    .select((eb) => [
      'aid_key',
      'pack_id',
      'step_id',
      eb.fn.count<number>('actor').distinct().as('people'),
    ])
    .groupBy(['aid_key', 'pack_id', 'step_id'])
    .execute();
  const aidStarted = await db
    .selectFrom('daily_actors')
    .where(reachedWhere)
    .select((eb) => ['aid_key', 'pack_id', eb.fn.count<number>('actor').distinct().as('people')])
    .groupBy(['aid_key', 'pack_id'])
    .execute();

  // Only reasons enough different people gave: free text could name or identify someone.
  const reasonsQuery = db
    .selectFrom('daily_reasons')
    .where(where)
    .where('step_id', '!=', '')
    .select((eb) => [
      'aid_key',
      'pack_id',
      'step_id',
      eb.fn.max('reason').as('reason'),
      eb.cast<number>(eb.fn.sum('count'), 'bigint').as('count'),
    ])
    .groupBy(['aid_key', 'pack_id', 'step_id', 'reason_hash'])
    .having((eb) => eb(eb.fn.count('actor').distinct(), '>=', sql.lit(minGroup)))
    .execute();
  const [counted, aidPeople, stepPeople, reasons] = await Promise.all([
    countedQuery,
    aidPeopleQuery,
    stepPeopleQuery,
    reasonsQuery,
  ]);

  const aids = new Map<string, AidWork>();
  for (const r of counted) {
    const id = idOf(r.aid_key, r.pack_id);
    let aid = aids.get(id);
    if (!aid) {
      aid = {
        aidKey: r.aid_key,
        packId: r.pack_id,
        versions: new Set(),
        tally: new Tally(),
        steps: new Map(),
      };
      aids.set(id, aid);
    }
    aid.versions.add(r.pack_version);
    const type = r.event_type === 'step_done' && r.how ? `step_done:${r.how}` : r.event_type;
    aid.tally.add(r.event_type, r.events);
    if (r.step_id !== '') {
      let step = aid.steps.get(r.step_id);
      if (!step) {
        step = new Tally();
        aid.steps.set(r.step_id, step);
      }
      step.add(r.event_type, r.events);
      if (type !== r.event_type) step.add(type, r.events);
    }
  }

  const peopleOfAid = new Map(aidPeople.map((p) => [idOf(p.aid_key, p.pack_id), p.people]));
  const peopleOfStep = new Map(
    stepPeople.map((p) => [idOf(p.aid_key, p.pack_id, p.step_id), p.people]),
  );
  const reachedOfStep = new Map(
    stepReached.map((p) => [idOf(p.aid_key, p.pack_id, p.step_id), Number(p.people)]),
  );
  const startedOfAid = new Map(
    aidStarted.map((p) => [idOf(p.aid_key, p.pack_id), Number(p.people)]),
  );
  /** A count of people, or null when it is of fewer than minGroup (or its row is hidden). */
  const peopleCount = (n: number | undefined, rowShown: boolean) =>
    rowShown && (n ?? 0) >= minGroup ? (n ?? 0) : null;
  const reasonsOfStep = new Map<string, ReasonCount[]>();
  for (const r of reasons) {
    const id = idOf(r.aid_key, r.pack_id, r.step_id);
    const list = reasonsOfStep.get(id) ?? [];
    list.push({ reason: r.reason, count: r.count });
    reasonsOfStep.set(id, list);
  }

  const out: FleetAidInsight[] = [];
  for (const [id, aid] of aids) {
    const aidGroup = group(peopleOfAid.get(id) ?? 0, minGroup);
    const shown = aidGroup.fewerThan === null;
    const n = (t: Tally, type: string) => (shown ? t.get(type) : null);
    const steps: FleetStepInsight[] = [...aid.steps.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([stepId, t]) => {
        const stepKey = idOf(aid.aidKey, aid.packId, stepId);
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
          reached: peopleCount(reachedOfStep.get(stepKey), g.fewerThan === null),
        };
      });
    out.push({
      aidKey: aid.aidKey,
      packId: aid.packId,
      versions: [...aid.versions].sort(),
      ...aidGroup,
      started: peopleCount(startedOfAid.get(id), shown),
      shown: n(aid.tally, 'aid_shown'),
      completed: n(aid.tally, 'checklist_completed'),
      abandoned: n(aid.tally, 'run_abandoned'),
      opened: n(aid.tally, 'tip_opened'),
      targetMissing: n(aid.tally, 'target_missing'),
      targetHealed: n(aid.tally, 'target_healed'),
      steps,
    });
  }
  out.sort((a, b) => (a.aidKey < b.aidKey ? -1 : a.aidKey > b.aidKey ? 1 : 0));
  return { query, minGroup, aids: out };
}

/**
 * The choices of the fleet views' filters: every team, role, pack and pack version the
 * rollups hold (teams and roles without the '' of "none"; versions newest first).
 */
export async function fleetFilters(db: HubDb): Promise<FleetFilters> {
  const teams = await db
    .selectFrom('daily_rollups')
    .select('team')
    .distinct()
    .where('team', '!=', '')
    .orderBy('team')
    .execute();
  const roles = await db
    .selectFrom('daily_rollups')
    .select('role')
    .distinct()
    .where('role', '!=', '')
    .orderBy('role')
    .execute();
  const versions = await db
    .selectFrom('daily_rollups')
    .select(['pack_id', 'pack_version'])
    .distinct()
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
