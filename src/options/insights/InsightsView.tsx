/** The "Insights" view of the options page: what was used, skipped and completed. */
import '../../insights-ui/insights.css';
import { Fragment } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import { eventsCsv, summaryCsv } from '../../insights-ui/csv';
import { DropOffChart } from '../../insights-ui/DropOffChart';
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
import type { AidInsight, InsightsSummary, StepInsight } from '../../protocol/insights';
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

function Figure({ label, value }: { label: string; value: string | number }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function AidSection({ aid }: { aid: AidInsight }) {
  const id = useId();
  const checklist = aid.kind === 'checklist';
  return (
    <section class="aid-insight" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{aid.title}</h2>
      <p class="muted meta">
        {aid.kind === 'unknown' ? 'Aid' : aid.kind === 'tip' ? 'Tip' : 'Checklist'} from pack{' '}
        {aid.packId}
        {aid.installed ? '' : ' (no longer installed)'}
      </p>
      <dl class="figures">
        <Figure label="Shown" value={aid.shown} />
        {checklist && (
          <>
            <Figure label="Started" value={aid.started} />
            <Figure label="Completed" value={aid.completed} />
            <Figure label="Left unfinished" value={aid.abandoned} />
            <Figure label="Completion rate" value={percent(aid.completionRate)} />
            <Figure
              label="Median time to complete"
              value={aid.medianMsToComplete === null ? '—' : duration(aid.medianMsToComplete)}
            />
          </>
        )}
        {aid.kind === 'tip' && (
          <>
            <Figure label="Opened" value={aid.opened} />
            <Figure label="Dismissed" value={aid.dismissed} />
            <Figure label="Target missing" value={aid.targetMissing} />
            <Figure label="Target found by weaker signals" value={aid.targetHealed} />
          </>
        )}
      </dl>
      {aid.steps.length > 0 && <StepsTable aid={aid} />}
      {checklist && aid.steps.length > 0 && <DropOff aid={aid} />}
    </section>
  );
}

function StepsTable({ aid }: { aid: AidInsight }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const id = useId();
  const toggle = (stepId: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(stepId)) next.add(stepId);
      return next;
    });
  return (
    <div class="table-wrap">
      <table class="steps">
        <caption>
          Steps of “{aid.title}”: what staff did. Expand a step for its skip reasons.
        </caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Done automatically</th>
            <th scope="col">Done by hand</th>
            <th scope="col">Undone</th>
            <th scope="col">Skipped</th>
            <th scope="col">Target missing</th>
            <th scope="col">Target found by weaker signals</th>
          </tr>
        </thead>
        <tbody>
          {aid.steps.map((s, i) => {
            const expanded = open.has(s.stepId);
            const detailsId = `${id}-d${i}`;
            return (
              <Fragment key={s.stepId}>
                <tr>
                  <th scope="row">
                    <button
                      type="button"
                      class="expander"
                      aria-expanded={expanded}
                      aria-controls={detailsId}
                      onClick={() => toggle(s.stepId)}
                    >
                      <span class="chevron" aria-hidden="true">
                        {expanded ? '▾' : '▸'}
                      </span>
                      {i + 1}. {s.text}
                    </button>
                  </th>
                  <td>{s.doneAuto}</td>
                  <td>{s.doneManual}</td>
                  <td>{s.undone}</td>
                  <td>{s.skipped}</td>
                  <td>{s.targetMissing}</td>
                  <td>{s.targetHealed}</td>
                </tr>
                <tr id={detailsId} class="details" hidden={!expanded}>
                  <td colSpan={7}>
                    <StepDetails step={s} />
                  </td>
                </tr>
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function StepDetails({ step }: { step: StepInsight }) {
  return (
    <div>
      <p>
        Reached in {plural(step.reached, 'run', 'runs')}. Skipped{' '}
        {step.skipped === 1 ? 'once' : `${step.skipped} times`}.
      </p>
      {step.topReasons.length ? (
        <>
          <p>Most common reasons for skipping:</p>
          <ol class="reasons">
            {step.topReasons.map((r) => (
              <li key={r.reason}>
                “{r.reason}”: {r.count}
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p class="muted">No reasons given for skipping.</p>
      )}
    </div>
  );
}

function DropOff({ aid }: { aid: AidInsight }) {
  const id = useId();
  const points = aid.steps.map((s, i) => ({ label: `${i + 1}. ${s.text}`, reached: s.reached }));
  return (
    <figure class="dropoff" aria-labelledby={`${id}-cap`}>
      <figcaption id={`${id}-cap`}>
        Drop-off: of {plural(aid.runs, 'run', 'runs')} of “{aid.title}”, how many reached each step
        (done or skipped). A run is one pass through the checklist, from its first use to its
        completion, even over several pages.
      </figcaption>
      <DropOffChart points={points} runs={aid.runs} />
      <div class="table-wrap">
        <table class="dropoff-table">
          <caption>Drop-off of “{aid.title}”, as numbers</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Runs that reached it</th>
              <th scope="col">Share of runs</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.label}>
                <th scope="row">{p.label}</th>
                <td>{p.reached}</td>
                <td>{percent(aid.runs ? p.reached / aid.runs : null)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
