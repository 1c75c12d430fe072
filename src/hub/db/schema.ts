/**
 * The hub's tables as Kysely sees them. The SQL that creates them is in ./migrations.ts;
 * the two must agree. Counts (bigint) come back as numbers and days (date) as 'YYYY-MM-DD'
 * strings on both backends: ./open.ts sets the same type parsers for PGlite and pg.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** A timestamptz: written as a Date, read as a Date. */
type Timestamp = ColumnType<Date, Date, Date>;

export interface EventsTable {
  id: string;
  type: string;
  aid_key: string;
  aid_id: string;
  pack_id: string;
  pack_version: string;
  step_id: string | null;
  how: string | null;
  reason: string | null;
  /** A JSON array of signal names, written as its JSON text. */
  failed_signals: ColumnType<string[] | null, string | null, string | null>;
  found_by: string | null;
  problem: string | null;
  comment: string | null;
  url: string;
  at: Timestamp;
  recorded_at: Timestamp;
  received_at: Timestamp;
  actor: string;
  team: string | null;
  role: string | null;
  device_id: string;
  /** checklist_completed: the run's duration in ms, when the browser sent it. */
  ms: number | null;
}

/** The key every rollup shares; '' stands for "none" so it can be part of a primary key. */
export interface RollupKey {
  /** UTC day of the event's `at`, 'YYYY-MM-DD'. */
  day: string;
  pack_id: string;
  aid_key: string;
  pack_version: string;
  step_id: string;
  event_type: string;
  team: string;
  role: string;
}

export interface DailyRollupsTable extends RollupKey {
  /** 'auto' or 'manual' for step_done; '' otherwise, and for rows from before it was kept. */
  how: string;
  events: number;
}

/** One row per person per rollup key: counting rows counts distinct people. */
export interface DailyActorsTable extends RollupKey {
  actor: string;
}

/**
 * Skip reasons, one row per person, reason and key (without event_type: always step_skipped):
 * counting rows counts the people who gave a reason. `reason` is stored as typed.
 */
export interface DailyReasonsTable {
  day: string;
  pack_id: string;
  aid_key: string;
  pack_version: string;
  step_id: string;
  team: string;
  role: string;
  /** SHA-256 (hex) of `reason`: the key holds this, not the text. */
  reason_hash: string;
  reason: string;
  actor: string;
  count: number;
}

/**
 * One row per checklist_completed that carried a duration, kept past retention (like the
 * daily rollups) for the version comparison's time to complete. `event_id` is the event's
 * id: the same completion can never be counted twice.
 */
export interface RunDurationsTable {
  event_id: string;
  /** UTC day of the completion, 'YYYY-MM-DD'. */
  day: string;
  pack_id: string;
  aid_key: string;
  pack_version: string;
  team: string;
  role: string;
  actor: string;
  /** From the run's first step done or skipped to the completion, 0 to 30 days. */
  ms: number;
}

/**
 * Signals named in target reports (target_missing / target_healed), per rollup key: kind
 * 'failed' for each signal that failed, 'found_by' for the one that found the target instead.
 */
export interface DailySignalsTable extends RollupKey {
  kind: 'failed' | 'found_by';
  signal: string;
  events: number;
}

