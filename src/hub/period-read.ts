/**
 * How the fleet views read the period rollups: the periods that cover a filter's days, the
 * condition on period_counts, and distinct people per subject from the bitmaps, filtered by
 * team and role through the numbers of the people who acted in them (actor_groups).
 *
 * A person is in a team's (or role's) figures when they acted in that team in any period:
 * someone who moved teams is counted in both for the days they acted.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { HubDb } from './db/open';
import type { HubDatabase } from './db/schema';
import { viewRows } from './db/view-rows';
import { ALL, COUNT_KEY, type Subject } from './period-rows';
import {
  BLOCK_BITS,
  bitText,
  cover,
  type DataBounds,
  dayCover,
  emptyBits,
  monthCover,
  type Period,
  type Span,
  setBit,
} from './periods';
import type { RollupFilter } from './rollup-filter';

/**
 * The filter's days, or null when nothing was ever counted, with the first and last day
 * counted: the days outside those hold nothing, and a cover may reach over them
 * (./periods.ts cover). An open end reaches to the first (or last) day counted.
 */
export async function rangeFor(
  db: HubDb,
  filter: RollupFilter,
): Promise<{ from: string; to: string; data: DataBounds } | null> {
  const bounds = await db
    .selectFrom('period_counts')
    .where('span', '=', 'd')
    .select((eb) => [eb.fn.min('start').as('first'), eb.fn.max('start').as('last')])
    .executeTakeFirst();
  if (!bounds?.first || !bounds.last) return null;
  const data = { first: bounds.first, last: bounds.last };
  return { from: filter.from ?? data.first, to: filter.to ?? data.last, data };
}

/** The periods that cover the filter's days (./periods.ts cover), or null as rangeFor. */
export async function periodsFor(db: HubDb, filter: RollupFilter): Promise<Period[] | null> {
  const range = await rangeFor(db, filter);
  return range && cover(range.from, range.to, range.data);
}

type Keyed = 'period_counts' | 'period_people';

/** Periods grouped by span: the starts of each span's periods, spans in a fixed order. */
function bySpan(periods: Period[]): [Span, string[]][] {
  return (['y', 'm', 'w', 'd'] as const)
    .map((span): [Span, string[]] => [
      span,
      periods.filter((p) => p.span === span).map((p) => p.start),
    ])
    .filter(([, starts]) => starts.length > 0);
}

/** The filter's key conditions (pack, version, aid) and one span's periods, on either table. */
function keyWhere<T extends Keyed>(
  eb: ExpressionBuilder<HubDatabase, T>,
  filter: RollupFilter,
  span: Span,
  starts: string[],
): Expression<SqlBool>[] {
  const col = eb as unknown as ExpressionBuilder<HubDatabase, 'period_counts'>;
  const parts: Expression<SqlBool>[] = [col('span', '=', span), col('start', 'in', starts)];
  if (filter.pack !== undefined) parts.push(col('pack_id', '=', filter.pack));
  if (filter.version !== undefined) parts.push(col('pack_version', '=', filter.version));
  if (filter.aid !== undefined) parts.push(col('aid_key', '=', filter.aid));
  return parts;
}

/**
 * The rows of period_counts in the filter's periods, key, team and role, for a view to sum:
 * null when there are none to read. The rows of `minus` periods come with their counts
 * negated (./periods.ts signedCover; only for sums of counts). Each span is its own arm of a
 * UNION ALL, a range of the primary key read from the index alone; one condition ORing the
 * spans would read the table.
 *
 * Team and role pick the rows that hold them (./compact.ts cube): weeks, months and years keep
 * a team over all roles or a role over all teams, months and days keep both as they are too.
 * With team and role together, weeks are read as their days and years as their months.
 */
