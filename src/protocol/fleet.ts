/**
 * The hub's fleet Insights API: `GET /api/insights/summary`, what the organisation's browsers
 * did with each aid and step, summed from the hub's daily rollups. Shared by the hub and the
 * pages that will show it.
 *
 * The hub knows ids only (aid key, pack id, step id), never an aid's title or a step's text:
 * a client that wants words looks them up in the pack.
 *
 * Small groups are never shown apart: a row (aid or step) counted from fewer than `minGroup`
 * people (5 unless the hub is set otherwise) has every count null and `fewerThan` set, so a
 * client says "fewer than 5 people". A skip reason is returned only once that many different
 * people have given the same text. Reasons are free text as staff typed them: escape them when showing.
 */
import { z } from 'zod';
import type { ReasonCount } from './insights';

/** A calendar day, 'YYYY-MM-DD', that exists. */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  // zod runs the refinement even when the pattern failed: an invalid Date must not throw.
  .refine((d) => {
    const at = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(d);
  }, 'not a calendar day');

/** The query string of `GET /api/insights/summary`; every filter is optional. */
export const FleetQuery = z
  .object({
    /** First and last UTC day counted, inclusive. */
    from: Day.optional(),
    to: Day.optional(),
    team: z.string().max(100).optional(),
    role: z.string().max(100).optional(),
    /** A pack id. */
    pack: z.string().min(1).max(64).optional(),
    /** A pack version: only events recorded with that version of the pack. */
    version: z.string().min(1).max(20).optional(),
    /** An aid key ('pack/aid'). */
    aid: z.string().min(3).max(200).optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: '`from` is after `to`',
    path: ['from'],
  });

export type FleetQuery = z.infer<typeof FleetQuery>;

/**
 * How many people a row was counted from, or why not: when fewer than `fewerThan` people,
 * `people` and every count of the row are null.
 */
export interface FleetGroup {
  /** Distinct people in the range and filters; null when fewer than `fewerThan`. */
  people: number | null;
  /** Set (to the threshold, e.g. 5) when the row is hidden; null when it is shown. */
  fewerThan: number | null;
}

export interface FleetStepInsight extends FleetGroup {
  stepId: string;
  /** step_done by the aid's own rule / by the person ticking it. */
  doneAuto: number | null;
  doneManual: number | null;
  /** Every step_done, including those rolled up before the hub kept how (neither above). */
  done: number | null;
  undone: number | null;
  skipped: number | null;
  /**
   * Up to 3 reasons, most frequent first: only texts that at least `minGroup` different
   * people have given (anywhere in the fleet, at any time), counted in the filters asked for.
   */
  topReasons: ReasonCount[];
  targetMissing: number | null;
  targetHealed: number | null;
  /**
   * Field checks (the "step" is a check): its message shown, the field corrected after it,
   * and saves made anyway past it; `topReasons` then lists the reasons for saving anyway.
   */
  failed: number | null;
  corrected: number | null;
  overridden: number | null;
  /**
   * Distinct people who did or skipped the step (the drop-off); null when they are fewer
   * than `fewerThan`, or the row is hidden.
   */
  reached: number | null;
}

export interface FleetAidInsight extends FleetGroup {
  aidKey: string;
  packId: string;
  /** The pack versions the counted events were recorded with, sorted. */
  versions: string[];
  /**
   * Distinct people who did or skipped any of its steps (the drop-off's whole); null when
   * they are fewer than `fewerThan`, or the row is hidden.
   */
  started: number | null;
  /** Page views that showed the aid (aid_shown). */
  shown: number | null;
  /** checklist_completed. */
  completed: number | null;
  /** run_abandoned. */
  abandoned: number | null;
  /** tip_opened. */
  opened: number | null;
  /** Target reports of the aid's own target and of all its steps. */
  targetMissing: number | null;
  targetHealed: number | null;
  /**
   * The median time from a run's first step to its completion, in ms, to within about 9%
   * (durations are counted in buckets); null when no completion carried one, or the row is
   * hidden.
   */
  medianMs: number | null;
  steps: FleetStepInsight[];
}

export interface FleetSummary {
  /** The query as the hub understood it. */
  query: FleetQuery;
  /** The smallest group shown apart (5 unless the hub is set otherwise). */
  minGroup: number;
  aids: FleetAidInsight[];
}

/**
 * `GET /api/insights/filters`: the values the summary's filters can take, as the rollups
 * hold them. Teams and roles as the browsers sent them; versions newest first.
 */
export interface FleetFilters {
  teams: string[];
  roles: string[];
  packs: { id: string; versions: string[] }[];
}
