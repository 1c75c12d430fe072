/**
 * The fleet Health (src/protocol/fleet-health.ts): per aid and target, the page views and
 * people affected by missing targets, healed counts, which signals failed and what found the
 * target instead, read from the period rollups (./period-read.ts), which survive retention; the alerts the hub raised (./alerts.ts); and "Report a problem" comments,
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
import { foldPending } from './compact';
import type { HubDb } from './db/open';
import type { HubDatabase } from './db/schema';
import { rowKey, viewRows } from './db/view-rows';
import { DEFAULT_MIN_GROUP } from './insights';
import { countsIn, peopleOf, periodsFor } from './period-read';
import { HEALTH_TYPES } from './period-rows';
import { dayCover, monthCover, type Period, periodEnd, type Span } from './periods';
import { retentionDays } from './retention';

/** Comments returned per aid at most, newest first. */
export const MAX_COMMENTS = 50;
/** Alerts returned at most, newest first. */
const MAX_ALERTS = 500;

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
  await foldPending(db);
  const periods = (await periodsFor(db, query)) ?? [];

  const rows =
    periods.length === 0
      ? []
      : await viewRows<{
          aid_key: string;
          pack_id: string;
          step_id: string;
          metric: string;
          events: number;
          latest: string;
        }>(
          db,
          countsIn(db, query, periods)!
            .where((eb) =>
              eb.or([eb('metric', 'in', HEALTH_TYPES), eb('metric', 'like', 'signal:%')]),
            )
            .select((eb) => [
              'aid_key',
              'pack_id',
              'step_id',
              'metric',
              eb.cast<number>(eb.fn.sum('events'), 'bigint').as('events'),
              eb.fn.max('start').as('latest'),
            ])
            .groupBy(['aid_key', 'pack_id', 'step_id', 'metric']),
          ['aid_key', 'pack_id', 'step_id', 'metric', 'events', 'latest'],
        );
  const people = await peopleOf(db, query, periods, [
    'aid:health',
    'aid:missing',
    'step:target',
    'step:missing',
  ]);
  const peopleIn = (subject: string) => people.filter((p) => p.subject === subject);
  const byAid = (subject: string) =>
    new Map(peopleIn(subject).map((p) => [rowKey(p.aid_key, p.pack_id), p.people]));
  const byTarget = (subject: string) =>
    new Map(peopleIn(subject).map((p) => [rowKey(p.aid_key, p.pack_id, p.step_id), p.people]));
  const [aidAny, aidMissing, targetAny, targetMissing] = [
    byAid('aid:health'),
    byAid('aid:missing'),
    byTarget('step:target'),
    byTarget('step:missing'),
  ];
  const counted = rows.filter((r) => !r.metric.startsWith('signal:'));
  const signals = rows
    .filter((r) => r.metric.startsWith('signal:'))
    .map((r) => {
      const [, kind, ...name] = r.metric.split(':');
      return { ...r, kind, signal: name.join(':') };
    });
  const lastDays = await lastDaysOf(db, query, periods, counted);

  const aids = new Map<string, AidWork>();
  const aidOf = (aidKey: string, packId: string) => {
    const id = rowKey(aidKey, packId);
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
    const last = lastDays.get(rowKey(r.aid_key, r.pack_id, r.step_id, r.metric)) ?? r.latest;
    aid.lastSeen = later(aid.lastSeen, last);
    if (r.metric === 'aid_feedback') {
      aid.feedback += r.events;
      continue;
    }
    const t = targetOf(aid, r.step_id);
    t.lastSeen = later(t.lastSeen, last);
    if (r.metric === 'target_missing') t.missing += r.events;
    else t.healed += r.events;
  }
  for (const s of signals) {
    const aid = aids.get(rowKey(s.aid_key, s.pack_id));
    const t = aid?.targets.get(s.step_id);
    if (t) bump(s.kind === 'failed' ? t.failedSignals : t.foundBy, s.signal, s.events);
  }

  const peopleOfTarget = (id: string) => ({
    people: targetAny.get(id) ?? 0,
    missing_people: targetMissing.get(id) ?? 0,
  });
  const peopleOfAid = (id: string) => ({
    people: aidAny.get(id) ?? 0,
    missing_people: aidMissing.get(id) ?? 0,
  });
  const comments = await commentsOf(db, query);
  const retention = await retentionDays(db);

  const out: FleetAidHealth[] = [];
  for (const [id, aid] of aids) {
    const counts = peopleOfAid(id);
    const aidGroup = group(counts.people, minGroup);
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
        const p = peopleOfTarget(rowKey(aid.aidKey, aid.packId, t.stepId));
        const g = group(p.people, minGroup);
        const ok = g.fewerThan === null;
        return {
          stepId: t.stepId === '' ? null : t.stepId,
          ...g,
          missing: ok ? t.missing : null,
          missingPeople: ok ? p.missing_people : null,
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
      missingPeople: shown ? counts.missing_people : null,
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

/**
 * The last day each counted row (aid, step, metric) was seen: the period rows say in which
 * period; where that is a year, its month rows say which month, and where that is a week or
 * a month, its day rows say which day.
 */
async function lastDaysOf(
  db: HubDb,
  query: FleetQuery,
  periods: Period[],
  counted: { aid_key: string; pack_id: string; step_id: string; metric: string; latest: string }[],
): Promise<Map<string, string>> {
  const spanOf = new Map(periods.map((p) => [p.start, p]));
  const latestOf = new Map<string, Period>();
  for (const r of counted) {
    const p = spanOf.get(r.latest);
    if (p && p.span !== 'd') latestOf.set(rowKey(r.aid_key, r.pack_id, r.step_id, r.metric), p);
  }
  /** The latest start of each row's metric among `pieces`, inside the row's latest period. */
  const narrow = async (wide: Span, pieces: (p: Period) => Period[]) => {
    const unique = new Map<string, Period>();
    for (const p of latestOf.values()) if (p.span === wide) unique.set(p.start, p);
    if (unique.size === 0) return [];
    const rows = await countsIn(
      db,
      { ...query, from: undefined, to: undefined },
      [...unique.values()].flatMap(pieces),
    )!
      .where('metric', 'in', HEALTH_TYPES)
      .select(['aid_key', 'pack_id', 'step_id', 'metric', (eb) => eb.fn.max('start').as('last')])
      .groupBy(['aid_key', 'pack_id', 'step_id', 'metric'])
      .execute();
    // Only a start inside the row's own latest period: a later one belongs to a later period
    // that the row was not seen in.
    return rows.flatMap((r) => {
      const id = rowKey(r.aid_key, r.pack_id, r.step_id, r.metric);
      const p = latestOf.get(id);
      return p?.span === wide && r.last >= p.start && r.last <= periodEnd(p)
        ? [{ id, last: r.last }]
        : [];
    });
  };
  for (const { id, last } of await narrow('y', monthCover)) {
    latestOf.set(id, { span: 'm', start: last });
  }
  const out = new Map<string, string>();
  for (const wide of ['m', 'w'] as const) {
    for (const { id, last } of await narrow(wide, dayCover)) out.set(id, last);
  }
  return out;
}

/** Comments per aid (key as rowKey(aid, pack)): the newest MAX_COMMENTS, and how many. */
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
    const id = rowKey(r.aid_key, r.pack_id);
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
