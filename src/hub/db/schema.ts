/**
 * The hub's tables as Kysely sees them. The SQL that creates them is in ./migrations.ts;
 * the two must agree. Counts (bigint) come back as numbers and days (date) as 'YYYY-MM-DD'
 * strings on both backends: ./open.ts sets the same type parsers for PGlite and pg.
 */
import type { ColumnType, Insertable, Selectable } from 'kysely';

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

export interface HubDatabase {
  events: EventsTable;
  daily_rollups: DailyRollupsTable;
  daily_actors: DailyActorsTable;
  daily_reasons: DailyReasonsTable;
  run_durations: RunDurationsTable;
  devices: DevicesTable;
  users: UsersTable;
  sessions: SessionsTable;
  settings: SettingsTable;
}

export type NewEvent = Insertable<EventsTable>;
export type Device = Selectable<DevicesTable>;
export type User = Selectable<UsersTable>;
export type Session = Selectable<SessionsTable>;
