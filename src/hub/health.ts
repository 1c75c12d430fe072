/**
 * The fleet Health (src/protocol/fleet-health.ts): per aid and target, the page views and
 * people affected by missing targets, healed counts, which signals failed and what found the
 * target instead, read from the rollups (daily_rollups, daily_actors, daily_signals), which
 * survive retention; the alerts the hub raised (./alerts.ts); and "Report a problem" comments,
 * read from raw events, so they go when retention deletes those. A row counted from fewer
 * than `minGroup` people is hidden; comments are not (they name nobody).
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { FleetGroup, FleetQuery } from '../protocol/fleet';
import type {
  FleetAidHealth,
  FleetAlert,
  FleetComment,
  FleetHealth,
  FleetTargetHealth,
} from '../protocol/fleet-health';
import type { Counts } from '../protocol/insights';
import type { HubDb } from './db/open';
import type { HubDatabase } from './db/schema';
import { DEFAULT_MIN_GROUP } from './insights';
import { retentionDays } from './retention';
import { rollupWhere } from './rollup-filter';

/** Comments returned per aid at most, newest first. */
export const MAX_COMMENTS = 50;
/** Alerts returned at most, newest first. */
const MAX_ALERTS = 500;

const TARGET_TYPES = ['target_missing', 'target_healed'] as const;
const HEALTH_TYPES = [...TARGET_TYPES, 'aid_feedback'] as const;

const DAY_MS = 24 * 60 * 60 * 1000;
const startOf = (day: string) => new Date(`${day}T00:00:00Z`);

/** The same filters on raw events: days on `at` (UTC), none/'' team as NULL. */
function eventWhere(query: FleetQuery) {
  return (eb: ExpressionBuilder<HubDatabase, 'events'>): Expression<SqlBool> => {
    const parts: Expression<SqlBool>[] = [];
    if (query.from) parts.push(eb('at', '>=', startOf(query.from)));
    if (query.to) parts.push(eb('at', '<', new Date(startOf(query.to).getTime() + DAY_MS)));
    if (query.team !== undefined) parts.push(eb('team', '=', query.team));
    if (query.role !== undefined) parts.push(eb('role', '=', query.role));
    if (query.pack !== undefined) parts.push(eb('pack_id', '=', query.pack));
    if (query.version !== undefined) parts.push(eb('pack_version', '=', query.version));
    if (query.aid !== undefined) parts.push(eb('aid_key', '=', query.aid));
    return eb.and(parts);
  };
}

const idOf = (...parts: string[]) => JSON.stringify(parts);

function group(people: number, minGroup: number): FleetGroup {
  return people < minGroup ? { people: null, fewerThan: minGroup } : { people, fewerThan: null };
}

function bump(counts: Counts, key: string, n: number) {
  counts[key] = (counts[key] ?? 0) + n;
}

interface TargetWork {
  stepId: string;
  missing: number;
  healed: number;
  failedSignals: Counts;
  foundBy: Counts;
  lastSeen: string;
}

interface AidWork {
  aidKey: string;
  packId: string;
  feedback: number;
  lastSeen: string;
  targets: Map<string, TargetWork>;
}

const later = (a: string, b: string) => (a > b ? a : b);

