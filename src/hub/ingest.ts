/**
 * Stores a validated batch of events exactly once. In one transaction: the events are
 * inserted with `on conflict (id) do nothing`, and only the rows that insert reports back
 * (RETURNING id) are added to the daily rollups, the distinct-people table, the skip
 * reasons, the signals of target reports and the run durations. Sending the same batch again
 * therefore inserts nothing and counts nothing. What was new is handed to `afterCommit` once
 * the transaction has committed (the hub evaluates alerts with it, off the request path).
 */
import type { Compilable } from 'kysely';
import { redactUrl } from '../aids/url-match';
import type { HubBatchAnswer, HubEvent } from '../protocol/hub';
import { type BulkColumn, names, unnested, writeTogether } from './db/bulk';
import type { HubDb } from './db/open';
import type {
  DailyActorsTable,
  DailyReasonsTable,
  DailyRollupsTable,
  DailySignalsTable,
  NewEvent,
  RollupKey,
  RunDurationsTable,
} from './db/schema';
import { type PendingRow, pendingOf, reasonHash, reasonOf } from './period-rows';
import { retentionCutoff, retentionDays } from './retention';

const KEY: BulkColumn<RollupKey>[] = [
  ['day', 'date'],
  ['pack_id', 'text'],
  ['aid_key', 'text'],
  ['pack_version', 'text'],
  ['step_id', 'text'],
  ['event_type', 'text'],
  ['team', 'text'],
  ['role', 'text'],
];
const EVENT_COLUMNS: BulkColumn<NewEvent>[] = [
  ['id', 'text'],
  ['type', 'text'],
  ['aid_key', 'text'],
  ['aid_id', 'text'],
  ['pack_id', 'text'],
  ['pack_version', 'text'],
  ['step_id', 'text'],
  ['how', 'text'],
  ['reason', 'text'],
  ['failed_signals', 'jsonb'],
  ['found_by', 'text'],
  ['problem', 'text'],
  ['comment', 'text'],
  ['url', 'text'],
  ['at', 'timestamptz'],
  ['recorded_at', 'timestamptz'],
  ['received_at', 'timestamptz'],
  ['actor', 'text'],
  ['team', 'text'],
  ['role', 'text'],
  ['device_id', 'text'],
  ['ms', 'integer'],
];
const ROLLUP_COLUMNS: BulkColumn<DailyRollupsTable>[] = [
  ...KEY,
  ['how', 'text'],
  ['events', 'integer'],
];
const ACTOR_COLUMNS: BulkColumn<DailyActorsTable>[] = [...KEY, ['actor', 'text']];
const PENDING_COLUMNS: BulkColumn<PendingRow>[] = [
  ['day', 'date'],
  ['pack_id', 'text'],
  ['aid_key', 'text'],
  ['pack_version', 'text'],
  ['step_id', 'text'],
  ['team', 'text'],
  ['role', 'text'],
  ['metric', 'text'],
  ['actor', 'text'],
  ['detail', 'text'],
  ['events', 'integer'],
];

/** The UTC calendar day of an instant, 'YYYY-MM-DD'. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Origin and path only. The browser already redacts, but the hub does not rely on it: a
 * query string or an anchor never reaches the table (a `#/route` of a hash-routed app is
 * the page's path and stays).
 */
function safeUrl(url: string): string {
  return redactUrl(url);
}

function row(e: HubEvent, deviceId: string, receivedAt: Date): NewEvent {
  return {
    id: e.id,
    type: e.type,
    aid_key: e.aidKey,
    aid_id: e.aidId,
    pack_id: e.packId,
    pack_version: e.packVersion,
    step_id: e.stepId ?? null,
    how: e.how ?? null,
    reason: e.reason ?? null,
    // JSON text: pg would send a JS array as a PostgreSQL array, not as JSON.
    failed_signals: e.failedSignals ? JSON.stringify(e.failedSignals) : null,
    found_by: e.foundBy ?? null,
    problem: e.problem ?? null,
    comment: e.comment ?? null,
    url: safeUrl(e.url),
    at: new Date(e.at),
    recorded_at: new Date(e.recordedAt),
    received_at: receivedAt,
    actor: e.actor,
    team: e.team ?? null,
    role: e.role ?? null,
    device_id: deviceId,
    ms: e.ms ?? null,
  };
}

