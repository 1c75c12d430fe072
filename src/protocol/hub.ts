/**
 * The contract between the extension and the organisation's hub (src/hub): what a browser
 * sends to `POST /api/events`. The extension builds batches with these types and the hub
 * validates every request with these schemas; neither side has a copy of its own.
 *
 * What crosses: the stored event (./messages.ts StoredEvent) without its local sequence
 * number, with the pseudonymous actor (the salted hash the xAPI statements use, never the
 * actorId itself) and the person's team and role as the settings say. Never a field value,
 * never a query string (the URL is already redacted to origin and path when recorded).
 */
import { z } from 'zod';
import { AidKey, EventType, RunMs } from './messages';
import { GroupName } from './settings';

/** Events per request at most; the hub answers 413 to more. */
export const HUB_MAX_BATCH = 500;
/** Bytes of one request body at most; the hub answers 413 to more, unread. */
export const HUB_MAX_BODY_BYTES = 1024 * 1024;

/** ms since the epoch, as the extension records it; within what a Date can hold. */
const Time = z.number().nonnegative().max(8.64e15);

export const HubEvent = z
  .object({
    /** Fixed when recorded: the hub keeps each id once. */
    id: z.string().min(8).max(64),
    type: EventType,
    aidKey: AidKey,
    aidId: z.string().min(1).max(64),
    packId: z.string().min(1).max(64),
    packVersion: z.string().min(1).max(20),
    stepId: z.string().max(64).optional(),
    how: z.enum(['auto', 'manual']).optional(),
    reason: z.string().max(500).optional(),
    failedSignals: z.array(z.string().max(20)).max(10).optional(),
    foundBy: z.string().max(20).optional(),
    problem: z.enum(['no_value', 'no_checked_state']).optional(),
    comment: z.string().max(1000).optional(),
    /** Origin and path only (redactUrl); as long as a recorded event's URL may be. */
    url: z.string().max(4000),
    /** When the person acted and when the browser stored it, ms since epoch. */
    at: Time,
    recordedAt: Time,
    /** The pseudonymous actor: a salted hash, the same as in xAPI statements. */
    actor: z.string().min(1).max(200),
    /** '*' is refused: the hub's rollups use it for "every team" (and "every role"). */
    team: GroupName.optional(),
    role: GroupName.optional(),
    /**
     * checklist_completed only: the run's duration in ms, first step done or skipped to the
     * completion, at most 30 days (messages.ts RunMs). Absent when the browser did not know it.
     */
    ms: RunMs.optional(),
  })
  .strict()
  .refine((e) => e.ms === undefined || e.type === 'checklist_completed', {
    message: 'only checklist_completed carries ms',
    path: ['ms'],
  });

export const HubBatch = z
  .object({
    events: z.array(HubEvent).min(1).max(HUB_MAX_BATCH),
  })
  .strict();

/** What the hub answers to an accepted batch: how many were new, how many it already had. */
export const HubBatchAnswer = z
  .object({
    accepted: z.number().int().nonnegative(),
    duplicates: z.number().int().nonnegative(),
  })
  .strict();

export type HubEvent = z.infer<typeof HubEvent>;
export type HubBatch = z.infer<typeof HubBatch>;
export type HubBatchAnswer = z.infer<typeof HubBatchAnswer>;
