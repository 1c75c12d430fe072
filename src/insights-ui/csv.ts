/**
 * The CSV exports of the Insights view: every event in the period, and the per-aid/per-step
 * summary. Built with papaparse, with a header row; the columns are fixed here, so an
 * export never carries more than they name.
 */
import Papa from 'papaparse';
import type { AidInsight, ExportedEvent, ReasonCount } from '../protocol/insights';

/**
 * A cell that starts with = + - @ (or a tab or carriage return) is read as a formula by
 * spreadsheet programs. Skip reasons and URLs come from staff and web pages, so such a cell
 * could run a formula on the machine of whoever opens the file: a leading apostrophe makes
 * it plain text.
 */
export function guardCell(value: unknown): string | number {
  if (typeof value === 'number') return value;
  const text = value === undefined || value === null ? '' : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** CSV text with a header row, every cell guarded (see guardCell). */
export function csv(fields: string[], rows: unknown[][]): string {
  return Papa.unparse(
    { fields, data: rows.map((row) => row.map(guardCell)) },
    { newline: '\r\n', quotes: false },
  );
}

export const EVENT_COLUMNS = [
  'id',
  'at',
  'type',
  'pack',
  'pack version',
  'aid',
  'step',
  'how',
  'reason',
  'url',
  'found by',
  'failed signals',
];

export function eventsCsv(events: ExportedEvent[]): string {
  return csv(
    EVENT_COLUMNS,
    events.map((e) => [
      e.id,
      new Date(e.at).toISOString(),
      e.type,
      e.packId,
      e.packVersion,
      e.aidId,
      e.stepId,
      e.how,
      e.reason,
      e.url,
      e.foundBy,
      e.failedSignals?.join(' '),
    ]),
  );
}

export const SUMMARY_COLUMNS = [
  'pack',
  'aid',
  'title',
  'kind',
  'step',
  'step text',
  'shown',
  'runs',
  'started',
  'completed',
  'completion rate',
  'median seconds to complete',
  'tip opened',
  'tip dismissed',
  'done automatically',
  'done by hand',
  'undone',
  'skipped',
  'top skip reasons',
  'target missing',
  'target healed',
  'runs that reached the step',
  'message shown',
  'corrected',
  'saved anyway',
  'top reasons for saving anyway',
];

/** "Customer hung up (2); Wrong number (1)" */
const reasonsCell = (reasons: ReasonCount[]) =>
  reasons.map((r) => `${r.reason} (${r.count})`).join('; ');

/**
 * One row per aid (the step columns empty), then one per step of that aid, then one per
 * field check: its id and message in the step columns, its field not found in "target
 * missing", and the check's own columns at the end (empty on the other rows).
 */
export function summaryCsv(aids: AidInsight[]): string {
  const rows: unknown[][] = [];
  const noCheck = ['', '', '', ''];
  for (const a of aids) {
    const rate = a.completionRate === null ? '' : Math.round(a.completionRate * 1000) / 1000;
    const median = a.medianMsToComplete === null ? '' : Math.round(a.medianMsToComplete / 1000);
    rows.push([
      a.packId,
      a.aidId,
      a.title,
      a.kind,
      '',
      '',
      a.shown,
      a.runs,
      a.started,
      a.completed,
      rate,
      median,
      a.opened,
      a.dismissed,
      '',
      '',
      '',
      '',
      '',
      a.targetMissing,
      a.targetHealed,
      '',
      ...noCheck,
    ]);
    for (const s of a.steps) {
      rows.push([
        a.packId,
        a.aidId,
        a.title,
        a.kind,
        s.stepId,
        s.text,
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        s.doneAuto,
        s.doneManual,
        s.undone,
        s.skipped,
        reasonsCell(s.topReasons),
        s.targetMissing,
        s.targetHealed,
        s.reached,
        ...noCheck,
      ]);
    }
    for (const c of a.checks ?? []) {
      rows.push([
        a.packId,
        a.aidId,
        a.title,
        a.kind,
        c.checkId,
        c.message,
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
        '',
        '',
        '',
        c.targetMissing,
        '',
        '',
        c.failed,
        c.corrected,
        c.overridden,
        reasonsCell(c.topReasons),
      ]);
    }
  }
  return csv(SUMMARY_COLUMNS, rows);
}
