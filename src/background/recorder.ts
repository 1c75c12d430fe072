/**
 * Records what people do with aids, and keeps their progress and its runs.
 *
 * The page reports an event; the pack, its version and the aid id come from the store, the
 * URL is cut to the page path (redactUrl), and the event and the progress it implies are
 * written in one transaction, and, when export to the organisation's Learning Record Store is
 * on, queued for it in that same transaction; and so for the organisation's hub, which has a
 * queue of its own and gets every type of event.
 *
 * Runs (docs/authoring.md, "Runs"): when the person leaves a checklist's pages with the run
 * unfinished, the overlay says so (`progress.leave`) and the progress row keeps `leftAt`. The
 * next lookup of that checklist (startRuns) either goes on with the run (a reload: the page is
 * as it was) or, in one transaction, records `run_abandoned` and forgets the progress, so the
 * fresh form starts with nothing ticked.
 *
 * Why "left" is kept here and not on the page: a full page load starts a fresh content
 * script, and the page's own storage belongs to the web app (readable and erasable by it, and
 * split per site). The store survives navigation and a stopped service worker. The page only
 * knows where it is going, so it decides whether the checklist still applies there; this side
 * decides, when the checklist's pages open again, whether that is a reload.
 */

import type { Table } from 'dexie';
import { redactUrl } from '../aids/url-match';
import {
  type ActiveAid,
  type EventInput,
  type Progress,
  RunMs,
  type StoredEvent,
} from '../protocol/messages';
import { type AidRow, getSetting, type InflowDb, type OutboxRow } from './db';
import { isExported } from './xapi';

/** Most events each queue (LRS, hub) keeps; when full, the oldest are dropped and counted. */
export const OUTBOX_LIMIT = 10_000;

/** A request that names something the store does not have. */
export class RecordError extends Error {
  override name = 'RecordError';
}

const STEP_EVENTS = new Set<EventInput['type']>([
  'step_done',
  'step_undone',
  'step_skipped',
  'step_shown',
  'walkthrough_abandoned',
]);
/** Events about one field check of a checks aid: `stepId` names the check. */
const CHECK_EVENTS = new Set<EventInput['type']>([
  'check_failed',
  'check_passed',
  'check_overridden',
]);

/**
 * The progress after `event`, or null when the event does not change progress (shown,
 * opened, feedback, the target diagnostics).
 *
 * A run that was left (`leftAt`) stays left for events the person did before leaving (they
 * may arrive after the leave: the page sends events through a queue); an event done after it
 * means the person is back at the same page (restored from the back/forward cache, another
 * tab), and the run goes on.
 */
export function nextProgress(
  current: Progress | undefined,
  event: EventInput,
  now: number,
): Progress | null {
  const next = applyEvent(current, event, now);
  if (next?.leftAt === undefined || event.at <= next.leftAt) return next;
  const { leftAt: _left, ...rest } = next;
  return rest;
}

function applyEvent(
  current: Progress | undefined,
  event: EventInput,
  now: number,
): Progress | null {
  const base = (): Progress =>
    current ?? { aidKey: event.aidKey, steps: {}, startedAt: event.at, updatedAt: now };
  // A step event may arrive after a progress that a leave made (leaveRun): the run began with
  // the step, not with the leave.
  const started = (): Progress => {
    const p = base();
    return event.at < p.startedAt ? { ...p, startedAt: event.at } : p;
  };
  const stepId = event.stepId ?? '';
  switch (event.type) {
    case 'step_done': {
      const p = started();
      const state: Progress['steps'][string] = { state: 'done', at: event.at };
      if (event.how) state.how = event.how;
      return { ...p, steps: { ...p.steps, [stepId]: state }, updatedAt: now };
    }
    case 'step_skipped': {
      const p = started();
      const state: Progress['steps'][string] = { state: 'skipped', at: event.at };
      if (event.reason) state.reason = event.reason;
      return { ...p, steps: { ...p.steps, [stepId]: state }, updatedAt: now };
    }
    case 'step_undone': {
      if (!current) return null;
      const { [stepId]: _removed, ...steps } = current.steps;
      // A checklist with a step undone is no longer complete.
      const { completedAt: _completed, ...rest } = current;
      return { ...rest, steps, updatedAt: now };
    }
    case 'checklist_completed':
    case 'walkthrough_finished':
      return { ...base(), completedAt: event.at, updatedAt: now };
    case 'aid_dismissed':
    case 'walkthrough_abandoned':
      return { ...base(), dismissedAt: event.at, updatedAt: now };
    case 'walkthrough_started':
      // A new run: the steps of an earlier one are dropped, stopped and finished with them.
      return { aidKey: event.aidKey, steps: {}, startedAt: event.at, updatedAt: now };
    default:
      return null;
  }
}

