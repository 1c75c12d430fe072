/**
 * The hub's version comparison: `GET /api/insights/versions?aid=KEY`, whether a new version
 * of a pack helped with one aid. Per pack version of the aid, read from the hub's daily
 * rollups and run durations (so it covers days whose raw events retention deleted):
 * completion, abandon and step skip rates with 95% intervals, time to complete, and the
 * change from the version before with a verdict. Shared by the hub and its page.
 *
 * Definitions (counts are events in the days and filters asked for):
 *   - finished run: a checklist run that ended, either completed (checklist_completed) or
 *     left unfinished (run_abandoned, recorded when the person came back and a new run
 *     started). A run still open, or one left and never returned to, is not finished.
 *     A run completed, reopened by undoing a step and completed again counts twice.
 *   - completion rate: completed / finished runs. Abandon rate: abandoned / finished runs
 *     (so the two add up to 100%; both are given because authors ask both questions).
 *   - step skip rate: step_skipped / (step_done + step_skipped), over all steps of the aid.
 *   - time to complete: per completion, from the run's first step done or skipped to
 *     checklist_completed, as the browser measured it (completions of runs over 30 days, and
 *     from browsers too old to measure, have none). Median and quartiles, interpolated
 *     (PostgreSQL's percentile_cont).
 *   - interval: 95% Wilson score interval of a rate; for a change, the 95% Newcombe hybrid
 *     score interval of the difference of two rates (this version − the one before).
 *   - verdict: "better" or "worse" when that interval excludes 0 (the direction says which:
 *     a higher completion rate, a lower abandon or skip rate is better), else
 *     "no clear change". It says whether the difference is larger than chance would
 *     easily make, not why: other things (the season, who used it) change too.
 *
 * Small groups are never shown apart: a version counted from fewer than `minGroup` people
 * (5 unless the hub is set otherwise) has every count, rate and change null and `fewerThan`
 * set, and is never the version a later one is compared with (the difference would give its
 * rate away). Time to complete is shown only when at least `minGroup` different people's
 * completions were timed.
 */
import { z } from 'zod';
import { Day, type FleetGroup } from './fleet';

/** The query string; `aid` is required, the filters as in `GET /api/insights/summary`. */
export const VersionsQuery = z
  .object({
    /** An aid key ('pack/aid'). */
    aid: z.string().min(3).max(200),
    /** First and last UTC day counted, inclusive. */
    from: Day.optional(),
    to: Day.optional(),
    team: z.string().max(100).optional(),
    role: z.string().max(100).optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: '`from` is after `to`',
    path: ['from'],
  });

export type VersionsQuery = z.infer<typeof VersionsQuery>;

/** A rate (a share from 0 to 1) with its 95% Wilson score interval. */
export interface RateEstimate {
  rate: number;
  low: number;
  high: number;
}

export type Verdict = 'better' | 'worse' | 'no clear change';

/**
 * A rate's change from the version before: `difference` = this version's rate − that one's
 * (−1 to 1), with its 95% Newcombe interval and the verdict read from it.
 */
export interface ChangeEstimate {
  difference: number;
  low: number;
  high: number;
  verdict: Verdict;
}

/** Time to complete, shown when at least `fewerThan`-many people's completions were timed. */
export interface TimeToComplete extends FleetGroup {
  /** Completions with a duration; null when hidden. */
  runs: number | null;
  /** Median, first and third quartile, whole ms; null when hidden. */
  medianMs: number | null;
  q1Ms: number | null;
  q3Ms: number | null;
}

export interface VersionChange {
  /** The version compared with: the nearest earlier one that is shown. */
  from: string;
  /** Null when either version has no finished run (no rate to compare). */
  completionRate: ChangeEstimate | null;
  abandonRate: ChangeEstimate | null;
  /** Null when either version has no step done or skipped. */
  skipRate: ChangeEstimate | null;
  /** Median time to complete, this − that, ms; null when either is not shown. No interval. */
  medianMsDifference: number | null;
}

export interface FleetVersion extends FleetGroup {
  /** The pack version. */
  version: string;
  /** First and last UTC day an event of the aid was recorded with this version. */
  firstDay: string;
  lastDay: string;
  /** completed + abandoned. */
  finishedRuns: number | null;
  /** checklist_completed events. */
  completed: number | null;
  /** run_abandoned events. */
  abandoned: number | null;
  /** step_done and step_skipped events, all steps of the aid. */
  stepsDone: number | null;
  stepsSkipped: number | null;
  /** Null when hidden or without finished runs (or steps, for the skip rate). */
  completionRate: RateEstimate | null;
  abandonRate: RateEstimate | null;
  skipRate: RateEstimate | null;
  timeToComplete: TimeToComplete;
  /** Null for the first version shown, and for hidden ones. */
  change: VersionChange | null;
}

export interface FleetVersions {
  /** The query as the hub understood it. */
  query: VersionsQuery;
  /** The smallest group shown apart (5 unless the hub is set otherwise). */
  minGroup: number;
  /** Ordered by first day seen (then by version number): the order they were rolled out. */
  versions: FleetVersion[];
}