export async function fleetHealth(
  db: HubDb,
  query: FleetQuery,
  minGroup = DEFAULT_MIN_GROUP,
): Promise<FleetHealth> {
  const rolled = rollupWhere(query);

  const counted = await db
    .selectFrom('daily_rollups')
    .where(rolled)
    .where('event_type', 'in', HEALTH_TYPES)
    .select((eb) => [
      'aid_key',
      'pack_id',
      'step_id',
      'event_type',
      eb.cast<number>(eb.fn.sum('events'), 'bigint').as('events'),
      eb.fn.max('day').as('last'),
    ])
    .groupBy(['aid_key', 'pack_id', 'step_id', 'event_type'])
    .execute();

  // People per target: any report (the row's group) and missing ones (people affected).
  const missingActor = sql<string>`case when event_type = 'target_missing' then actor end`;
  const targetPeople = await db
    .selectFrom('daily_actors')
    .where(rolled)
    .where('event_type', 'in', TARGET_TYPES)
    .select((eb) => [
      'aid_key',
      'pack_id',
      'step_id',
      eb.fn.count<number>('actor').distinct().as('people'),
      eb.fn.count<number>(missingActor).distinct().as('missing_people'),
    ])
    .groupBy(['aid_key', 'pack_id', 'step_id'])
    .execute();
  const aidPeople = await db
    .selectFrom('daily_actors')
    .where(rolled)
    .where('event_type', 'in', HEALTH_TYPES)
    .select((eb) => [
      'aid_key',
      'pack_id',
      eb.fn.count<number>('actor').distinct().as('people'),
      eb.fn.count<number>(missingActor).distinct().as('missing_people'),
    ])
    .groupBy(['aid_key', 'pack_id'])
    .execute();

  const signals = await db
    .selectFrom('daily_signals')
    .where(rolled)
    .select((eb) => [
      'aid_key',
      'pack_id',
      'step_id',
      'kind',
      'signal',
      eb.cast<number>(eb.fn.sum('events'), 'bigint').as('events'),
    ])
    .groupBy(['aid_key', 'pack_id', 'step_id', 'kind', 'signal'])
    .execute();

  const aids = new Map<string, AidWork>();
  const aidOf = (aidKey: string, packId: string) => {
    const id = idOf(aidKey, packId);
    let aid = aids.get(id);
    if (!aid) {
      aid = { aidKey, packId, feedback: 0, lastSeen: '', targets: new Map() };
      aids.set(id, aid);
    }
    return aid;
  };
  const targetOf = (aid: AidWork, stepId: string) => {
    let t = aid.targets.get(stepId);
    if (!t) {
      t = { stepId, missing: 0, healed: 0, failedSignals: {}, foundBy: {}, lastSeen: '' };
      aid.targets.set(stepId, t);
    }
    return t;
  };
  for (const r of counted) {
    const aid = aidOf(r.aid_key, r.pack_id);
    aid.lastSeen = later(aid.lastSeen, r.last);
    if (r.event_type === 'aid_feedback') {
      aid.feedback += r.events;
      continue;
    }
    const t = targetOf(aid, r.step_id);
    t.lastSeen = later(t.lastSeen, r.last);
    if (r.event_type === 'target_missing') t.missing += r.events;
    else t.healed += r.events;
  }
  for (const s of signals) {
    const aid = aids.get(idOf(s.aid_key, s.pack_id));
    const t = aid?.targets.get(s.step_id);
    if (t) bump(s.kind === 'failed' ? t.failedSignals : t.foundBy, s.signal, s.events);
  }

  const peopleOfTarget = new Map(
    targetPeople.map((p) => [idOf(p.aid_key, p.pack_id, p.step_id), p]),
  );
  const peopleOfAid = new Map(aidPeople.map((p) => [idOf(p.aid_key, p.pack_id), p]));
  const comments = await commentsOf(db, query);
  const retention = await retentionDays(db);

  const out: FleetAidHealth[] = [];
  for (const [id, aid] of aids) {
    const people = peopleOfAid.get(id);
    const aidGroup = group(people?.people ?? 0, minGroup);
    const shown = aidGroup.fewerThan === null;
    const failed: Counts = {};
    const foundBy: Counts = {};
    let missing = 0;
    let healed = 0;
    const targets: FleetTargetHealth[] = [...aid.targets.values()]
      .sort((a, b) => (a.stepId < b.stepId ? -1 : a.stepId > b.stepId ? 1 : 0))
      .map((t) => {
        missing += t.missing;
        healed += t.healed;
        for (const [k, n] of Object.entries(t.failedSignals)) bump(failed, k, n);
        for (const [k, n] of Object.entries(t.foundBy)) bump(foundBy, k, n);
        const p = peopleOfTarget.get(idOf(aid.aidKey, aid.packId, t.stepId));
        const g = group(p?.people ?? 0, minGroup);
        const ok = g.fewerThan === null;
        return {
          stepId: t.stepId === '' ? null : t.stepId,
          ...g,
          missing: ok ? t.missing : null,
          missingPeople: ok ? (p?.missing_people ?? 0) : null,
          healed: ok ? t.healed : null,
          failedSignals: ok ? t.failedSignals : null,
          foundBy: ok ? t.foundBy : null,
          lastSeen: t.lastSeen,
        };
      });
    const mine = comments.get(id);
    out.push({
      aidKey: aid.aidKey,
      packId: aid.packId,
      ...aidGroup,
      missing: shown ? missing : null,
      missingPeople: shown ? (people?.missing_people ?? 0) : null,
      healed: shown ? healed : null,
      feedback: shown ? aid.feedback : null,
      failedSignals: shown ? failed : null,
      foundBy: shown ? foundBy : null,
      lastSeen: aid.lastSeen,
      targets,
      comments: mine?.list ?? [],
      commentCount: mine?.count ?? 0,
    });
  }
  // Most people affected first; hidden rows after, by key (their counts must not order them).
  out.sort(
    (a, b) =>
      (b.missingPeople ?? -1) - (a.missingPeople ?? -1) ||
      (b.people ?? -1) - (a.people ?? -1) ||
      (a.aidKey < b.aidKey ? -1 : a.aidKey > b.aidKey ? 1 : 0),
  );
  return {
    query,
    minGroup,
    retentionDays: retention,
    alerts: await alertsOf(db, query, minGroup),
    aids: out,
  };
}