/** The tables an event is written to, in one transaction. */
const EVENT_TABLES = (db: InflowDb) => [
  db.aids,
  db.events,
  db.progress,
  db.settings,
  db.outbox,
  db.hubOutbox,
];

/**
 * Stores one event and updates progress in the same transaction. Throws RecordError for an
 * unknown aid, or a step event without a step of that aid.
 */
export async function recordEvent(
  db: InflowDb,
  input: EventInput,
  now: number = Date.now(),
  outboxLimit: number = OUTBOX_LIMIT,
): Promise<StoredEvent> {
  return db.transaction('rw', EVENT_TABLES(db), async () => {
    const row = await db.aids.get(input.aidKey);
    if (!row) throw new RecordError(`unknown aid "${input.aidKey}"`);
    // A step event names a step of the aid; feedback may name one (or the whole aid).
    const stepNeeded = STEP_EVENTS.has(input.type);
    const checkNeeded = CHECK_EVENTS.has(input.type);
    if ((stepNeeded || checkNeeded) && !input.stepId) {
      throw new RecordError(`${input.type} needs a stepId`);
    }
    if (input.stepId !== undefined && (stepNeeded || input.type === 'aid_feedback')) {
      const steps =
        row.aid.kind === 'checklist' || row.aid.kind === 'walkthrough' ? row.aid.steps : [];
      if (!steps.some((s) => s.id === input.stepId)) {
        throw new RecordError(`aid "${input.aidKey}" has no step "${input.stepId}"`);
      }
    }
    if (checkNeeded) {
      const checks = row.aid.kind === 'checks' ? row.aid.checks : [];
      if (!checks.some((c) => c.id === input.stepId)) {
        throw new RecordError(`aid "${input.aidKey}" has no field check "${input.stepId}"`);
      }
      if (input.type === 'check_overridden' && !input.reason?.trim()) {
        throw new RecordError('check_overridden needs the reason the person gave');
      }
    }
    const current = await db.progress.get(row.key);
    const ms = input.type === 'checklist_completed' ? runMs(current, input.at) : undefined;
    const event = await storeEvent(db, row, input, now, outboxLimit, ms);
    const progress = nextProgress(current, input, now);
    if (progress) await db.progress.put(progress);
    return event;
  });
}

/**
 * The duration of the run that a checklist_completed at `at` ends, from the background's own
 * progress (the page is not trusted with it): `at` minus the run's start (`startedAt`, its
 * first step done or skipped), rounded to whole ms. Undefined when there is no run in
 * progress (a checklist complete before any step event, as one whose steps are all optional)
 * or when the result is not between 0 and MAX_RUN_MS (a clock that stepped back, a run kept
 * open for over a month): no duration rather than a wrong one.
 */
export function runMs(progress: Progress | undefined, at: number): number | undefined {
  if (!progress) return undefined;
  const ms = Math.round(at - progress.startedAt);
  return RunMs.safeParse(ms).success ? ms : undefined;
}

/** Writes one event of `row` (and queues it for export). Call inside a transaction. */
async function storeEvent(
  db: InflowDb,
  row: AidRow,
  input: EventInput,
  now: number,
  outboxLimit: number,
  ms?: number,
): Promise<StoredEvent> {
  const event: StoredEvent = {
    id: crypto.randomUUID(),
    type: input.type,
    aidKey: row.key,
    aidId: row.aidId,
    packId: row.packId,
    packVersion: row.packVersion,
    url: redactUrl(input.url),
    at: input.at,
    recordedAt: now,
  };
  if (input.stepId !== undefined) event.stepId = input.stepId;
  if (input.how !== undefined) event.how = input.how;
  if (input.reason !== undefined) event.reason = input.reason;
  if (input.failedSignals !== undefined) event.failedSignals = input.failedSignals;
  if (input.foundBy !== undefined) event.foundBy = input.foundBy;
  if (input.problem !== undefined) event.problem = input.problem;
  if (ms !== undefined) event.ms = ms;
  // Feedback keeps the person's words, minus surrounding blanks (an empty comment is
  // none); no other event carries free text of this kind.
  const comment = input.type === 'aid_feedback' ? input.comment?.trim() : undefined;
  if (comment) event.comment = comment;
  const seq = await db.events.add(event);
  const queued: OutboxRow = { id: event.id, seq, event: { ...event, seq } };
  if (isExported(event.type) && (await getSetting(db, 'exportOn', false))) {
    await enqueue(db, db.outbox, 'exportDropped', queued, outboxLimit);
  }
  // The hub gets every type, the diagnostics about the web app's pages included.
  if (await getSetting(db, 'hubOn', false)) {
    await enqueue(db, db.hubOutbox, 'hubDropped', queued, outboxLimit);
  }
  return event;
}