export function countsIn(db: HubDb, filter: RollupFilter, periods: Period[], minus: Period[] = []) {
  const { team, role } = filter;
  const both = team !== undefined && role !== undefined;
  const read = (list: Period[]) =>
    both ? list.flatMap((p) => (p.span === 'w' ? dayCover(p) : monthCover(p))) : list;
  const arm = (span: Span, starts: string[], sign: 1 | -1) =>
    db
      .selectFrom('period_counts')
      .select((eb) => [
        ...COUNT_KEY,
        sign === 1 ? eb.ref('events').as('events') : sql<number>`-events`.as('events'),
      ])
      .where((eb) => {
        const groups =
          span !== 'd' || (team === undefined && role === undefined)
            ? [eb('team', '=', team ?? ALL), eb('role', '=', role ?? ALL)]
            : [
                team === undefined ? eb('team', '!=', ALL) : eb('team', '=', team),
                role === undefined ? eb('role', '!=', ALL) : eb('role', '=', role),
              ];
        return eb.and([...keyWhere(eb, filter, span, starts), ...groups]);
      });
  const arms = [
    ...bySpan(read(periods)).map(([span, starts]) => arm(span, starts, 1)),
    ...bySpan(read(minus)).map(([span, starts]) => arm(span, starts, -1)),
  ];
  if (arms.length === 0) return null;
  return db.selectFrom(arms.reduce((all, a) => all.unionAll(a)).as('c'));
}

/** Bitmaps of the people who acted in the filter's team and role, by block; null for all. */
async function masks(db: HubDb, filter: RollupFilter): Promise<Map<number, Uint8Array> | null> {
  if (filter.team === undefined && filter.role === undefined) return null;
  let q = db.selectFrom('actor_groups').select('n').distinct();
  if (filter.team !== undefined) q = q.where('team', '=', filter.team);
  if (filter.role !== undefined) q = q.where('role', '=', filter.role);
  const out = new Map<number, Uint8Array>();
  for (const { n } of await q.execute()) {
    const block = Math.floor(n / BLOCK_BITS);
    let bits = out.get(block);
    if (!bits) {
      bits = emptyBits();
      out.set(block, bits);
    }
    setBit(bits, n % BLOCK_BITS);
  }
  return out;
}

export interface PeopleRow {
  aid_key: string;
  pack_id: string;
  step_id: string;
  subject: Subject;
  /** Only when asked for by version. */
  pack_version?: string;
  people: number;
}

/**
 * Distinct people per aid, step and subject (and version, with `byVersion`) in the filter's
 * periods, key, team and role.
 */
export async function peopleOf(
  db: HubDb,
  filter: RollupFilter,
  periods: Period[],
  subjects: readonly Subject[],
  byVersion = false,
): Promise<PeopleRow[]> {
  if (periods.length === 0 || subjects.length === 0) return [];
  const mask = await masks(db, filter);
  if (mask && mask.size === 0) return [];
  const groupBy: ('aid_key' | 'pack_id' | 'step_id' | 'subject' | 'pack_version')[] = [
    'aid_key',
    'pack_id',
    'step_id',
    'subject',
    ...(byVersion ? (['pack_version'] as const) : []),
  ];
  const arms = bySpan(periods).map(([span, starts]) =>
    db
      .selectFrom('period_people')
      .selectAll()
      .where((eb) =>
        eb.and([...keyWhere(eb, filter, span, starts), eb('subject', 'in', subjects)]),
      ),
  );
  const unions = db
    .selectFrom(arms.reduce((all, arm) => all.unionAll(arm)).as('p'))
    .select([...groupBy, 'block', sql<string>`bit_or(bits)`.as('bits')])
    .groupBy([...groupBy, 'block']);
  const counted = mask ? sql<number>`bit_count(u.bits & m.bits)` : sql<number>`bit_count(u.bits)`;
  const masked = mask
    ? sql`join (values ${sql.join(
        [...mask].map(
          ([block, bits]) =>
            sql`(${sql.lit(block)}::int, cast(${bitText(bits)} as bit(${sql.lit(BLOCK_BITS)})))`,
        ),
      )}) as m(block, bits) on m.block = u.block`
    : sql``;
  const cols = sql.join(groupBy.map((c) => sql.ref(`u.${c}`)));
  const rows = await viewRows<PeopleRow>(
    db,
    sql`
    select ${cols}, sum(${counted})::bigint as people
    from (${unions}) as u ${masked}
    group by ${cols}`,
    [...groupBy, 'people'],
  );
  return rows.map((r) => ({ ...r, people: Number(r.people) }));
}
