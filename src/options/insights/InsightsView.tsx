/** The "Insights" view of the options page: what was used, skipped and completed. */
import '../../insights-ui/insights.css';
import { useEffect, useId, useState } from 'preact/hooks';
import { kindName } from '../../aids/kind-names';
import { eventsCsv, summaryCsv } from '../../insights-ui/csv';
import { DropOff } from '../../insights-ui/DropOff';
import { type FigureItem, Figures } from '../../insights-ui/Figures';
import {
  type Dates,
  duration,
  percent,
  periodSlug,
  plural,
  presetDates,
  rangeOf,
} from '../../insights-ui/format';
import { PeriodFilter } from '../../insights-ui/PeriodFilter';
import { StepsTable, type StepsTableRow } from '../../insights-ui/StepsTable';
import type {
  AidInsight,
  CheckInsight,
  InsightsSummary,
  StepInsight,
} from '../../protocol/insights';
import { browserInsightsDeps, type InsightsDeps } from './deps';

export const EMPTY_INSIGHTS =
  'No activity recorded in this period. Aids record when staff use them on the apps.';

/** A byte order mark, so that spreadsheet programs read the file as UTF-8. */
const BOM = '\uFEFF';
const CSV_TYPE = 'text/csv;charset=utf-8';

type Load =
  | { phase: 'loading' }
  | { phase: 'ready'; data: InsightsSummary }
  | { phase: 'error'; message: string };

export function InsightsView({
  deps = browserInsightsDeps,
  now = Date.now,
}: {
  deps?: InsightsDeps;
  now?: () => number;
}) {
  const [dates, setDates] = useState<Dates>(() => presetDates('last30', now()));
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const [note, setNote] = useState('');
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    let current = true;
    setLoad({ phase: 'loading' });
    deps.summary(rangeOf(dates)).then(
      (data) => current && setLoad({ phase: 'ready', data }),
      (e: Error) => current && setLoad({ phase: 'error', message: e.message }),
    );
    // A newer period's answer wins over a slower, older one.
    return () => {
      current = false;
    };
  }, [deps, dates]);

  const downloadEvents = async () => {
    setExporting(true);
    setNote('Preparing the events…');
    try {
      const { events, truncated } = await deps.events(rangeOf(dates));
      deps.download(`inflow-events-${periodSlug(dates)}.csv`, BOM + eventsCsv(events), CSV_TYPE);
      setNote(
        truncated
          ? `Downloaded the first ${events.length.toLocaleString()} events only: choose a shorter period for the rest.`
          : `Downloaded ${plural(events.length, 'event', 'events')}.`,
      );
    } catch (e) {
      setNote(`Could not export the events: ${(e as Error).message}`);
    } finally {
      setExporting(false);
    }
  };

  const downloadSummary = (data: InsightsSummary) => {
    deps.download(`inflow-summary-${periodSlug(dates)}.csv`, BOM + summaryCsv(data.aids), CSV_TYPE);
    setNote(`Downloaded the summary of ${plural(data.aids.length, 'aid', 'aids')}.`);
  };

  return (
    <div class="insights">
      <p class="help">
        What staff did with the aids in this browser: how often each aid was shown, which steps were
        done, skipped or undone, and where they stopped.
      </p>
      <PeriodFilter dates={dates} now={now()} onChange={setDates} />
      <div class="actions">
        <button
          type="button"
          class="secondary"
          disabled={exporting}
          onClick={() => void downloadEvents()}
        >
          Download events (CSV)
        </button>
        <button
          type="button"
          class="secondary"
          disabled={load.phase !== 'ready'}
          onClick={() => load.phase === 'ready' && downloadSummary(load.data)}
        >
          Download summary (CSV)
        </button>
        <p class="note" role="status">
          {note}
        </p>
      </div>
      {load.phase === 'loading' && <p aria-busy="true">Loading…</p>}
      {load.phase === 'error' && (
        <p class="error" role="alert">
          Could not read the insights: {load.message}
        </p>
      )}
      {load.phase === 'ready' &&
        (load.data.aids.length === 0 ? (
          <p class="empty">{EMPTY_INSIGHTS}</p>
        ) : (
          <>
            <p class="muted">
              {plural(load.data.events, 'event', 'events')} from{' '}
              {plural(load.data.aids.length, 'aid', 'aids')} in this period.
            </p>
            {load.data.aids.map((aid) => (
              <AidSection key={aid.aidKey} aid={aid} />
            ))}
          </>
        ))}
    </div>
  );
}