function keyOf(e: HubEvent): RollupKey {
  return {
    day: utcDay(e.at),
    pack_id: e.packId,
    aid_key: e.aidKey,
    pack_version: e.packVersion,
    step_id: e.stepId ?? '',
    event_type: e.type,
    team: e.team ?? '',
    role: e.role ?? '',
  };
}

/** The signals a target report names: each failed one, and the one that found it instead. */
function signalsOf(e: HubEvent): { kind: DailySignalsTable['kind']; signal: string }[] {
  if (e.type !== 'target_missing' && e.type !== 'target_healed') return [];
  // A signal named twice in one report counts once.
  const out = [...new Set(e.failedSignals ?? [])].map(
    (signal): { kind: DailySignalsTable['kind']; signal: string } => ({ kind: 'failed', signal }),
  );
  if (e.type === 'target_healed' && e.foundBy) out.push({ kind: 'found_by', signal: e.foundBy });
  return out;
}

/**
 * The new events summed per rollup key (and `how`), their distinct (key, person) pairs,
 * their skip reasons summed per key, reason and person, and the signals of target reports
 * summed per key, kind and signal.
 */
export function rollupsOf(events: HubEvent[]): {
  rollups: DailyRollupsTable[];
  actors: DailyActorsTable[];
  reasons: DailyReasonsTable[];
  signals: DailySignalsTable[];
} {
  const rollups = new Map<string, DailyRollupsTable>();
  const actors = new Map<string, DailyActorsTable>();
  const reasons = new Map<string, DailyReasonsTable>();
  const signals = new Map<string, DailySignalsTable>();
  for (const e of events) {
    const key = keyOf(e);
    const how = e.how ?? '';
    const id = JSON.stringify(Object.values(key));
    const rollupId = JSON.stringify([id, how]);
    const rollup = rollups.get(rollupId);
    if (rollup) rollup.events++;
    else rollups.set(rollupId, { ...key, how, events: 1 });
    actors.set(JSON.stringify([id, e.actor]), { ...key, actor: e.actor });
    for (const { kind, signal } of signalsOf(e)) {
      const signalId = JSON.stringify([id, kind, signal]);
      const counted = signals.get(signalId);
      if (counted) counted.events++;
      else signals.set(signalId, { ...key, kind, signal, events: 1 });
    }
    const reason = reasonOf(e);
    if (reason !== undefined) {
      const reason_hash = reasonHash(reason);
      const reasonId = JSON.stringify([id, reason_hash, e.actor]);
      const counted = reasons.get(reasonId);
      if (counted) counted.count++;
      else {
        const { event_type: _, ...rest } = key;
        reasons.set(reasonId, { ...rest, reason_hash, reason, actor: e.actor, count: 1 });
      }
    }
  }
  // In key order: concurrent batches then lock the rows they share in the same order, so
  // two of them cannot each wait for a row the other holds (a deadlock, one batch failed).
  const sorted = <T>(m: Map<string, T>) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return {
    rollups: sorted(rollups),
    actors: sorted(actors),
    reasons: sorted(reasons),
    signals: sorted(signals),
  };
}

/** The durations of the new completions that have one: one row per event. */
export function durationsOf(events: HubEvent[]): RunDurationsTable[] {
  return events
    .filter((e) => e.type === 'checklist_completed' && e.ms !== undefined)
    .map((e) => ({
      event_id: e.id,
      day: utcDay(e.at),
      pack_id: e.packId,
      aid_key: e.aidKey,
      pack_version: e.packVersion,
      team: e.team ?? '',
      role: e.role ?? '',
      actor: e.actor,
      ms: e.ms!,
    }));
}

