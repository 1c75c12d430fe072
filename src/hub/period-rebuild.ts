/**
 * Computes the period rollups afresh from the daily tables (daily_rollups, daily_actors,
 * daily_reasons, daily_signals, run_durations), which hold the same events by day: the
 * migration that added the period rollups fills them this way, and so does the bench after
 * seeding millions of events in bulk. The rules are those of ./period-rows.ts and
 * ./compact.ts, written in SQL; tests/unit/hub/seed.test.ts checks that both agree.
 */
import { type QueryExecutorProvider, sql } from 'kysely';
import { ALL, GAMMA, SUBJECTS } from './period-rows';
import { BLOCK_BITS } from './periods';

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/** The day rows of each subject: (day, pack, aid, version, step, subject, n). */
function subjectRows(): string {
  return SUBJECTS.map((s) => {
    const step = s.level === 'aid' ? `''` : 'step_id';
    const where: string[] = [];
    if (s.types !== null) where.push(`event_type in (${list(s.types)})`);
    if (s.level === 'step' && !('anyStep' in s && s.anyStep)) where.push(`step_id <> ''`);
    return `select day, pack_id, aid_key, pack_version, ${step} as step_id,
        '${s.subject}' as subject, n from base
      ${where.length ? `where ${where.join(' and ')}` : ''}`;
  }).join('\nunion all\n');
}

const UNITS = { w: 'week', m: 'month', y: 'year' } as const;
const up = (span: 'w' | 'm' | 'y') => `date_trunc('${UNITS[span]}', start)::date`;

/** Empties the period rollups and fills them from the daily tables, in the caller's transaction. */
export async function rebuildPeriods(db: QueryExecutorProvider): Promise<void> {
  const run = (text: string) => sql.raw(text).execute(db);
  for (const table of [
    'period_pending',
    'period_counts',
    'period_people',
    'actor_groups',
    'reason_givers',
    'reason_texts',
    'actor_numbers',
  ]) {
    await run(`delete from ${table}`);
  }
  await run(`insert into actor_numbers (actor, n)
    select actor, (row_number() over (order by actor) - 1)::int
    from (select distinct actor from daily_actors) a`);
  await run(`insert into actor_groups (team, role, n)
    select distinct d.team, d.role, a.n from daily_actors d join actor_numbers a using (actor)`);

  const key = 'pack_id, aid_key, pack_version, step_id';
  await run(`insert into period_counts (span, start, team, role, ${key}, metric, events)
    with base as (
      select day, ${key}, team, role, event_type as metric, events from daily_rollups
      union all
      select day, ${key}, team, role, 'step_done:' || how, events from daily_rollups
        where event_type = 'step_done' and how <> ''
      union all
      select day, ${key}, team, role, 'reason:' || reason_hash, count from daily_reasons
      union all
      select day, ${key}, team, role, 'signal:' || kind || ':' || signal, events
        from daily_signals
      union all
      select day, pack_id, aid_key, pack_version, '', team, role,
        'ms:' || (case when ms < 1 then 0
          else ceil(ln(ms::float8) / ln(${GAMMA}::float8)) end)::int, 1
        from run_durations
    )
    select 'd', day,
      case when grouping(team) = 1 then '${ALL}' else team end,
      case when grouping(role) = 1 then '${ALL}' else role end,
      ${key}, metric, sum(events)
    from base
    group by day, ${key}, metric, grouping sets ((team, role), ())`);
  // Weeks, months and years (./compact.ts cube): each team over all roles and each role over
  // all teams (and, in a month, each team and role as they are) from the days' own teams and
  // roles, and the sum from the days' sums.
  for (const span of ['w', 'm', 'y'] as const) {
    const sets = span === 'm' ? '(team, role), (team), (role)' : '(team), (role)';
    await run(`insert into period_counts (span, start, team, role, ${key}, metric, events)
      select '${span}', ${up(span)},
        case when grouping(team) = 1 then '${ALL}' else team end,
        case when grouping(role) = 1 then '${ALL}' else role end,
        ${key}, metric, sum(events)
      from period_counts where span = 'd' and team <> '${ALL}'
      group by ${up(span)}, ${key}, metric, grouping sets (${sets})`);
    await run(`insert into period_counts (span, start, team, role, ${key}, metric, events)
      select '${span}', ${up(span)}, team, role, ${key}, metric, sum(events)
      from period_counts where span = 'd' and team = '${ALL}'
      group by ${up(span)}, team, role, ${key}, metric`);
  }

  await run(`insert into period_people (span, start, ${key}, subject, block, bits)
    with base as (
      select d.day, d.pack_id, d.aid_key, d.pack_version, d.step_id, d.event_type, a.n
      from daily_actors d join actor_numbers a using (actor)
    ),
    subjects as (${subjectRows()})
    select 'd', day, ${key}, subject, n / ${BLOCK_BITS},
      bit_or(set_bit(B'0'::bit(${BLOCK_BITS}), n % ${BLOCK_BITS}, 1))
    from subjects
    group by day, ${key}, subject, n / ${BLOCK_BITS}`);
  for (const span of ['w', 'm', 'y'] as const) {
    await run(`insert into period_people (span, start, ${key}, subject, block, bits)
      select '${span}', ${up(span)}, ${key}, subject, block, bit_or(bits)
      from period_people where span = 'd'
      group by ${up(span)}, ${key}, subject, block`);
  }

  await run(`insert into reason_givers (reason_hash, n)
    select distinct r.reason_hash, a.n from daily_reasons r join actor_numbers a using (actor)`);
  await run(`insert into reason_texts (reason_hash, reason, givers)
    select reason_hash, max(reason), count(distinct actor) from daily_reasons
    group by reason_hash`);
}
