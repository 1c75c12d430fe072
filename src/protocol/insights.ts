/**
 * Insights messages: the options page / popup -> background part of the message contract
 * (messages.ts joins them into BackgroundRequest): what was used, skipped and broken,
 * computed by the background from the recorded events.
 *
 * Times are ms since the epoch; a range is inclusive on the event's `at` (when the person
 * acted). A missing bound is open.
 */
import { z } from 'zod';
import type { StoredEvent } from './messages';

/** Far enough for any real date (year 275760 is the end of JavaScript's Date). */
const Time = z.number().int().min(0).max(8.64e15);

const range = { from: Time.optional(), to: Time.optional() };

/** Most events one insights.events answer may hold: a CSV export of a busy year. */
export const MAX_EXPORT_EVENTS = 100_000;

export const InsightsRequest = [
  /** Per aid and per step: shown, started, completed, skipped and why, targets missing… */
  z.object({ type: z.literal('insights.summary'), ...range }).strict(),
  /** The events in a range, oldest first, for the CSV export. */
  z
    .object({
      type: z.literal('insights.events'),
      ...range,
      limit: z.number().int().min(1).max(MAX_EXPORT_EVENTS).optional(),
    })
    .strict(),
  /** Aids whose targets went missing or were found only by weaker signals, and feedback. */
  z.object({ type: z.literal('insights.health'), ...range }).strict(),
  /** How many aids had a target problem or feedback in the last 7 days (for the popup). */
  z.object({ type: z.literal('insights.brokenCount') }).strict(),
] as const;

/** "How many times each": e.g. failed signals { css: 3, label: 1 }. */
export type Counts = Record<string, number>;

export interface ReasonCount {
  reason: string;
  count: number;
}

export interface StepInsight {
  stepId: string;
  /** The step's text as plain words; the id when the step is no longer in the aid. */
  text: string;
  doneAuto: number;
  doneManual: number;
  undone: number;
  skipped: number;
  /** The 3 reasons given most often when skipping, most frequent first. */
  topReasons: ReasonCount[];
  targetMissing: number;
  targetHealed: number;
  /** Runs of the checklist in which this step was done or skipped (drop-off). */
  reached: number;
}

/** One field check of a checks aid: how often it caught something, and what came of it. */
export interface CheckInsight {
  checkId: string;
  /** The check's message; its id when the check is no longer in the aid. */
  message: string;
  /** Times its message was shown (check_failed). */
  failed: number;
  /** Times the field was corrected after the message showed (check_passed). */
  corrected: number;
  /** Saves made anyway while it blocked (check_overridden). */
  overridden: number;
  /** The 3 reasons given most often for saving anyway, most frequent first. */
  topReasons: ReasonCount[];
  targetMissing: number;
}

export interface AidInsight {
  aidKey: string;
  packId: string;
  aidId: string;
  /** From the installed aid; the aid id when it is no longer installed. */
  title: string;
  kind: string;
  installed: boolean;
  /** Page views that showed the aid (aid_shown). */
  shown: number;
  /** Checklists: runs that showed the aid (see background/insights.ts for "run"). */
  runs: number;
  /** Checklists: runs with at least one step done or skipped. */
  started: number;
  /** Checklists: checklist_completed events. */
  completed: number;
  /** Checklists: runs left unfinished, after which a new run started (run_abandoned). */
  abandoned: number;
  /** completed / started, 0..1; null when nothing was started. */
  completionRate: number | null;
  /** Median ms from the first step event of a run to its completion; null without one. */
  medianMsToComplete: number | null;
  /** Tips. */
  opened: number;
  dismissed: number;
  /** Target reports of the aid's own target (a tip) or of any step. */
  targetMissing: number;
  targetHealed: number;
  steps: StepInsight[];
  /** Field checks: one entry per check, in the aid's order. */
  checks?: CheckInsight[];
}

export interface InsightsSummary {
  from?: number;
  to?: number;
  /** Events in the range. */
  events: number;
  aids: AidInsight[];
}

export interface TargetHealth {
  /** Undefined for the aid's own target (a tip). */
  stepId?: string;
  text: string;
  missing: number;
  healed: number;
  failedSignals: Counts;
  foundBy: Counts;
  lastSeen: number;
  /** rule_unworkable reports by problem ("no_value": 3): the step's rule can never hold. */
  unworkable?: Counts;
  /** The step's completion rule type in the installed aid ("filled"), to name it in words. */
  rule?: string;
}

export interface FeedbackItem {
  at: number;
  url: string;
  comment?: string;
}

export interface AidHealth {
  aidKey: string;
  title: string;
  kind: string;
  installed: boolean;
  /** The aid's URL patterns (match.urls); empty when it is no longer installed. */
  urls: string[];
  missing: number;
  healed: number;
  /** Page views with a problem (see background/insights.ts for how they are counted). */
  pageViews: number;
  lastSeen: number;
  failedSignals: Counts;
  foundBy: Counts;
  targets: TargetHealth[];
  /** rule_unworkable reports: steps whose completion rule can never hold where it was used. */
  unworkable?: number;
  /** Newest first, at most 50. */
  feedback: FeedbackItem[];
  feedbackCount: number;
}

/** The columns of an event in the CSV export: nothing else leaves the store this way. */
export type ExportedEvent = Pick<
  StoredEvent,
  | 'id'
  | 'at'
  | 'type'
  | 'packId'
  | 'packVersion'
  | 'aidId'
  | 'stepId'
  | 'how'
  | 'reason'
  | 'url'
  | 'foundBy'
  | 'failedSignals'
>;

export type InsightsResponses = {
  'insights.summary': InsightsSummary;
  /** `truncated`: there were more events in the range than `limit`. */
  'insights.events': { events: ExportedEvent[]; truncated: boolean };
  'insights.health': { aids: AidHealth[] };
  'insights.brokenCount': { count: number };
};
