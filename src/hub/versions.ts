/**
 * The version comparison (src/protocol/fleet-versions.ts, where every measure is defined),
 * read from the period rollups (its aid's day rows and people bitmaps) and run_durations:
 * never from raw
 * events, which retention deletes. The statistics are in ./stats.ts. A version counted from
 * fewer than `minGroup` people is hidden and is never compared with.
 */
import { sql } from 'kysely';
import { compareVersions } from '../aids/validate';
import type {
  ChangeEstimate,
  FleetVersion,
  FleetVersions,
  RateEstimate,
  TimeToComplete,
  VersionChange,
  VersionsQuery,
} from '../protocol/fleet-versions';
import { foldPending } from './compact';
import type { HubDb } from './db/open';
import { DEFAULT_MIN_GROUP } from './insights';
import { countsIn, peopleOf as distinctPeople, periodsFor } from './period-read';
import { dayCover } from './periods';
import { rollupWhere } from './rollup-filter';
import { type Interval, newcombe, verdict, wilson } from './stats';

interface Counts {
  version: string;
  firstDay: string;
  lastDay: string;
  completed: number;
  abandoned: number;
  done: number;
  skipped: number;
}

interface Timing {
  runs: number;
  people: number;
  q1: number;
  median: number;
  q3: number;
}

const rate = (i: Interval | null): RateEstimate | null =>
  i && { rate: i.estimate, low: i.low, high: i.high };

const change = (i: Interval | null, higherIsBetter: boolean): ChangeEstimate | null =>
  i && { difference: i.estimate, low: i.low, high: i.high, verdict: verdict(i, higherIsBetter) };

function timeOf(t: Timing | undefined, minGroup: number): TimeToComplete {
  if (!t || t.people < minGroup) {
    return {
      people: null,
      fewerThan: minGroup,
      runs: null,
      medianMs: null,
      q1Ms: null,
      q3Ms: null,
    };
  }
  return {
    people: t.people,
    fewerThan: null,
    runs: t.runs,
    medianMs: Math.round(t.median),
    q1Ms: Math.round(t.q1),
    q3Ms: Math.round(t.q3),
  };
}

function hidden(c: Counts, minGroup: number): FleetVersion {
  return {
    version: c.version,
    firstDay: c.firstDay,
    lastDay: c.lastDay,
    people: null,
    fewerThan: minGroup,
    finishedRuns: null,
    completed: null,
    abandoned: null,
    stepsDone: null,
    stepsSkipped: null,
    completionRate: null,
    abandonRate: null,
    skipRate: null,
    timeToComplete: timeOf(undefined, minGroup),
    change: null,
  };
}

function shown(c: Counts, people: number, timing: Timing | undefined, minGroup: number) {
  const finished = c.completed + c.abandoned;
  const version: FleetVersion = {
    version: c.version,
    firstDay: c.firstDay,
    lastDay: c.lastDay,
    people,
    fewerThan: null,
    finishedRuns: finished,
    completed: c.completed,
    abandoned: c.abandoned,
    stepsDone: c.done,
    stepsSkipped: c.skipped,
    completionRate: rate(wilson(c.completed, finished)),
    abandonRate: rate(wilson(c.abandoned, finished)),
    skipRate: rate(wilson(c.skipped, c.done + c.skipped)),
    timeToComplete: timeOf(timing, minGroup),
    change: null,
  };
  return version;
}

function changeFrom(now: Counts, before: Counts, a: FleetVersion, b: FleetVersion): VersionChange {
  const finished = (c: Counts) => c.completed + c.abandoned;
  const steps = (c: Counts) => c.done + c.skipped;
  const ma = a.timeToComplete.medianMs;
  const mb = b.timeToComplete.medianMs;
  return {
    from: before.version,
    completionRate: change(
      newcombe(now.completed, finished(now), before.completed, finished(before)),
      true,
    ),
    abandonRate: change(
      newcombe(now.abandoned, finished(now), before.abandoned, finished(before)),
      false,
    ),
    skipRate: change(newcombe(now.skipped, steps(now), before.skipped, steps(before)), false),
    medianMsDifference: ma !== null && mb !== null ? ma - mb : null,
  };
}

