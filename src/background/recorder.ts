/**
 * Records what people do with aids, and keeps their progress.
 *
 * The page reports an event; the pack, its version and the aid id come from the store, the
 * URL loses its query string and hash, and the event and the progress it implies are
 * written in one transaction, and, when export to the organisation's Learning Record Store is
 * on, queued for it in that same transaction.
 */
import { redactUrl } from '../aids/url-match';
import type { EventInput, Progress, StoredEvent } from '../protocol/messages';
import { getSetting, type InflowDb } from './db';
import { isExported } from './xapi';

/** Most events the outbox keeps; when full, the oldest are dropped and counted. */
export const OUTBOX_LIMIT = 10_000;

/** A request that names something the store does not have. */
export class RecordError extends Error {
  override name = 'RecordError';
}

const STEP_EVENTS = new Set<EventInput['type']>(['step_done', 'step_undone', 'step_skipped']);

/**
 * The progress after `event`, or null when the event does not change progress (shown,
 * opened, feedback, the target diagnostics).
 */
export function nextProgress(
  current: Progress | undefined,
  event: EventInput,
  now: number,
): Progress | null {
  const base = (): Progress =>
    current ?? { aidKey: event.aidKey, steps: {}, startedAt: event.at, updatedAt: now };
  const stepId = event.stepId ?? '';
  switch (event.type) {
    case 'step_done': {
      const p = base();
      const state: Progress['steps'][string] = { state: 'done', at: event.at };
      if (event.how) state.how = event.how;
      return { ...p, steps: { ...p.steps, [stepId]: state }, updatedAt: now };
    }
    case 'step_skipped': {
      const p = base();
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
      return { ...base(), completedAt: event.at, updatedAt: now };
    case 'aid_dismissed':
      return { ...base(), dismissedAt: event.at, updatedAt: now };
    default:
      return null;
  }
}

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
  return db.transaction(
    'rw',
    [db.aids, db.events, db.progress, db.settings, db.outbox],
    async () => {
      const row = await db.aids.get(input.aidKey);
      if (!row) throw new RecordError(`unknown aid "${input.aidKey}"`);
      // A step event names a step of the aid; feedback may name one (or the whole aid).
      const stepNeeded = STEP_EVENTS.has(input.type);
      if (stepNeeded && !input.stepId) throw new RecordError(`${input.type} needs a stepId`);
      if (input.stepId !== undefined && (stepNeeded || input.type === 'aid_feedback')) {
        const steps = row.aid.kind === 'checklist' ? row.aid.steps : [];
        if (!steps.some((s) => s.id === input.stepId)) {
          throw new RecordError(`aid "${input.aidKey}" has no step "${input.stepId}"`);
        }
      }

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
      // Feedback keeps the person's words, minus surrounding blanks (an empty comment is
      // none); no other event carries free text of this kind.
      const comment = input.type === 'aid_feedback' ? input.comment?.trim() : undefined;
      if (comment) event.comment = comment;
      const seq = await db.events.add(event);
      if (isExported(event.type) && (await getSetting(db, 'exportOn', false))) {
        await enqueue(db, { id: event.id, seq, event: { ...event, seq } }, outboxLimit);
      }

      const progress = nextProgress(await db.progress.get(row.key), input, now);
      if (progress) await db.progress.put(progress);
      return event;
    },
  );
}

/** Adds a row to the outbox; drops (and counts) the oldest rows past `limit`. */
async function enqueue(
  db: InflowDb,
  row: { id: string; seq: number; event: StoredEvent },
  limit: number,
) {
  await db.outbox.put(row);
  const over = (await db.outbox.count()) - limit;
  if (over <= 0) return;
  const oldest = await db.outbox.orderBy('seq').limit(over).primaryKeys();
  await db.outbox.bulkDelete(oldest);
  const dropped = await getSetting(db, 'exportDropped', 0);
  await db.settings.put({ key: 'exportDropped', value: dropped + oldest.length });
}

/** Forgets a person's progress in one aid. Throws RecordError for an unknown aid. */
export async function resetProgress(db: InflowDb, aidKey: string): Promise<void> {
  await db.transaction('rw', db.aids, db.progress, async () => {
    if (!(await db.aids.get(aidKey))) throw new RecordError(`unknown aid "${aidKey}"`);
    await db.progress.delete(aidKey);
  });
}
