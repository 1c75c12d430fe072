/**
 * What each event adds to the period rollups: the metrics it counts in, the subjects whose
 * people it belongs to, and the bucket of a run's duration. Ingest turns events into pending
 * rows with `pendingOf`; the compactor (./compact.ts) and the rebuild from the daily tables
 * (./period-rebuild.ts) fold them in with the same rules.
 */
import { createHash } from 'node:crypto';
import type { HubEvent } from '../protocol/hub';
import type { PeriodPendingTable } from './db/schema';

/** The events by which a person reached a step (the drop-off, and an aid's "started"). */
export const REACHED_TYPES: readonly string[] = ['step_done', 'step_skipped'];
export const TARGET_TYPES: readonly string[] = ['target_missing', 'target_healed'];
/** Health's metrics: the partial index period_counts_health (migration 0011) lists them too. */
export const HEALTH_TYPES: readonly string[] = [...TARGET_TYPES, 'aid_feedback'];

/** The key of a row of period_counts (its primary key), in the key's order. */
export const COUNT_KEY = [
  'span',
  'start',
  'team',
  'role',
  'pack_id',
  'aid_key',
  'pack_version',
  'step_id',
  'metric',
] as const;

/** Stands for "every team" (or role) in period_counts; refused as a team's or role's name. */
export const ALL = '*';

/**
 * The sets of people the views count. `aid:` subjects are kept on the aid's row (step_id
 * ''), `step:` subjects on the event's step. `types` null means any event type; `anyStep`
 * keeps the subject for events without a step too (a tip's own target).
 */
export const SUBJECTS = [
  { subject: 'aid:any', level: 'aid', types: null },
  { subject: 'aid:reached', level: 'aid', types: REACHED_TYPES },
  { subject: 'aid:missing', level: 'aid', types: ['target_missing'] },
  { subject: 'aid:health', level: 'aid', types: HEALTH_TYPES },
  { subject: 'step:any', level: 'step', types: null },
  { subject: 'step:reached', level: 'step', types: REACHED_TYPES },
  { subject: 'step:target', level: 'step', types: TARGET_TYPES, anyStep: true },
  { subject: 'step:missing', level: 'step', types: ['target_missing'], anyStep: true },
] as const satisfies readonly {
  subject: string;
  level: 'aid' | 'step';
  types: readonly string[] | null;
  anyStep?: boolean;
}[];

export type Subject = (typeof SUBJECTS)[number]['subject'];

/** The (step_id, subject) pairs a person's event of `type` on `stepId` ('' for none) is in. */
export function subjectsOf(type: string, stepId: string): [string, Subject][] {
  const out: [string, Subject][] = [];
  for (const s of SUBJECTS) {
    const types: readonly string[] | null = s.types;
    if (types !== null && !types.includes(type)) continue;
    if (s.level === 'aid') out.push(['', s.subject]);
    else if (stepId !== '' || ('anyStep' in s && s.anyStep)) out.push([stepId, s.subject]);
  }
  return out;
}

/**
 * Durations are counted in buckets growing by GAMMA: a bucket's middle (bucketMs) is within
 * about 9% of every duration in it, and an hour to a month takes a few dozen buckets.
 */
export const GAMMA = 1.2;

export function msBucket(ms: number): number {
  return ms < 1 ? 0 : Math.ceil(Math.log(ms) / Math.log(GAMMA));
}

/** The duration a bucket stands for: between its bounds GAMMA^(b-1) and GAMMA^b. */
export function bucketMs(bucket: number): number {
  return bucket <= 0 ? 0 : (2 * GAMMA ** bucket) / (GAMMA + 1);
}

export function reasonHash(reason: string): string {
  return createHash('sha256').update(reason).digest('hex');
}

/**
 * The reason an event carries that the views list, if it has some text: a step's skip reason,
 * or the reason given for saving past a field check (check_overridden).
 */
export function reasonOf(e: HubEvent): string | undefined {
  return (e.type === 'step_skipped' || e.type === 'check_overridden') &&
    e.reason &&
    e.reason.trim() !== ''
    ? e.reason
    : undefined;
}

/** The metrics an event counts in, each with its detail (a reason's text). */
function metricsOf(e: HubEvent): { metric: string; detail: string | null }[] {
  const out: { metric: string; detail: string | null }[] = [{ metric: e.type, detail: null }];
  if (e.type === 'step_done' && e.how) out.push({ metric: `step_done:${e.how}`, detail: null });
  const reason = reasonOf(e);
  if (reason !== undefined) out.push({ metric: `reason:${reasonHash(reason)}`, detail: reason });
  if (e.type === 'target_missing' || e.type === 'target_healed') {
    for (const signal of new Set(e.failedSignals ?? []))
      out.push({ metric: `signal:failed:${signal}`, detail: null });
    if (e.type === 'target_healed' && e.foundBy)
      out.push({ metric: `signal:found_by:${e.foundBy}`, detail: null });
  }
  if (e.type === 'checklist_completed' && e.ms !== undefined)
    out.push({ metric: `ms:${msBucket(e.ms)}`, detail: null });
  return out;
}

export type PendingRow = Omit<PeriodPendingTable, 'id'>;

/** The pending rows of new events: one per day, key, metric and person, events summed. */
export function pendingOf(events: HubEvent[], dayOf: (ms: number) => string): PendingRow[] {
  const rows = new Map<string, PendingRow>();
  for (const e of events) {
    const key = {
      day: dayOf(e.at),
      pack_id: e.packId,
      aid_key: e.aidKey,
      pack_version: e.packVersion,
      step_id: e.stepId ?? '',
      team: e.team ?? '',
      role: e.role ?? '',
    };
    for (const { metric, detail } of metricsOf(e)) {
      const id = JSON.stringify([...Object.values(key), metric, e.actor]);
      const row = rows.get(id);
      if (row) row.events++;
      else rows.set(id, { ...key, metric, actor: e.actor, detail, events: 1 });
    }
  }
  return [...rows.values()];
}