export interface IngestOptions {
  deviceId: string;
  events: HubEvent[];
  now?: Date;
  /**
   * Called with the events that were new, after their transaction committed (not called
   * when nothing was new). It must not throw; what it starts is its own business.
   */
  afterCommit?(added: HubEvent[]): void;
}

/**
 * Stores what is new in a batch. Events older than the retention are not kept (they would
 * be pruned, and a resend would then count them again): they are answered as duplicates,
 * so the browser drops them like events the hub already has.
 */
export async function ingestBatch(db: HubDb, options: IngestOptions): Promise<HubBatchAnswer> {
  const now = options.now ?? new Date();
  const cutoff = retentionCutoff(await retentionDays(db), now).getTime();
  const fresh = options.events.filter((e) => e.at >= cutoff);
  if (fresh.length === 0) return { accepted: 0, duplicates: options.events.length };

  let added: HubEvent[] = [];
  const inserted = await db.transaction().execute(async (trx) => {
    const returned = await trx
      .insertInto('events')
      .columns(names(EVENT_COLUMNS))
      .expression(
        unnested(
          fresh.map((e) => row(e, options.deviceId, now)),
          EVENT_COLUMNS,
        ),
      )
      .onConflict((c) => c.column('id').doNothing())
      .returning('id')
      .execute();
    const ids = new Set(returned.map((r) => r.id));
    // An id twice in one batch is inserted once: count its first occurrence only.
    added = fresh.filter((e) => ids.delete(e.id));
    if (added.length === 0) return 0;
    const { rollups, actors, reasons, signals } = rollupsOf(added);
    // Every rollup of the new events in one statement: one round trip, not one per table.
    const writes: Compilable[] = [];
    writes.push(
      trx
        .insertInto('daily_rollups')
        .columns(names(ROLLUP_COLUMNS))
        .expression(unnested(rollups, ROLLUP_COLUMNS))
        .onConflict((c) =>
          c.columns([...names(KEY), 'how']).doUpdateSet((eb) => ({
            events: eb('daily_rollups.events', '+', eb.ref('excluded.events')),
          })),
        ),
    );
    writes.push(
      trx
        .insertInto('daily_actors')
        .columns(names(ACTOR_COLUMNS))
        .expression(unnested(actors, ACTOR_COLUMNS))
        .onConflict((c) => c.doNothing()),
    );
    if (reasons.length > 0) {
      writes.push(
        trx
          .insertInto('daily_reasons')
          .values(reasons)
          .onConflict((c) =>
            c
              .columns([...names(KEY).filter((c) => c !== 'event_type'), 'reason_hash', 'actor'])
              .doUpdateSet((eb) => ({
                count: eb('daily_reasons.count', '+', eb.ref('excluded.count')),
              })),
          ),
      );
    }
    if (signals.length > 0) {
      writes.push(
        trx
          .insertInto('daily_signals')
          .values(signals)
          .onConflict((c) =>
            c.columns([...names(KEY), 'kind', 'signal']).doUpdateSet((eb) => ({
              events: eb('daily_signals.events', '+', eb.ref('excluded.events')),
            })),
          ),
      );
    }
    // The period rollups' share, folded in later by one writer (./compact.ts).
    writes.push(
      trx
        .insertInto('period_pending')
        .columns(names(PENDING_COLUMNS))
        .expression(unnested(pendingOf(added, utcDay), PENDING_COLUMNS)),
    );
    const durations = durationsOf(added);
    if (durations.length > 0) {
      writes.push(
        trx
          .insertInto('run_durations')
          .values(durations)
          .onConflict((c) => c.column('event_id').doNothing()),
      );
    }
    await writeTogether(trx, writes);
    return added.length;
  });
  if (inserted > 0) options.afterCommit?.(added);
  return { accepted: inserted, duplicates: options.events.length - inserted };
}
