/**
 * Insights in the background: what was used, skipped and broken, computed from the
 * recorded events (the insights.* messages of src/protocol/insights.ts).
 *
 * Reading: events are selected through the `recordedAt` index (an event is stored after the
 * person acted, so `recordedAt >= at`; a margin covers a clock that stepped back) and then
 * filtered on `at`. Everything is computed in one pass over the range in memory, which is
 * fine up to some 100k events; past that an index on `at` and pre-aggregated counts would
 * be needed.
 *
 * Definitions, as the views explain them:
 *   - shown: aid_shown events, i.e. page views that showed the aid (once per page session).
 *   - run (checklists): one pass through a checklist in this browser, like its progress:
 *     it begins with the aid's first event after the previous run ended (or the first event
 *     in the range) and ends with checklist_completed or run_abandoned (the person left the
 *     checklist's pages unfinished and a new run started: recorder.ts). Progress outlives
 *     reloads and moves between the checklist's own pages, so a checklist that spans several
 *     pages is one run, not one per page view.
 *   - run (walkthroughs): from walkthrough_started to walkthrough_finished or
 *     walkthrough_abandoned (the person stopped it), counted the same way.
 *   - started: runs with at least one step done or skipped, or that completed.
 *   - abandoned: run_abandoned events, i.e. started runs that were left unfinished.
 *   - completion rate: completed / started.
 *   - time to complete: from the first step done or skipped in a run to its
 *     checklist_completed (a run completed without a step event in the range counts from
 *     its first event). The median, so that a run left open over a weekend does not swamp it.
 *   - reached (drop-off): the runs in which a step was done or skipped at least once. An
 *     abandoned run counts with the steps it reached, so drop-off shows where runs stopped.
 */
import { plainText } from '../aids/markdown';
import type {
  AidHealth,
  AidInsight,
  CheckInsight,
  Counts,
  ExportedEvent,
  InsightsSummary,
  ReasonCount,
  StepInsight,
  TargetHealth,
} from '../protocol/insights';
import { MAX_EXPORT_EVENTS } from '../protocol/insights';
import type {
  BackgroundRequest,
  BackgroundResponses,
  ErrorResponse,
  StoredEvent,
} from '../protocol/messages';
import type { AidRow, InflowDb } from './db';
import type { RouterDeps } from './router';

export type InsightsRequest = Extract<BackgroundRequest, { type: `insights.${string}` }>;

export interface Range {
  from?: number;
  to?: number;
}

const DAY = 24 * 60 * 60 * 1000;
/** How far `recordedAt` may trail behind the range's start and still hold events of it. */
const CLOCK_MARGIN = DAY;
/** The popup's window for aids that need attention. */
export const ATTENTION_WINDOW = 7 * DAY;
const MAX_FEEDBACK = 50;
const PROBLEM_TYPES = new Set([
  'target_missing',
  'target_healed',
  'rule_unworkable',
  'aid_feedback',
]);
const TARGET_REPORTS = new Set(['target_missing', 'target_healed', 'rule_unworkable']);

/** Events with `at` in the range, oldest first (ties in order of arrival). */
export async function eventsInRange(db: InflowDb, range: Range): Promise<StoredEvent[]> {
  const { from, to } = range;
  const candidates =
    from === undefined
      ? db.events.toCollection()
      : db.events.where('recordedAt').aboveOrEqual(from - CLOCK_MARGIN);
  const rows = await candidates
    .filter((e) => (from === undefined || e.at >= from) && (to === undefined || e.at <= to))
    .toArray();
  return rows.sort((a, b) => a.at - b.at || (a.seq ?? 0) - (b.seq ?? 0));
}

function groupByAid(events: StoredEvent[]): Map<string, StoredEvent[]> {
  const byAid = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const list = byAid.get(e.aidKey);
    if (list) list.push(e);
    else byAid.set(e.aidKey, [e]);
  }
  return byAid;
}

