/**
 * A made-up organisation for the hub's benches: its packs, aids, steps, teams, roles and
 * people, and how often each kind of event happens. The ingest bench draws events from it
 * in JavaScript (`fleetEvent`); the view bench seeds the same shape in bulk with SQL
 * (`seedEvents`), so both measure the same kind of data.
 *
 * Each person belongs to one team and one role; a team works mostly with one pack (four
 * events in five), the rest on any pack. Events are spread over the last 179 days (inside the
 * default retention of 180), a pack has version 1.1.0 for the last 60 days and 1.0.0 before.
 */
import { sql } from 'kysely';
import type { HubDb } from '../src/hub/db/open';
import type { HubEvent } from '../src/protocol/hub';

export const FLEET = {
  packs: ['crm', 'erp', 'hr', 'billing', 'support', 'logistics', 'finance', 'it'],
  aidsPerPack: 12,
  stepsPerAid: 6,
  teams: 24,
  roles: ['agent', 'lead', 'manager', 'analyst', 'clerk'],
  actors: 4_000,
  days: 179,
  /** Version 1.1.0 of every pack from this many days ago on. */
  newVersionDays: 60,
  /** Event types and their share in percent (they add up to 100). */
  types: [
    ['step_done', 52],
    ['aid_shown', 15],
    ['checklist_completed', 8],
    ['tip_opened', 6],
    ['step_skipped', 6],
    ['step_undone', 3],
    ['target_missing', 3],
    ['target_healed', 2],
    ['aid_dismissed', 2],
    ['aid_feedback', 1],
    ['run_abandoned', 2],
  ] as const,
  /** Types that belong to a step. */
  stepTypes: ['step_done', 'step_undone', 'step_skipped', 'target_missing', 'target_healed'],
  /** Skip reasons; '' is a skip without one. */
  reasons: [
    'customer not reachable',
    'no phone number',
    'already done in the old system',
    'not needed for this contract',
    'will do it tomorrow',
    'system too slow',
    '',
    'manager said so',
  ],
} as const;

const DAY_MS = 86_400_000;