/** An alert, once per day, aid and target ('' for a tip's own); counts as when raised. */
export interface AlertsTable {
  day: string;
  aid_key: string;
  step_id: string;
  pack_id: string;
  people: number;
  missing: number;
  views: number;
  raised_at: Timestamp;
  delivered_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface DevicesTable {
  id: string;
  name: string;
  token_hash: string;
  created_at: Timestamp;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type UserRole = 'admin' | 'author' | 'viewer';

export interface UsersTable {
  id: string;
  name: string;
  role: UserRole;
  password_hash: string;
  created_at: Timestamp;
}

/** A signed-in browser. `id` is the SHA-256 of the cookie's token, never the token. */
export interface SessionsTable {
  id: string;
  user_id: string;
  /** Sent back in X-CSRF-Token by the hub's pages on every unsafe request. */
  csrf: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  /** The earlier of last_seen_at + the idle limit and created_at + the longest life. */
  expires_at: Timestamp;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** The key of touchpoint rollups (src/hub/touchpoints.ts); '' for no team or role. */
export interface TouchpointKey {
  /** UTC day the time was spent, 'YYYY-MM-DD'. */
  day: string;
  /** The template's host (with its port, if any). */
  host: string;
  /** The route template: origin and path, ids folded (src/aids/route-template.ts). */
  template: string;
  aided: boolean;
  team: string;
  role: string;
}

export interface TouchpointDailyTable extends TouchpointKey {
  ms: number;
  views: number;
}

/** One row per person per touchpoint key: counting rows counts distinct people. */
export interface TouchpointActorsTable extends TouchpointKey {
  actor: string;
}

/** The aggregates already counted, by the id the browser gave them. */
export interface TouchpointIdsTable {
  id: string;
  day: string;
  received_at: Timestamp;
}

/**
 * A published pack (`inflow hub pack add`, `PUT /api/packs`), validated before it is kept:
 * fleet views take aid titles and step texts from the newest version of each pack.
 */
export interface PacksTable {
  id: string;
  version: string;
  /** The pack's JSON as published: written as its JSON text, read as the value. */
  pack: ColumnType<unknown, string, string>;
  added_at: Timestamp;
}

/**
 * What ingest hands to the period rollups (src/hub/compact.ts), appended in the ingest's
 * transaction and folded in, then deleted, by one writer at a time. One row per rollup key,
 * metric and person: `metric` is an event type, or a finer count of one ('step_done:auto',
 * 'reason:<hash>', 'signal:failed:<name>', 'ms:<bucket>'); `detail` is a reason's text.
 */
export interface PeriodPendingTable {
  id: Generated<number>;
  day: string;
  pack_id: string;
  aid_key: string;
  pack_version: string;
  step_id: string;
  team: string;
  role: string;
  metric: string;
  actor: string;
  detail: string | null;
  events: number;
}

/**
 * Counts per calendar period (span 'd' day, 'w' week, 'm' month, 'y' year; src/hub/periods.ts),
 * metric and key. Team and role are also summed over: '*' stands for every team (or role),
 * so a view filtered by team alone reads (team, '*') rows and an unfiltered one ('*', '*').
 */
export interface PeriodCountsTable {
  span: string;
  start: string;
  team: string;
  role: string;
  pack_id: string;
  aid_key: string;
  pack_version: string;
  step_id: string;
  metric: string;
  events: number;
}

/**
 * The people of a period, key and subject ('aid:any', 'step:reached', …: src/hub/compact.ts)
 * as a bitmap of BLOCK_BITS numbered people per block: a person's bit is set once however
 * often they acted.
 */
export interface PeriodPeopleTable {
  span: string;
  start: string;
  pack_id: string;
  aid_key: string;
  pack_version: string;
  step_id: string;
  subject: string;
  block: number;
  /** bit(BLOCK_BITS), written and read as its text of '0' and '1'. */
  bits: string;
}

/** A number per pseudonymous person, for the bitmaps: 0, 1, 2, … in the order first seen. */
export interface ActorNumbersTable {
  actor: string;
  n: number;
}

/** Each team and role a numbered person acted in ('' for none): the views' team filter. */
export interface ActorGroupsTable {
  team: string;
  role: string;
  n: number;
}

/** Skip reasons by their text's hash, and how many different people ever gave each. */
export interface ReasonTextsTable {
  reason_hash: string;
  reason: string;
  givers: number;
}

export interface ReasonGiversTable {
  reason_hash: string;
  n: number;
}

export interface HubDatabase {
  events: EventsTable;
  daily_rollups: DailyRollupsTable;
  daily_actors: DailyActorsTable;
  daily_reasons: DailyReasonsTable;
  daily_signals: DailySignalsTable;
  alerts: AlertsTable;
  run_durations: RunDurationsTable;
  devices: DevicesTable;
  users: UsersTable;
  sessions: SessionsTable;
  settings: SettingsTable;
  touchpoint_daily: TouchpointDailyTable;
  touchpoint_actors: TouchpointActorsTable;
  touchpoint_ids: TouchpointIdsTable;
  packs: PacksTable;
  period_pending: PeriodPendingTable;
  period_counts: PeriodCountsTable;
  period_people: PeriodPeopleTable;
  actor_numbers: ActorNumbersTable;
  actor_groups: ActorGroupsTable;
  reason_texts: ReasonTextsTable;
  reason_givers: ReasonGiversTable;
}

export type NewEvent = Insertable<EventsTable>;
export type Device = Selectable<DevicesTable>;
export type User = Selectable<UsersTable>;
export type Session = Selectable<SessionsTable>;
