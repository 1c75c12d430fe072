/**
 * The hub's fleet Health API: `GET /api/insights/health`, which aids' targets went missing or
 * were found only by weaker signals on the organisation's browsers, the alerts the hub raised
 * about them, and what staff wrote with "Report a problem". Shared by the hub and its pages.
 *
 * What one report means: a browser records `target_missing` at most once per page view, aid
 * and target (a step's target, or a tip's own target) when the target is still not on the page
 * once the page has had time to render, and `target_healed` at most once per page view when it
 * was found without its selector (by a weaker signal). So a target's `missing` is the number of
 * page views in which it was missing. A tip whose target is missing is not shown, so its page
 * view has no `aid_shown`; a checklist's steps are only looked for while the checklist shows.
 *
 * Counts come from the hub's daily rollups and survive retention; comments come from raw
 * events and go with them (180 days unless the hub is set otherwise). The query is the same as
 * the fleet summary's (./fleet.ts FleetQuery). Small groups are hidden as there: a row counted
 * from fewer than `minGroup` people has `people` and its counts null and `fewerThan` set.
 * Comments are shown whatever their number: they name nobody (never the actor). Their text is
 * as staff typed it: render it as text.
 */
import type { FleetGroup, FleetQuery } from './fleet';
import type { Counts } from './insights';

export { FleetQuery as FleetHealthQuery } from './fleet';

/** One target of an aid: a checklist step's, or (stepId null) a tip's own. */
export interface FleetTargetHealth extends FleetGroup {
  /** Null for the aid's own target (a tip). */
  stepId: string | null;
  /** Page views in which the target was missing (target_missing events). */
  missing: number | null;
  /** People for whom it was missing at least once (distinct pseudonyms). */
  missingPeople: number | null;
  /** Page views in which it was found only by a weaker signal (target_healed events). */
  healed: number | null;
  /** Signals that failed, summed over missing and healed reports: { css: 3, label: 1 }. */
  failedSignals: Counts | null;
  /** The signal that found it instead, for healed reports. */
  foundBy: Counts | null;
  /** The last UTC day it was reported, 'YYYY-MM-DD'. */
  lastSeen: string;
}

/** A "Report a problem" comment: the words, when and where, never who. */
export interface FleetComment {
  /** UTC day, 'YYYY-MM-DD'. */
  day: string;
  /** The page's origin and path (never a query string). */
  url: string;
  /** The step the person was on, if any. */
  stepId: string | null;
  /** As typed: render it as text. */
  comment: string;
}

export interface FleetAidHealth extends FleetGroup {
  aidKey: string;
  packId: string;
  /** Page views with a target missing, summed over the aid's targets. */
  missing: number | null;
  /** People for whom any of its targets was missing. */
  missingPeople: number | null;
  /** Page views with a target found by a weaker signal, summed over its targets. */
  healed: number | null;
  /** "Report a problem" reports, with or without a comment (rollups). */
  feedback: number | null;
  failedSignals: Counts | null;
  foundBy: Counts | null;
  /** The last UTC day a target report or a feedback arrived for, 'YYYY-MM-DD'. */
  lastSeen: string;
  /** Targets with a report, the aid's own target first, then by step id. */
  targets: FleetTargetHealth[];
  /** Newest first, at most 50, from the raw events still kept. */
  comments: FleetComment[];
  /** Comments in the raw events still kept (may be more than `comments` holds). */
  commentCount: number;
}

/**
 * A target in alert on a day: missing for at least 2 people and in more than half of the
 * page views that showed the aid (docs/hub.md "Health and alerts"). Counts are as they were
 * when the alert was raised, and hidden like any row counted from fewer than `minGroup`.
 */
export interface FleetAlert extends FleetGroup {
  day: string;
  aidKey: string;
  packId: string;
  stepId: string | null;
  /** Page views in which the target was missing. */
  missing: number | null;
  /** Page views that showed the aid, or would have (see health.ts). */
  views: number | null;
  /** When the hub raised it, ISO 8601. */
  raisedAt: string;
  /** When the webhook took it (2xx), ISO 8601; null when not sent or not set. */
  deliveredAt: string | null;
}

export interface FleetHealth {
  /** The query as the hub understood it. */
  query: FleetQuery;
  minGroup: number;
  /** Days raw events (and so comments) are kept. */
  retentionDays: number;
  /** Alerts on the days asked for, newest first (team, role and version do not apply). */
  alerts: FleetAlert[];
  /** Aids by people affected, most first; hidden groups last. */
  aids: FleetAidHealth[];
}