export async function fleetVersions(
  db: HubDb,
  query: VersionsQuery,
  minGroup = DEFAULT_MIN_GROUP,
): Promise<FleetVersions> {
  const where = rollupWhere(query);
  await foldPending(db);
  const periods = (await periodsFor(db, query)) ?? [];
  // One aid: its day rows are few, and say on which days each version was used.
  const days = periods.flatMap(dayCover);

  const counted =
    days.length === 0
      ? []
      : await countsIn(db, query, days)!
          .where('metric', 'in', [
            'checklist_completed',
            'run_abandoned',
            'step_done',
            'step_skipped',
          ])
          .select((eb) => [
            'pack_version',
            eb.ref('metric').as('event_type'),
            eb.cast<number>(eb.fn.sum('events'), 'bigint').as('events'),
            eb.fn.min('start').as('first_day'),
            eb.fn.max('start').as('last_day'),
          ])
          .groupBy(['pack_version', 'metric'])
          .execute();

  const people = (await distinctPeople(db, query, periods, ['aid:any'], true)).map((p) => ({
    pack_version: p.pack_version!,
    people: p.people,
  }));

  const timings = await db
    .selectFrom('run_durations')
    .where(where)
    .select((eb) => [
      'pack_version',
      eb.fn.countAll<number>().as('runs'),
      eb.fn.count<number>('actor').distinct().as('people'),
      sql<number>`percentile_cont(0.25) within group (order by ms)`.as('q1'),
      sql<number>`percentile_cont(0.5) within group (order by ms)`.as('median'),
      sql<number>`percentile_cont(0.75) within group (order by ms)`.as('q3'),
    ])
    .groupBy('pack_version')
    .execute();

  const counts = new Map<string, Counts>();
  for (const r of counted) {
    let c = counts.get(r.pack_version);
    if (!c) {
      c = {
        version: r.pack_version,
        firstDay: r.first_day,
        lastDay: r.last_day,
        completed: 0,
        abandoned: 0,
        done: 0,
        skipped: 0,
      };
      counts.set(r.pack_version, c);
    }
    if (r.first_day < c.firstDay) c.firstDay = r.first_day;
    if (r.last_day > c.lastDay) c.lastDay = r.last_day;
    if (r.event_type === 'checklist_completed') c.completed += r.events;
    else if (r.event_type === 'run_abandoned') c.abandoned += r.events;
    else if (r.event_type === 'step_done') c.done += r.events;
    else if (r.event_type === 'step_skipped') c.skipped += r.events;
  }
  const peopleOf = new Map(people.map((p) => [p.pack_version, Number(p.people)]));
  const timingOf = new Map(
    timings.map((t) => [
      t.pack_version,
      {
        runs: Number(t.runs),
        people: Number(t.people),
        q1: Number(t.q1),
        median: Number(t.median),
        q3: Number(t.q3),
      },
    ]),
  );

  const ordered = [...counts.values()].sort(
    (a, b) =>
      (a.firstDay < b.firstDay ? -1 : a.firstDay > b.firstDay ? 1 : 0) ||
      compareVersions(a.version, b.version) ||
      (a.version < b.version ? -1 : a.version > b.version ? 1 : 0),
  );
  const versions: FleetVersion[] = [];
  let previous: { counts: Counts; version: FleetVersion } | null = null;
  for (const c of ordered) {
    const n = peopleOf.get(c.version) ?? 0;
    if (n < minGroup) {
      versions.push(hidden(c, minGroup));
      continue;
    }
    const version = shown(c, n, timingOf.get(c.version), minGroup);
    if (previous) version.change = changeFrom(c, previous.counts, version, previous.version);
    versions.push(version);
    previous = { counts: c, version };
  }
  return { query, minGroup, versions };
}