/** A 0..n-1 number drawn from i and a salt (a 32-bit integer hash, "lowbias32"). */
function pick(i: number, salt: number, n: number): number {
  let x = (Math.imul(i, 0x9e3779b1) + Math.imul(salt, 0x85ebca6b)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return (x >>> 0) % n;
}

function typeOf(p: number): string {
  let acc = 0;
  for (const [type, share] of FLEET.types) {
    acc += share;
    if (p < acc) return type;
  }
  return 'aid_shown';
}

/**
 * The i-th event of the made-up organisation, `nowMs` being the bench's "now": by `actor`
 * (0..FLEET.actors-1) when given, else by a person drawn from i; `withinMs` (default the
 * whole 179 days) is how long before now it may have happened.
 */
export function fleetEvent(
  i: number,
  nowMs: number,
  options: { idPrefix?: string; actor?: number; withinMs?: number } = {},
): HubEvent {
  const actor = options.actor ?? pick(i, 1, FLEET.actors);
  const team = actor % FLEET.teams;
  const role = FLEET.roles[Math.floor(actor / FLEET.teams) % FLEET.roles.length]!;
  const pack =
    FLEET.packs[pick(i, 2, 5) === 0 ? pick(i, 3, FLEET.packs.length) : team % FLEET.packs.length]!;
  const aid = `aid-${pick(i, 4, FLEET.aidsPerPack)}`;
  const type = typeOf(pick(i, 5, 100));
  const onStep = (FLEET.stepTypes as readonly string[]).includes(type);
  const ago =
    options.withinMs === undefined
      ? pick(i, 6, FLEET.days * 24) * 3_600_000 + pick(i, 7, 3_600_000)
      : pick(i, 6, options.withinMs);
  const reason = FLEET.reasons[pick(i, 8, FLEET.reasons.length)]!;
  const at = nowMs - ago;
  return {
    id: `${options.idPrefix ?? 'bench'}-${String(i).padStart(10, '0')}`,
    type: type as HubEvent['type'],
    aidKey: `${pack}/${aid}`,
    aidId: aid,
    packId: pack,
    packVersion: ago < FLEET.newVersionDays * DAY_MS ? '1.1.0' : '1.0.0',
    ...(onStep ? { stepId: `step-${pick(i, 9, FLEET.stepsPerAid)}` } : {}),
    ...(type === 'step_done' ? { how: pick(i, 10, 3) === 0 ? 'auto' : 'manual' } : {}),
    ...(type === 'step_skipped' && reason !== '' ? { reason } : {}),
    // A run's duration: 20 s to about 15 min.
    ...(type === 'checklist_completed' ? { ms: 20_000 + pick(i, 11, 900_000) } : {}),
    url: `https://${pack}.example.com/${aid}`,
    at,
    recordedAt: at + 2_000,
    actor: `actor-${String(actor).padStart(5, '0')}`,
    team: `team-${team}`,
    role,
  };
}

/** A 0..n-1 number drawn from i and a salt, in SQL (PostgreSQL's own hash of a bigint). */
const pickSql = (salt: number, n: number) =>
  `((hashint8extended(i, ${salt}) % ${n} + ${n}) % ${n})`;

const list = (xs: readonly string[]) => `array[${xs.map((x) => `'${x}'`).join(',')}]`;

/** The i-th event's id: the same length for every i, so ids sort by number. */
const seedId = (i: number) => `seed-${String(i).padStart(10, '0')}`;

/** A SELECT of the seeded events first..last, one column per column of `events`. */
function eventsSelect(first: number, last: number, nowMs: number): string {
  let acc = 0;
  const type = `case ${FLEET.types
    .map(([t, share]) => {
      acc += share;
      return `when p_type < ${acc} then '${t}'`;
    })
    .join(' ')} else 'aid_shown' end`;
  const stepTypes = FLEET.stepTypes.map((t) => `'${t}'`).join(',');
  const drawn = `
    select i,
      ${pickSql(1, FLEET.actors)} as a,
      case when ${pickSql(2, 5)} = 0 then ${pickSql(3, FLEET.packs.length)}
        else ${pickSql(1, FLEET.actors)} % ${FLEET.teams} % ${FLEET.packs.length} end as p_pack,
      'aid-' || ${pickSql(4, FLEET.aidsPerPack)} as aid,
      ${pickSql(5, 100)} as p_type,
      ${pickSql(6, FLEET.days * 24)} * 3600000 + ${pickSql(7, 3_600_000)} as ago,
      (${list(FLEET.reasons)})[${pickSql(8, FLEET.reasons.length)} + 1] as reason,
      'step-' || ${pickSql(9, FLEET.stepsPerAid)} as step,
      case when ${pickSql(10, 3)} = 0 then 'auto' else 'manual' end as how,
      20000 + ${pickSql(11, 900_000)} as run_ms
    from generate_series(${first}::bigint, ${last}::bigint) as i`;
  const typed = `
    select d.*, ${type} as type, (${list(FLEET.packs)})[p_pack + 1] as pack
    from (${drawn}) d`;
  return `
    select 'seed-' || lpad(i::text, 10, '0') as id, type, pack || '/' || aid as aid_key,
      aid as aid_id, pack as pack_id,
      case when ago < ${FLEET.newVersionDays * DAY_MS} then '1.1.0' else '1.0.0' end
        as pack_version,
      case when type in (${stepTypes}) then step end as step_id,
      case when type = 'step_done' then how end as how,
      case when type = 'step_skipped' and reason <> '' then reason end as reason,
      'https://' || pack || '.example.com/' || aid as url,
      to_timestamp((${nowMs} - ago) / 1000.0) as at,
      to_timestamp((${nowMs} - ago + 2000) / 1000.0) as recorded_at,
      to_timestamp((${nowMs} - ago + 60000) / 1000.0) as received_at,
      'actor-' || lpad(a::text, 5, '0') as actor,
      'team-' || (a % ${FLEET.teams}) as team,
      (${list(FLEET.roles)})[(a / ${FLEET.teams}) % ${FLEET.roles.length} + 1] as role,
      'dev_seed_' || (a % 1000) as device_id,
      case when type = 'checklist_completed' then run_ms end as ms
    from (${typed}) t`;
}

export interface SeedOptions {
  /** Events to add, numbered from `first` (default 0) so seeding can go on where it stopped. */
  count: number;
  first?: number;
  /** The bench's "now" in ms: events lie in the 179 days before it. */
  nowMs: number;
  /** Events per statement (default 250,000). */
  chunk?: number;
  progress?: (done: number) => void;
}

/**
 * Adds `count` events straight into `events` with generate_series, and into the rollups
 * (daily_rollups, daily_actors, daily_reasons, run_durations) what ingest (src/hub/ingest.ts) would have
 * added for them: the rollups are summed from the rows just inserted, chunk by chunk, with
 * the same keys and the same ON CONFLICT rules. The events have the shape `fleetEvent`
 * gives (drawn with PostgreSQL's hash of i instead), ids `seed-<i, 10 digits>`, device
 * `dev_seed_<actor % 1000>`, received a minute after `at`.
 */
export async function seedEvents(db: HubDb, options: SeedOptions): Promise<void> {
  const first = options.first ?? 0;
  const chunk = options.chunk ?? 250_000;
  const columns = `id, type, aid_key, aid_id, pack_id, pack_version, step_id, how, reason,
    url, at, recorded_at, received_at, actor, team, role, device_id, ms`;
  const key = `(at at time zone 'UTC')::date, pack_id, aid_key, pack_version,
    coalesce(step_id, ''), type, coalesce(team, ''), coalesce(role, '')`;
  const reasonKey = `(at at time zone 'UTC')::date, pack_id, aid_key, pack_version,
    coalesce(step_id, ''), coalesce(team, ''), coalesce(role, ''),
    encode(sha256(convert_to(reason, 'UTF8')), 'hex'), reason, actor`;
  for (let from = first; from < first + options.count; from += chunk) {
    const to = Math.min(first + options.count, from + chunk) - 1;
    // The rows of this chunk, by their ids (the primary key's index).
    const rows = `(select * from events where id between '${seedId(from)}' and '${seedId(to)}')`;
    await db.transaction().execute(async (trx) => {
      await sql
        .raw(`insert into events (${columns})
          select ${columns} from (${eventsSelect(from, to, options.nowMs)}) s`)
        .execute(trx);
      await sql
        .raw(`insert into daily_rollups (day, pack_id, aid_key, pack_version, step_id,
            event_type, team, role, how, events)
          select ${key}, coalesce(how, ''), count(*) from ${rows} e
          group by ${key}, coalesce(how, '')
          on conflict (day, pack_id, aid_key, pack_version, step_id, event_type, team, role, how)
          do update set events = daily_rollups.events + excluded.events`)
        .execute(trx);
      await sql
        .raw(`insert into daily_actors (day, pack_id, aid_key, pack_version, step_id,
            event_type, team, role, actor)
          select distinct ${key}, actor from ${rows} e
          on conflict do nothing`)
        .execute(trx);
      await sql
        .raw(`insert into daily_reasons (day, pack_id, aid_key, pack_version, step_id, team,
            role, reason_hash, reason, actor, count)
          select ${reasonKey}, count(*) from ${rows} e
          where type = 'step_skipped' and reason is not null and btrim(reason) <> ''
          group by ${reasonKey}
          on conflict (day, pack_id, aid_key, pack_version, step_id, team, role, reason_hash,
            actor)
          do update set count = daily_reasons.count + excluded.count`)
        .execute(trx);
      await sql
        .raw(`insert into run_durations (event_id, day, pack_id, aid_key, pack_version, team,
            role, actor, ms)
          select id, (at at time zone 'UTC')::date, pack_id, aid_key, pack_version,
            coalesce(team, ''), coalesce(role, ''), actor, ms from ${rows} e
          where type = 'checklist_completed' and ms is not null
          on conflict (event_id) do nothing`)
        .execute(trx);
    });
    options.progress?.(to - first + 1);
  }
}