function AidSection({ aid }: { aid: AidInsight }) {
  const id = useId();
  // Walkthroughs have runs and a funnel of steps as checklists do.
  const checklist = aid.kind === 'checklist' || aid.kind === 'walkthrough';
  const noun = aid.kind === 'walkthrough' ? 'walkthrough' : 'checklist';
  const figures: FigureItem[] = [{ label: 'Shown', value: aid.shown }];
  if (checklist) {
    figures.push(
      { label: 'Started', value: aid.started },
      { label: 'Completed', value: aid.completed },
      { label: aid.kind === 'walkthrough' ? 'Stopped' : 'Left unfinished', value: aid.abandoned },
      { label: 'Completion rate', value: percent(aid.completionRate) },
      {
        label: 'Median time to complete',
        value: aid.medianMsToComplete === null ? '—' : duration(aid.medianMsToComplete),
      },
    );
  }
  if (aid.kind === 'tip') {
    figures.push(
      { label: 'Opened', value: aid.opened },
      { label: 'Dismissed', value: aid.dismissed },
      { label: 'Target missing', value: aid.targetMissing },
      { label: 'Target found by weaker signals', value: aid.targetHealed },
    );
  }
  return (
    <section class="aid-insight" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{aid.title}</h2>
      <p class="muted meta">
        {aid.kind === 'unknown' ? 'Aid' : kindName(aid.kind)} from pack {aid.packId}
        {aid.installed ? '' : ' (no longer installed)'}
      </p>
      <Figures items={figures} />
      {aid.steps.length > 0 && (
        <StepsTable
          caption={`Steps of “${aid.title}”: what staff did. Expand a step for its skip reasons.`}
          columns={STEP_COLUMNS}
          rows={aid.steps.map(stepRow)}
          noReasons="No reasons given for skipping."
        />
      )}
      {aid.checks && aid.checks.length > 0 && (
        <StepsTable
          caption={`Checks of “${aid.title}”: how often each caught something, and what staff did then. Expand a check for the reasons given for saving anyway.`}
          rowHeader="Check"
          columns={CHECK_COLUMNS}
          rows={aid.checks.map(checkRow)}
          noReasons="Nobody saved anyway past this check."
          reasonsTitle="Most common reasons for saving anyway:"
        />
      )}
      {checklist && aid.steps.length > 0 && (
        <DropOff
          caption={`Drop-off: of ${plural(aid.runs, 'run', 'runs')} of “${aid.title}”, how many reached each step (done or skipped). A run is one pass through the ${noun}, from its first use to its completion, even over several pages.`}
          tableCaption={`Drop-off of “${aid.title}”, as numbers`}
          unit="Runs"
          reachedHeader="Runs that reached it"
          shareHeader="Share of runs"
          total={aid.runs}
          points={aid.steps.map((s, i) => ({ label: `${i + 1}. ${s.text}`, reached: s.reached }))}
        />
      )}
    </section>
  );
}

const CHECK_COLUMNS = ['Message shown', 'Corrected', 'Saved anyway', 'Field not found'];

const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

function checkRow(c: CheckInsight): StepsTableRow {
  return {
    stepId: c.checkId,
    text: c.message,
    cells: [c.failed, c.corrected, c.overridden, c.targetMissing],
    reach: `Its message showed ${times(c.failed)}; the field was corrected ${times(c.corrected)}, and saved anyway ${times(c.overridden)}.`,
    topReasons: c.topReasons,
  };
}

const STEP_COLUMNS = [
  'Done automatically',
  'Done by hand',
  'Undone',
  'Skipped',
  'Target missing',
  'Target found by weaker signals',
];

function stepRow(s: StepInsight): StepsTableRow {
  return {
    stepId: s.stepId,
    text: s.text,
    cells: [s.doneAuto, s.doneManual, s.undone, s.skipped, s.targetMissing, s.targetHealed],
    reach: `Reached in ${plural(s.reached, 'run', 'runs')}. Skipped ${
      s.skipped === 1 ? 'once' : `${s.skipped} times`
    }.`,
    topReasons: s.topReasons,
  };
}