/** Adds a row to a queue; drops (and counts) the oldest rows past `limit`. */
async function enqueue(
  db: InflowDb,
  queue: Table<OutboxRow, string>,
  droppedKey: 'exportDropped' | 'hubDropped',
  row: OutboxRow,
  limit: number,
) {
  await queue.put(row);
  const over = (await queue.count()) - limit;
  if (over <= 0) return;
  const oldest = await queue.orderBy('seq').limit(over).primaryKeys();
  await queue.bulkDelete(oldest);
  const dropped = await getSetting(db, droppedKey, 0);
  await db.settings.put({ key: droppedKey, value: dropped + oldest.length });
}

/** Forgets a person's progress in one aid. Throws RecordError for an unknown aid. */
export async function resetProgress(db: InflowDb, aidKey: string): Promise<void> {
  await db.transaction('rw', db.aids, db.progress, async () => {
    if (!(await db.aids.get(aidKey))) throw new RecordError(`unknown aid "${aidKey}"`);
    await db.progress.delete(aidKey);
  });
}

/**
 * The person left the checklist's pages at `at` (the page's time) with the run unfinished:
 * keeps `leftAt` on its progress, for the next lookup (startRuns). A finished run, or one
 * already left, is not changed. When the progress is not there yet (the event that creates it
 * is still on its way from the page), an empty one is kept, left: that event, done before
 * leaving, fills it and the run stays left. Throws RecordError for an unknown aid.
 */
export async function leaveRun(
  db: InflowDb,
  aidKey: string,
  at: number,
  now: number = Date.now(),
): Promise<void> {
  await db.transaction('rw', db.aids, db.progress, async () => {
    if (!(await db.aids.get(aidKey))) throw new RecordError(`unknown aid "${aidKey}"`);
    const current = await db.progress.get(aidKey);
    if (current?.completedAt !== undefined || current?.leftAt !== undefined) return;
    const progress = current ?? { aidKey, steps: {}, startedAt: at, updatedAt: now };
    await db.progress.put({ ...progress, leftAt: at, updatedAt: now });
  });
}

/**
 * The aids of a lookup, with the runs they are in (see the top of this file). For a checklist
 * whose last run was left: on a reload the run goes on (`leftAt` is forgotten); otherwise, in
 * one transaction, a run with something done or skipped is recorded as run_abandoned (at the
 * time it was left, with the address of this page) and the progress is forgotten, and the aid
 * comes back with no progress and `runAbandoned`. A finished run is left to the overlay, which
 * starts it over as before. Drafts in preview are never touched.
 */
export async function startRuns(
  db: InflowDb,
  aids: ActiveAid[],
  url: string,
  reload: boolean,
  now: number = Date.now(),
  outboxLimit: number = OUTBOX_LIMIT,
): Promise<ActiveAid[]> {
  const left = (a: ActiveAid) =>
    !a.preview && a.progress?.leftAt !== undefined && a.progress.completedAt === undefined;
  if (!aids.some(left)) return aids;
  const out: ActiveAid[] = [];
  for (const a of aids) {
    out.push(left(a) ? await startRun(db, a, url, reload, now, outboxLimit) : a);
  }
  return out;
}

async function startRun(
  db: InflowDb,
  active: ActiveAid,
  url: string,
  reload: boolean,
  now: number,
  outboxLimit: number,
): Promise<ActiveAid> {
  return db.transaction('rw', EVENT_TABLES(db), async () => {
    const row = await db.aids.get(active.key);
    // Read again: another tab may have started the run meanwhile.
    const current = await db.progress.get(active.key);
    if (!row || current?.leftAt === undefined || current.completedAt !== undefined) {
      return { ...active, progress: current ?? null };
    }
    const { leftAt, ...rest } = current;
    if (reload) {
      await db.progress.put(rest);
      return { ...active, progress: rest };
    }
    await db.progress.delete(active.key);
    // A run left with nothing ticked (every step undone) was not started: nothing to tell.
    if (!Object.keys(current.steps).length) return { ...active, progress: null };
    const input: EventInput = { type: 'run_abandoned', aidKey: row.key, url, at: leftAt };
    await storeEvent(db, row, input, now, outboxLimit);
    return { ...active, progress: null, runAbandoned: true };
  });
}
