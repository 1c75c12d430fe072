/**
 * The fleet summary as the fleet Insights view shows it: aids and steps named (./names.ts),
 * aids in their pack's order, steps in their aid's order (steps no longer in the aid after),
 * and the same rows as CSV, so the download holds what the page shows and nothing more.
 */
import { type Cell, cellText, countCell } from '../../insights-ui/cells';
import { csv } from '../../insights-ui/csv';
import type { FleetAidInsight, FleetStepInsight, FleetSummary } from '../../protocol/fleet';
import { aidIdOf, type Names } from './names';

export interface FleetStepView {
  step: FleetStepInsight;
  /** The step's text, or its id when the hub has no pack naming it. */
  text: string;
}

export interface FleetAidView {
  aid: FleetAidInsight;
  title: string;
  /** 'checklist', 'tip', or 'unknown' when the hub has no pack naming the aid. */
  kind: string;
  packTitle: string | undefined;
  steps: FleetStepView[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function fleetView(summary: FleetSummary, names: Names): FleetAidView[] {
  const views = summary.aids.map((aid): FleetAidView => {
    const known = names.aid(aid.aidKey);
    const order = known ? [...known.steps.keys()] : [];
    const rank = (id: string) => {
      const i = order.indexOf(id);
      return i < 0 ? order.length : i;
    };
    const steps = [...aid.steps]
      .sort((a, b) => rank(a.stepId) - rank(b.stepId) || byText(a.stepId, b.stepId))
      .map((step) => ({ step, text: known?.steps.get(step.stepId) ?? step.stepId }));
    return {
      aid,
      title: known?.title ?? aidIdOf(aid.aidKey),
      kind: known?.kind ?? 'unknown',
      packTitle: names.packTitle(aid.packId),
      steps,
    };
  });
  // Named aids by pack and their place in it; the others after, by key.
  return views.sort((a, b) => {
    const ka = names.aid(a.aid.aidKey);
    const kb = names.aid(b.aid.aidKey);
    if (ka && !kb) return -1;
    if (kb && !ka) return 1;
    return (
      byText(a.aid.packId, b.aid.packId) ||
      (ka && kb ? ka.index - kb.index : 0) ||
      byText(a.aid.aidKey, b.aid.aidKey)
    );
  });
}

export const FLEET_COLUMNS = [
  'app',
  'app title',
  'aid',
  'aid title',
  'kind',
  'versions',
  'step',
  'step text',
  'people',
  'people who started',
  'shown',
  'completed',
  'left unfinished',
  'tip opened',
  'done automatically',
  'done by hand',
  'undone',
  'skipped',
  'top skip reasons',
  'target missing',
  'target found by weaker signals',
  'people who reached the step',
  'median seconds to complete',
  'message shown',
  'corrected',
  'saved anyway',
  'top reasons for saving anyway',
];

/**
 * One row per aid (the step columns empty), then one per step of that aid. A field check is
 * a step of its aid: its row has its id and message in the step columns, its field not found
 * in "target missing", and the check's own columns at the end (empty on the other rows). A
 * count hidden by the fewer-than rule reads "fewer than 5", as on the page.
 */
export function fleetCsv(aids: FleetAidView[], minGroup: number): string {
  const c = (value: number | null, fewerThan: number | null): string | number => {
    const cell: Cell = countCell(value, fewerThan ?? minGroup);
    return typeof cell === 'number' ? cell : cellText(cell);
  };
  const rows: unknown[][] = [];
  const reasons = (list: { reason: string; count: number }[]) =>
    list.map((r) => `${r.reason} (${r.count})`).join('; ');
  for (const v of aids) {
    const a = v.aid;
    const checks = v.kind === 'checks';
    const head = [
      a.packId,
      v.packTitle ?? '',
      aidIdOf(a.aidKey),
      v.title,
      v.kind,
      a.versions.join(' '),
    ];
    const f = a.fewerThan;
    rows.push([
      ...head,
      '',
      '',
      c(a.people, f),
      c(a.started, f),
      c(a.shown, f),
      c(a.completed, f),
      c(a.abandoned, f),
      c(a.opened, f),
      '',
      '',
      '',
      '',
      '',
      c(a.targetMissing, f),
      c(a.targetHealed, f),
      '',
      f !== null ? c(null, f) : a.medianMs === null ? '' : Math.round(a.medianMs / 1000),
      '',
      '',
      '',
      '',
    ]);
    for (const { step: s, text } of v.steps) {
      const g = s.fewerThan;
      if (checks) {
        rows.push([
          ...head,
          s.stepId,
          text,
          c(s.people, g),
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          c(s.targetMissing, g),
          '',
          '',
          '',
          c(s.failed, g),
          c(s.corrected, g),
          c(s.overridden, g),
          reasons(s.topReasons),
        ]);
        continue;
      }
      rows.push([
        ...head,
        s.stepId,
        text,
        c(s.people, g),
        '',
        '',
        '',
        '',
        '',
        c(s.doneAuto, g),
        c(s.doneManual, g),
        c(s.undone, g),
        c(s.skipped, g),
        reasons(s.topReasons),
        c(s.targetMissing, g),
        c(s.targetHealed, g),
        c(s.reached, g),
        '',
        '',
        '',
        '',
        '',
      ]);
    }
  }
  return csv(FLEET_COLUMNS, rows);
}