/** Comments per aid (key as idOf(aid, pack)): the newest MAX_COMMENTS, and how many. */
async function commentsOf(
  db: HubDb,
  query: FleetQuery,
): Promise<Map<string, { list: FleetComment[]; count: number }>> {
  const where = eventWhere(query);
  const rows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('events')
        .where(where)
        .where('type', '=', 'aid_feedback')
        .where('comment', 'is not', null)
        .where('comment', '!=', '')
        .select([
          'aid_key',
          'pack_id',
          'step_id',
          'url',
          'comment',
          'at',
          sql<number>`row_number() over (partition by aid_key, pack_id order by at desc, id)`.as(
            'n',
          ),
          sql<number>`count(*) over (partition by aid_key, pack_id)`.as('total'),
        ])
        .as('c'),
    )
    .selectAll()
    .where('n', '<=', MAX_COMMENTS)
    .orderBy('at', 'desc')
    .execute();
  const out = new Map<string, { list: FleetComment[]; count: number }>();
  for (const r of rows) {
    const id = idOf(r.aid_key, r.pack_id);
    let mine = out.get(id);
    if (!mine) {
      mine = { list: [], count: Number(r.total) };
      out.set(id, mine);
    }
    mine.list.push({
      day: r.at.toISOString().slice(0, 10),
      url: r.url,
      stepId: r.step_id,
      comment: r.comment ?? '',
    });
  }
  return out;
}

/** Alerts on the days asked for, of the pack or aid asked for; newest first. */
async function alertsOf(db: HubDb, query: FleetQuery, minGroup: number): Promise<FleetAlert[]> {
  let q = db.selectFrom('alerts').selectAll();
  if (query.from) q = q.where('day', '>=', query.from);
  if (query.to) q = q.where('day', '<=', query.to);
  if (query.pack !== undefined) q = q.where('pack_id', '=', query.pack);
  if (query.aid !== undefined) q = q.where('aid_key', '=', query.aid);
  const rows = await q
    .orderBy('day', 'desc')
    .orderBy('raised_at', 'desc')
    .orderBy('aid_key')
    .orderBy('step_id')
    .limit(MAX_ALERTS)
    .execute();
  return rows.map((r) => {
    const g = group(r.people, minGroup);
    const ok = g.fewerThan === null;
    return {
      day: r.day,
      aidKey: r.aid_key,
      packId: r.pack_id,
      stepId: r.step_id === '' ? null : r.step_id,
      ...g,
      missing: ok ? r.missing : null,
      views: ok ? r.views : null,
      raisedAt: r.raised_at.toISOString(),
      deliveredAt: r.delivered_at ? r.delivered_at.toISOString() : null,
    };
  });
}
