/**
 * Touchpoint coverage: the contract between the extension and the hub for
 * `POST /api/touchpoints` (what a browser sends) and `GET /api/insights/touchpoints` (what
 * people read). Off unless the organisation's policy names hosts (`touchpointHosts`).
 *
 * What crosses: per UTC day, route template (../aids/route-template.ts: origin and path with
 * ids folded, never a query string or a value) and whether an aid applied on the page, the
 * visible time and the number of views the browser summed, with the pseudonymous actor and
 * the person's team and role. Each aggregate has an id fixed when the browser sealed it: the
 * hub counts each id once, so a batch may be sent again after a timeout.
 */
import { z } from 'zod';
import { isRouteTemplate, MAX_TEMPLATE_LENGTH } from '../aids/route-template';

/** Aggregates per request at most; more is a 400. */
export const TOUCHPOINT_MAX_BATCH = 500;
/** Visible time of one aggregate at most: one day, since an aggregate is one day's. */
export const TOUCHPOINT_MAX_MS = 24 * 60 * 60 * 1000;
/** Views of one aggregate at most. */
export const TOUCHPOINT_MAX_VIEWS = 100_000;

/** A calendar day, 'YYYY-MM-DD', that exists. */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD')
  .refine((d) => {
    // Checked on its own: zod runs this even when the pattern failed, and an invalid Date
    // throws from toISOString.
    const at = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(d);
  }, 'not a calendar day');

/** A route template: folding it again changes nothing (no query, no value, ids as `:id`). */
export const RouteTemplate = z
  .string()
  .min(1)
  .max(MAX_TEMPLATE_LENGTH)
  .refine(isRouteTemplate, 'not a route template (origin and path with ids as :id, no query)');

/** One sealed aggregate as a browser sends it. */
export const TouchpointAggregate = z
  .object({
    /** Fixed when the browser sealed the aggregate: the hub keeps each id once. */
    id: z.string().min(8).max(64),
    /** The UTC day the time was spent. */
    day: Day,
    template: RouteTemplate,
    /** Whether some aid applied on the page. */
    aided: z.boolean(),
    /** Time the page was visible, ms. */
    ms: z.number().int().nonnegative().max(TOUCHPOINT_MAX_MS),
    /** Views started on this day (a view's later time may come without one). */
    views: z.number().int().nonnegative().max(TOUCHPOINT_MAX_VIEWS),
    /** The pseudonymous actor: a salted hash, the same as in events. */
    actor: z.string().min(1).max(200),
    team: z.string().max(100).optional(),
    role: z.string().max(100).optional(),
  })
  .strict();

export const TouchpointBatch = z
  .object({ touchpoints: z.array(TouchpointAggregate).min(1).max(TOUCHPOINT_MAX_BATCH) })
  .strict();

/** The hub's answer to an accepted batch: new aggregates, and those it already had. */
export interface TouchpointBatchAnswer {
  accepted: number;
  duplicates: number;
}

export type TouchpointAggregate = z.infer<typeof TouchpointAggregate>;
export type TouchpointBatch = z.infer<typeof TouchpointBatch>;

/** The query string of `GET /api/insights/touchpoints`; every filter is optional. */
export const TouchpointQuery = z
  .object({
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

export type TouchpointQuery = z.infer<typeof TouchpointQuery>;

/**
 * One route template over the query's range. Counted from fewer than `minGroup` people, every
 * figure is null and `fewerThan` is set: show "fewer than 5 people".
 */
export interface TouchpointRow {
  template: string;
  host: string;
  /** Distinct people; null when fewer than `fewerThan`. */
  people: number | null;
  fewerThan: number | null;
  /** Visible time in all, and without an aid, ms. */
  ms: number | null;
  unaidedMs: number | null;
  views: number | null;
  /** Share of the views on which an aid applied, 0 to 1. */
  aidedShare: number | null;
}

export interface TouchpointSummary {
  query: TouchpointQuery;
  minGroup: number;
  /**
   * Templates shown, ranked by time spent without an aid (most first), then those hidden
   * for being counted from too few people, by template.
   */
  templates: TouchpointRow[];
}
