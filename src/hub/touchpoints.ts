/**
 * Touchpoint coverage on the hub: storing the aggregates browsers send (`POST
 * /api/touchpoints`) exactly once, and reading which pages staff spend time on without an
 * aid (`GET /api/insights/touchpoints`). The contract is src/protocol/touchpoints.ts.
 *
 * Storing: in one transaction, the aggregates' ids are inserted with `on conflict do
 * nothing`, and only those the insert reports back are added to touchpoint_daily (time and
 * views) and touchpoint_actors (each person once per key). Reading: from those two tables
 * only; a template counted from fewer than `minGroup` people is hidden.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type {
  TouchpointAggregate,
  TouchpointBatchAnswer,
  TouchpointQuery,
  TouchpointRow,
  TouchpointSummary,
} from '../protocol/touchpoints';
import type { HubDb } from './db/open';
import type { HubDatabase, TouchpointActorsTable, TouchpointDailyTable } from './db/schema';
import { DEFAULT_MIN_GROUP } from './insights';
import { retentionCutoff, retentionDays } from './retention';

const KEY = ['day', 'host', 'template', 'aided', 'team', 'role'] as const;

/** The host of a template (validated already: it parses). */
function hostOf(template: string): string {
  return new URL(template).host;
}

/** The new aggregates summed per key, and their distinct (key, person) pairs. */
export function touchpointRollups(aggregates: TouchpointAggregate[]): {
  daily: TouchpointDailyTable[];
  actors: TouchpointActorsTable[];
} {
  const daily = new Map<string, TouchpointDailyTable>();
  const actors = new Map<string, TouchpointActorsTable>();
  for (const a of aggregates) {
    const key = {
      day: a.day,
      host: hostOf(a.template),
      template: a.template,
      aided: a.aided,
      team: a.team ?? '',
      role: a.role ?? '',
    };
    const id = JSON.stringify(Object.values(key));
    const row = daily.get(id);
    if (row) {
      row.ms += a.ms;
      row.views += a.views;
    } else daily.set(id, { ...key, ms: a.ms, views: a.views });
    actors.set(JSON.stringify([id, a.actor]), { ...key, actor: a.actor });
  }
  return { daily: [...daily.values()], actors: [...actors.values()] };
}

/**
 * Stores what is new in a batch. Aggregates of days older than the retention are answered as
 * duplicates and not stored: their ids would be pruned, and a resend counted again.
 */
export async function ingestTouchpoints(
  db: HubDb,
  aggregates: TouchpointAggregate[],
  now: Date = new Date(),
): Promise<TouchpointBatchAnswer> {
  const cutoffDay = retentionCutoff(await retentionDays(db), now)
    .toISOString()
    .slice(0, 10);
  const fresh = aggregates.filter((a) => a.day >= cutoffDay);
  if (fresh.length === 0) return { accepted: 0, duplicates: aggregates.length };
  const accepted = await db.transaction().execute(async (trx) => {
    const returned = await trx
      .insertInto('touchpoint_ids')
      .values(fresh.map((a) => ({ id: a.id, day: a.day, received_at: now })))
      .onConflict((c) => c.column('id').doNothing())
      .returning('id')
      .execute();
    const ids = new Set(returned.map((r) => r.id));
    // An id twice in one batch is inserted once: count its first occurrence only.
    const added = fresh.filter((a) => ids.delete(a.id));
    if (added.length === 0) return 0;
    const { daily, actors } = touchpointRollups(added);
    await trx
      .insertInto('touchpoint_daily')
      .values(daily)
      .onConflict((c) =>
        c.columns([...KEY]).doUpdateSet((eb) => ({
          ms: eb('touchpoint_daily.ms', '+', eb.ref('excluded.ms')),
          views: eb('touchpoint_daily.views', '+', eb.ref('excluded.views')),
        })),
      )
      .execute();
    await trx
      .insertInto('touchpoint_actors')
      .values(actors)
      .onConflict((c) => c.doNothing())
      .execute();
    return added.length;
  });
  return { accepted, duplicates: aggregates.length - accepted };
}

/** Deletes the ids of aggregates whose day is older than the retention; the sums stay. */
export async function pruneTouchpointIds(db: HubDb, now: Date = new Date()): Promise<number> {
  const cutoffDay = retentionCutoff(await retentionDays(db), now)
    .toISOString()
    .slice(0, 10);
  const result = await db
    .deleteFrom('touchpoint_ids')
    .where('day', '<', cutoffDay)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

function matching(query: TouchpointQuery) {
  return (eb: ExpressionBuilder<HubDatabase, 'touchpoint_actors'>): Expression<SqlBool> => {
    const parts: Expression<SqlBool>[] = [];
    if (query.from) parts.push(eb('day', '>=', query.from));
    if (query.to) parts.push(eb('day', '<=', query.to));
    if (query.team !== undefined) parts.push(eb('team', '=', query.team));
    if (query.role !== undefined) parts.push(eb('role', '=', query.role));
    return eb.and(parts);
  };
}

/** Per route template: time, time without an aid, views, the aided share, and people. */
export async function touchpointSummary(
  db: HubDb,
  query: TouchpointQuery,
  minGroup = DEFAULT_MIN_GROUP,
): Promise<TouchpointSummary> {
  const where = matching(query);
  const onDaily = where as unknown as (
    eb: ExpressionBuilder<HubDatabase, 'touchpoint_daily'>,
  ) => Expression<SqlBool>;
  const sums = await db
    .selectFrom('touchpoint_daily')
    .where(onDaily)
    .select((eb) => [
      'host',
      'template',
      eb.cast<number>(eb.fn.sum('ms'), 'bigint').as('ms'),
      eb.cast<number>(eb.fn.sum('views'), 'bigint').as('views'),
      eb
        .cast<number>(eb.fn.sum(sql<number>`case when aided then 0 else ms end`), 'bigint')
        .as('unaided_ms'),
      eb
        .cast<number>(eb.fn.sum(sql<number>`case when aided then views else 0 end`), 'bigint')
        .as('aided_views'),
    ])
    .groupBy(['host', 'template'])
    .execute();
  const people = await db
    .selectFrom('touchpoint_actors')
    .where(where)
    .select((eb) => ['template', eb.fn.count<number>('actor').distinct().as('people')])
    .groupBy('template')
    .execute();
  const peopleOf = new Map(people.map((p) => [p.template, Number(p.people)]));

  const shown: TouchpointRow[] = [];
  const hidden: TouchpointRow[] = [];
  for (const s of sums) {
    const n = peopleOf.get(s.template) ?? 0;
    if (n < minGroup) {
      hidden.push({
        template: s.template,
        host: s.host,
        people: null,
        fewerThan: minGroup,
        ms: null,
        unaidedMs: null,
        views: null,
        aidedShare: null,
      });
      continue;
    }
    const views = Number(s.views);
    shown.push({
      template: s.template,
      host: s.host,
      people: n,
      fewerThan: null,
      ms: Number(s.ms),
      unaidedMs: Number(s.unaided_ms),
      views,
      aidedShare: views > 0 ? Number(s.aided_views) / views : 0,
    });
  }
  const byTemplate = (a: TouchpointRow, b: TouchpointRow) =>
    a.template < b.template ? -1 : a.template > b.template ? 1 : 0;
  shown.sort((a, b) => b.unaidedMs! - a.unaidedMs! || b.ms! - a.ms! || byTemplate(a, b));
  hidden.sort(byTemplate);
  return { query, minGroup, templates: [...shown, ...hidden] };
}