async function installedAids(db: InflowDb, keys: string[]): Promise<Map<string, AidRow>> {
  const rows = await db.aids.bulkGet(keys);
  const map = new Map<string, AidRow>();
  for (const row of rows) if (row) map.set(row.key, row);
  return map;
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function bump(counts: Counts, key: string | undefined, by = 1): void {
  if (key) counts[key] = (counts[key] ?? 0) + by;
}

function topReasons(reasons: Map<string, number>, n = 3): ReasonCount[] {
  return [...reasons]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .slice(0, n);
}

/** An uninstalled aid's kind, guessed from its events. */
function kindOf(events: StoredEvent[]): string {
  if (events.some((e) => e.type.startsWith('check_'))) return 'checks';
  if (events.some((e) => e.type.startsWith('walkthrough_') || e.type === 'step_shown')) {
    return 'walkthrough';
  }
  if (events.some((e) => e.stepId !== undefined || e.type === 'checklist_completed'))
    return 'checklist';
  if (events.some((e) => e.type === 'tip_opened' || e.type === 'aid_dismissed')) return 'tip';
  return 'unknown';
}

/** Step ids and texts in the aid's order, then steps that are no longer in it. */
function stepList(row: AidRow | undefined, events: StoredEvent[]): [string, string][] {
  const steps: [string, string][] =
    row?.aid.kind === 'checklist' || row?.aid.kind === 'walkthrough'
      ? row.aid.steps.map((s) => [s.id, plainText(s.text)])
      : [];
  const known = new Set(steps.map(([id]) => id));
  for (const e of events) {
    if (e.stepId !== undefined && !known.has(e.stepId)) {
      known.add(e.stepId);
      steps.push([e.stepId, e.stepId]);
    }
  }
  return steps;
}

/** The checks of a checks aid in its order, then checks its events name that it no longer has. */
function checkList(row: AidRow | undefined, events: StoredEvent[]): CheckInsight[] {
  const out = new Map<string, CheckInsight>();
  const add = (checkId: string, message: string) =>
    out.set(checkId, {
      checkId,
      message,
      failed: 0,
      corrected: 0,
      overridden: 0,
      topReasons: [],
      targetMissing: 0,
    });
  if (row?.aid.kind === 'checks') for (const c of row.aid.checks) add(c.id, c.message);
  for (const e of events) {
    if (e.type.startsWith('check_') && e.stepId !== undefined && !out.has(e.stepId)) {
      add(e.stepId, e.stepId);
    }
  }
  return [...out.values()];
}

/** Per check: messages shown, corrected, saved anyway (with the reasons), fields missing. */
function summarizeChecks(row: AidRow | undefined, events: StoredEvent[]): CheckInsight[] {
  const checks = new Map(checkList(row, events).map((c) => [c.checkId, c]));
  const reasons = new Map<string, Map<string, number>>();
  for (const e of events) {
    const c = e.stepId === undefined ? undefined : checks.get(e.stepId);
    if (!c) continue;
    if (e.type === 'check_failed') c.failed++;
    else if (e.type === 'check_passed') c.corrected++;
    else if (e.type === 'target_missing') c.targetMissing++;
    else if (e.type === 'check_overridden') {
      c.overridden++;
      const reason = e.reason?.replace(/\s+/g, ' ').trim();
      if (reason) {
        const counts = reasons.get(c.checkId) ?? new Map<string, number>();
        counts.set(reason, (counts.get(reason) ?? 0) + 1);
        reasons.set(c.checkId, counts);
      }
    }
  }
  for (const [checkId, counts] of reasons) checks.get(checkId)!.topReasons = topReasons(counts);
  return [...checks.values()];
}

interface Run {
  shown: boolean;
  started: boolean;
  startAt: number;
  firstStepAt?: number;
  reached: Set<string>;
}

function summarizeAid(aidKey: string, row: AidRow | undefined, events: StoredEvent[]): AidInsight {
  const first = events[0]!;
  const kind = row?.kind ?? kindOf(events);
  const steps = new Map<string, StepInsight & { reasons: Map<string, number> }>();
  // A field check's events name the check, not a step.
  for (const [stepId, text] of kind === 'checks' ? [] : stepList(row, events)) {
    steps.set(stepId, {
      stepId,
      text,
      doneAuto: 0,
      doneManual: 0,
      undone: 0,
      skipped: 0,
      topReasons: [],
      targetMissing: 0,
      targetHealed: 0,
      reached: 0,
      reasons: new Map(),
    });
  }
  const insight: AidInsight = {
    aidKey,
    packId: row?.packId ?? first.packId,
    aidId: row?.aidId ?? first.aidId,
    title: row?.aid.title ?? first.aidId,
    kind,
    installed: row !== undefined,
    shown: 0,
    runs: 0,
    started: 0,
    completed: 0,
    abandoned: 0,
    completionRate: null,
    medianMsToComplete: null,
    opened: 0,
    dismissed: 0,
    targetMissing: 0,
    targetHealed: 0,
    steps: [],
  };

  const durations: number[] = [];
  let run: Run | null = null;
  const closeRun = () => {
    if (!run) return;
    insight.runs++;
    if (run.started) insight.started++;
    for (const stepId of run.reached) {
      const s = steps.get(stepId);
      if (s) s.reached++;
    }
    run = null;
  };

  for (const e of events) {
    run ??= { shown: false, started: false, startAt: e.at, reached: new Set() };
    const step = e.stepId === undefined ? undefined : steps.get(e.stepId);
    switch (e.type) {
      case 'aid_shown':
        insight.shown++;
        run.shown = true;
        break;
      case 'step_done':
        if (step) {
          if (e.how === 'auto') step.doneAuto++;
          else step.doneManual++;
        }
        run.started = true;
        run.firstStepAt ??= e.at;
        if (e.stepId) run.reached.add(e.stepId);
        break;
      case 'step_skipped':
        if (step) {
          step.skipped++;
          const reason = e.reason?.replace(/\s+/g, ' ').trim();
          if (reason) step.reasons.set(reason, (step.reasons.get(reason) ?? 0) + 1);
        }
        run.started = true;
        run.firstStepAt ??= e.at;
        if (e.stepId) run.reached.add(e.stepId);
        break;
      case 'step_undone':
        if (step) step.undone++;
        break;
      case 'walkthrough_started':
        // Each start is a run of its own: one still open ends with it.
        if (run.started || run.reached.size) {
          closeRun();
          run = { shown: false, started: false, startAt: e.at, reached: new Set() };
        }
        run.started = true;
        break;
      case 'checklist_completed':
      case 'walkthrough_finished':
        insight.completed++;
        run.started = true;
        durations.push(e.at - (run.firstStepAt ?? run.startAt));
        closeRun();
        break;
      case 'walkthrough_abandoned':
      case 'run_abandoned':
        // Recorded only for a run with something done or skipped (its first steps may be
        // before the range).
        insight.abandoned++;
        run.started = true;
        closeRun();
        break;
      case 'tip_opened':
        insight.opened++;
        break;
      case 'aid_dismissed':
        insight.dismissed++;
        break;
      case 'target_missing':
        insight.targetMissing++;
        if (step) step.targetMissing++;
        break;
      case 'target_healed':
        insight.targetHealed++;
        if (step) step.targetHealed++;
        break;
      default:
        break;
    }
  }
  closeRun();

  if (insight.kind !== 'checklist' && insight.kind !== 'walkthrough') insight.runs = 0;
  insight.completionRate = insight.started ? insight.completed / insight.started : null;
  insight.medianMsToComplete = median(durations);
  insight.steps = [...steps.values()].map(({ reasons, ...s }) => ({
    ...s,
    topReasons: topReasons(reasons),
  }));
  if (kind === 'checks') insight.checks = summarizeChecks(row, events);
  return insight;
}

export async function summary(db: InflowDb, range: Range): Promise<InsightsSummary> {
  const events = await eventsInRange(db, range);
  const byAid = groupByAid(events);
  const rows = await installedAids(db, [...byAid.keys()]);
  const aids = [...byAid].map(([key, list]) => summarizeAid(key, rows.get(key), list));
  // Installed aids in their pack's order, then the others by title.
  aids.sort((a, b) => {
    const ra = rows.get(a.aidKey);
    const rb = rows.get(b.aidKey);
    if (ra && rb) return ra.packId.localeCompare(rb.packId) || ra.order - rb.order;
    if (ra || rb) return ra ? -1 : 1;
    return a.title.localeCompare(b.title);
  });
  const answer: InsightsSummary = { events: events.length, aids };
  if (range.from !== undefined) answer.from = range.from;
  if (range.to !== undefined) answer.to = range.to;
  return answer;
}

/** Only the exported columns: an event's other fields (a comment) stay in the store. */
function exported(e: StoredEvent): ExportedEvent {
  const out: ExportedEvent = {
    id: e.id,
    at: e.at,
    type: e.type,
    packId: e.packId,
    packVersion: e.packVersion,
    aidId: e.aidId,
    url: e.url,
  };
  if (e.stepId !== undefined) out.stepId = e.stepId;
  if (e.how !== undefined) out.how = e.how;
  if (e.reason !== undefined) out.reason = e.reason;
  if (e.foundBy !== undefined) out.foundBy = e.foundBy;
  if (e.failedSignals !== undefined) out.failedSignals = e.failedSignals;
  return out;
}

export async function exportEvents(
  db: InflowDb,
  range: Range,
  limit: number,
): Promise<{ events: ExportedEvent[]; truncated: boolean }> {
  const events = await eventsInRange(db, range);
  return { events: events.slice(0, limit).map(exported), truncated: events.length > limit };
}

/** A step's completion rule type in the installed aid, by step id. */
function ruleTypes(row: AidRow | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (row?.aid.kind === 'checklist' || row?.aid.kind === 'walkthrough') {
    for (const s of row.aid.steps) if (s.done) out.set(s.id, s.done.type);
  }
  return out;
}

/**
 * Aids with target problems (missing, healed, or a completion rule that can never hold on
 * the element found) or staff feedback in the range, those that affect the most page
 * views first. Events hold no person id (one browser is one person), so page views stand in
 * for "how many people".
 *
 * Page views with a problem, per aid: for each page address where a target problem was
 * reported, the larger of the aid_shown events there from the page view of the first report
 * on, and the most reports of any one target there (each page view reports a target at most
 * once, and a tip whose target is missing is never shown); plus the feedback given there;
 * summed over the addresses. Page views before the problem first appeared are not counted.
 */
export async function health(db: InflowDb, range: Range): Promise<AidHealth[]> {
  const events = await eventsInRange(db, range);
  const byAid = groupByAid(events);
  for (const [key, list] of byAid) {
    if (!list.some((e) => PROBLEM_TYPES.has(e.type))) byAid.delete(key);
  }
  const rows = await installedAids(db, [...byAid.keys()]);
  const out: AidHealth[] = [];
  for (const [aidKey, list] of byAid) {
    const row = rows.get(aidKey);
    // A field check's field is named by the check's message.
    const texts = new Map(
      row?.aid.kind === 'checks'
        ? row.aid.checks.map((c) => [c.id, `Field of the check “${c.message}”`])
        : stepList(row, list),
    );
    const rules = ruleTypes(row);
    const first = list[0]!;
    const aid: AidHealth = {
      aidKey,
      title: row?.aid.title ?? first.aidId,
      kind: row?.kind ?? kindOf(list),
      installed: row !== undefined,
      urls: row?.aid.match.urls ?? [],
      missing: 0,
      healed: 0,
      pageViews: 0,
      lastSeen: 0,
      failedSignals: {},
      foundBy: {},
      targets: [],
      feedback: [],
      feedbackCount: 0,
    };
    const targets = new Map<string, TargetHealth>();
    // Per page address: aid_shown, reports per target and kind, feedback.
    const perUrl = new Map<
      string,
      { shown: number; lastShown: number; problem: boolean; reports: Counts; feedback: number }
    >();
    const at = (url: string) => {
      const known = perUrl.get(url);
      if (known) return known;
      const u = { shown: 0, lastShown: 0, problem: false, reports: {} as Counts, feedback: 0 };
      perUrl.set(url, u);
      return u;
    };
    for (const e of list) {
      if (e.type === 'aid_shown') {
        // Before the first report only the latest showing can be the page view that had it.
        const u = at(e.url);
        if (u.problem) u.shown++;
        else u.lastShown = 1;
      } else if (e.type === 'aid_feedback') {
        aid.feedbackCount++;
        aid.lastSeen = Math.max(aid.lastSeen, e.at);
        at(e.url).feedback++;
        const item: { at: number; url: string; comment?: string } = { at: e.at, url: e.url };
        if (e.comment) item.comment = e.comment;
        aid.feedback.push(item);
      } else if (TARGET_REPORTS.has(e.type)) {
        const key = e.stepId ?? '';
        let t = targets.get(key);
        if (!t) {
          t = {
            text: e.stepId === undefined ? 'The aid’s target' : (texts.get(e.stepId) ?? e.stepId),
            missing: 0,
            healed: 0,
            failedSignals: {},
            foundBy: {},
            lastSeen: 0,
          };
          if (e.stepId !== undefined) t.stepId = e.stepId;
          const rule = e.stepId === undefined ? undefined : rules.get(e.stepId);
          if (rule) t.rule = rule;
          targets.set(key, t);
        }
        if (e.type === 'target_missing') {
          aid.missing++;
          t.missing++;
        } else if (e.type === 'rule_unworkable') {
          aid.unworkable = (aid.unworkable ?? 0) + 1;
          t.unworkable ??= {};
          bump(t.unworkable, e.problem ?? 'unknown');
        } else {
          aid.healed++;
          t.healed++;
          bump(t.foundBy, e.foundBy);
          bump(aid.foundBy, e.foundBy);
        }
        for (const s of e.failedSignals ?? []) {
          bump(t.failedSignals, s);
          bump(aid.failedSignals, s);
        }
        t.lastSeen = Math.max(t.lastSeen, e.at);
        aid.lastSeen = Math.max(aid.lastSeen, e.at);
        const u = at(e.url);
        if (!u.problem) {
          u.problem = true;
          u.shown += u.lastShown;
        }
        bump(u.reports, `${e.type}#${key}`);
      }
    }
    for (const u of perUrl.values()) {
      const reports = Math.max(0, ...Object.values(u.reports));
      if (reports || u.feedback) aid.pageViews += Math.max(u.shown, reports) + u.feedback;
    }
    // Targets in the aid's step order (the aid's own target first).
    const order = [...texts.keys()];
    aid.targets = [...targets.values()].sort(
      (a, b) =>
        (a.stepId === undefined ? -1 : order.indexOf(a.stepId)) -
        (b.stepId === undefined ? -1 : order.indexOf(b.stepId)),
    );
    aid.feedback = aid.feedback.reverse().slice(0, MAX_FEEDBACK);
    out.push(aid);
  }
  return out.sort(
    (a, b) => b.pageViews - a.pageViews || reports(b) - reports(a) || b.lastSeen - a.lastSeen,
  );
}

/** Every report an aid got: the tie-breaker after page views. */
const reports = (a: AidHealth) => a.missing + a.healed + (a.unworkable ?? 0) + a.feedbackCount;

/** Answers one insights.* request (already validated and authorized by the router). */
export async function answerInsights(
  request: InsightsRequest,
  deps: RouterDeps,
): Promise<BackgroundResponses[InsightsRequest['type']] | ErrorResponse> {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  switch (request.type) {
    case 'insights.summary':
      return summary(db, request);
    case 'insights.events':
      return exportEvents(db, request, request.limit ?? MAX_EXPORT_EVENTS);
    case 'insights.health':
      return { aids: await health(db, request) };
    case 'insights.brokenCount':
      return { count: (await health(db, { from: now() - ATTENTION_WINDOW })).length };
    default:
      return { error: `${(request as { type: string }).type}: unknown request` };
  }
}
