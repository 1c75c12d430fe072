/**
 * Versions: did a new version of a pack help with an aid? The person chooses a checklist
 * (from `GET /api/insights/summary`), and sees per pack version, from
 * `GET /api/insights/versions` (src/protocol/fleet-versions.ts defines every measure):
 * completion, abandon and step skip rates with their 95% intervals ("62% (55–69%)"), the
 * time to complete, the counts, and the change from the version before with its verdict.
 * A version used by fewer than the hub's threshold of people reads "fewer than 5 people";
 * when there is too little to compare, the page says so in words.
 */
import '../../../insights-ui/insights.css';
import { useEffect, useId, useState } from 'preact/hooks';
import { type Dates, duration, percent, plural } from '../../../insights-ui/format';
import { PeriodFilter } from '../../../insights-ui/PeriodFilter';
import type { FleetSummary } from '../../../protocol/fleet';
import type {
  ChangeEstimate,
  FleetVersion,
  FleetVersions as FleetVersionsAnswer,
  RateEstimate,
  TimeToComplete,
} from '../../../protocol/fleet-versions';
import type { PackNamesAnswer } from '../../../protocol/packs';
import type { HubGet } from '../get';
import { type Names, NO_NAMES, namesOf } from '../names';

type Load<T> =
  | { phase: 'loading' }
  | { phase: 'ready'; data: T }
  | { phase: 'error'; message: string };

export const NO_AIDS =
  'No checklist was used yet. Versions can be compared once browsers send what staff do with the checklists.';

/** "62% (55–69%)": the rate and its 95% interval; "—" when there is no rate. */
export function rateText(r: RateEstimate | null): string {
  if (!r) return '—';
  return `${percent(r.rate)} (${Math.round(r.low * 100)}–${percent(r.high)})`;
}

/** A difference of rates in percentage points: "+20", "−5" (a real minus), "0". */
function points(d: number): string {
  const n = Math.round(d * 100);
  return n > 0 ? `+${n}` : n < 0 ? `\u2212${-n}` : '0';
}

/** "+20 points (+5 to +33): better". */
export function changeText(c: ChangeEstimate | null): string {
  if (!c) return 'no runs to compare';
  return `${points(c.difference)} points (${points(c.low)} to ${points(c.high)}): ${c.verdict}`;
}

function timeText(t: TimeToComplete): string {
  if (t.fewerThan !== null) return `timed for fewer than ${t.fewerThan} people`;
  return `median ${duration(t.medianMs!)} (half between ${duration(t.q1Ms!)} and ${duration(t.q3Ms!)}), ${plural(t.runs!, 'run', 'runs')}`;
}

function medianChangeText(ms: number | null): string {
  if (ms === null) return 'time: not comparable';
  if (Math.round(ms / 1000) === 0) return 'median time: about the same';
  return `median time: ${duration(Math.abs(ms))} ${ms < 0 ? 'shorter' : 'longer'}`;
}

const days = (v: FleetVersion) =>
  v.firstDay === v.lastDay ? v.firstDay : `${v.firstDay} to ${v.lastDay}`;

function VersionRow({ v }: { v: FleetVersion }) {
  if (v.fewerThan !== null) {
    return (
      <tr>
        <th scope="row">{v.version}</th>
        <td>{days(v)}</td>
        <td colSpan={6}>fewer than {v.fewerThan} people: not shown</td>
      </tr>
    );
  }
  return (
    <tr>
      <th scope="row">{v.version}</th>
      <td>{days(v)}</td>
      <td>{v.people}</td>
      <td>
        {v.finishedRuns} ({v.completed} completed, {v.abandoned} abandoned)
      </td>
      <td>{rateText(v.completionRate)}</td>
      <td>{rateText(v.abandonRate)}</td>
      <td>
        {rateText(v.skipRate)}
        <br />
        {v.stepsSkipped} of {plural(v.stepsDone! + v.stepsSkipped!, 'step', 'steps')} skipped
      </td>
      <td>{timeText(v.timeToComplete)}</td>
    </tr>
  );
}

/** The changes, one list per version that has a version before it. */
function Changes({ versions }: { versions: FleetVersion[] }) {
  const changed = versions.filter((v) => v.change);
  if (changed.length === 0) return null;
  return (
    <section aria-labelledby="version-changes">
      <h2 id="version-changes">Change from the version before</h2>
      {changed.map((v) => {
        const c = v.change!;
        return (
          <section key={v.version} class="version-change">
            <h3>
              {v.version} against {c.from}
            </h3>
            <ul>
              <li>Completion rate: {changeText(c.completionRate)}</li>
              <li>Abandon rate: {changeText(c.abandonRate)}</li>
              <li>Step skip rate: {changeText(c.skipRate)}</li>
              <li>{medianChangeText(c.medianMsDifference)}</li>
            </ul>
          </section>
        );
      })}
    </section>
  );
}

/** The versions' query path for an aid and a period (UTC days, either end open). */
export function versionsPath(aid: string, dates: Dates): string {
  const q = new URLSearchParams({ aid });
  if (dates.from) q.set('from', dates.from);
  if (dates.to) q.set('to', dates.to);
  return `/api/insights/versions?${q}`;
}

/** A sentence for when there is too little to compare, or null. */
function tooLittle(answer: FleetVersionsAnswer): string | null {
  const shown = answer.versions.filter((v) => v.fewerThan === null);
  if (answer.versions.length === 0) return 'Nothing was recorded for this aid.';
  if (shown.length === 0) {
    return `Too little data: every version of this aid was used by fewer than ${answer.minGroup} people.`;
  }
  if (shown.length === 1) {
    return `Too little data to compare: only version ${shown[0]!.version} was used by at least ${answer.minGroup} people.`;
  }
  return null;
}

export function FleetVersions({ get }: { get: HubGet }) {
  const id = useId();
  const [aids, setAids] = useState<Load<string[]>>({ phase: 'loading' });
  const [aid, setAid] = useState('');
  const [dates, setDates] = useState<Dates>({ from: '', to: '' });
  const [load, setLoad] = useState<Load<FleetVersionsAnswer> | null>(null);
  const [names, setNames] = useState<Names>(NO_NAMES);

  // Titles from the published packs; without them the aid keys are shown.
  useEffect(() => {
    get<PackNamesAnswer>('/api/packs').then(
      (answer) => Array.isArray(answer?.packs) && setNames(namesOf(answer.packs)),
      () => {},
    );
  }, [get]);
  const nameOf = (key: string) => {
    const title = names.aid(key)?.title;
    return title ? `${title} (${key})` : key;
  };

  useEffect(() => {
    get<FleetSummary>('/api/insights/summary').then(
      (summary) => {
        // Checklists only: a tip has no steps and no runs to compare.
        const keys = summary.aids.filter((a) => a.steps.length > 0).map((a) => a.aidKey);
        setAids({ phase: 'ready', data: keys });
        setAid((current) => current || keys[0] || '');
      },
      (e: Error) => setAids({ phase: 'error', message: e.message }),
    );
  }, [get]);

  const path = aid ? versionsPath(aid, dates) : '';
  useEffect(() => {
    if (!path) return;
    let current = true;
    setLoad({ phase: 'loading' });
    get<FleetVersionsAnswer>(path).then(
      (data) => current && setLoad({ phase: 'ready', data }),
      (e: Error) => current && setLoad({ phase: 'error', message: e.message }),
    );
    // A newer choice's answer wins over a slower, older one.
    return () => {
      current = false;
    };
  }, [get, path]);

  if (aids.phase === 'loading') return <p role="status">Loading the aids…</p>;
  if (aids.phase === 'error') {
    return (
      <p class="error" role="alert">
        Could not load the aids: {aids.message}
      </p>
    );
  }
  if (aids.data.length === 0) return <p class="empty">{NO_AIDS}</p>;

  const answer = load?.phase === 'ready' ? load.data : null;
  const little = answer && tooLittle(answer);
  return (
    <div class="insights versions">
      <p class="help">
        Did a new version of a pack help? Per version of one aid: how many finished runs were
        completed or abandoned, how many steps were skipped, and how long a completed run took. Each
        rate has its 95% interval, the range the true rate most likely lies in. A change reads
        “better” or “worse” only when its interval leaves out no change at all; otherwise “no clear
        change”. Days are UTC days.
      </p>
      <div class="field">
        <label for={`${id}-aid`}>Checklist</label>
        <select
          id={`${id}-aid`}
          value={aid}
          onChange={(e) => setAid((e.currentTarget as HTMLSelectElement).value)}
        >
          {aids.data.map((key) => (
            <option key={key} value={key}>
              {nameOf(key)}
            </option>
          ))}
        </select>
      </div>
      <PeriodFilter dates={dates} now={Date.now()} onChange={setDates} />
      {load?.phase === 'loading' && <p role="status">Loading the versions…</p>}
      {load?.phase === 'error' && (
        <p class="error" role="alert">
          Could not load the versions: {load.message}
        </p>
      )}
      {answer && little && <p class="empty">{little}</p>}
      {answer && answer.versions.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption>Versions of {nameOf(aid)}, in the order they were first used</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Used (UTC days)</th>
                <th scope="col">People</th>
                <th scope="col">Finished runs</th>
                <th scope="col">Completion rate</th>
                <th scope="col">Abandon rate</th>
                <th scope="col">Step skip rate</th>
                <th scope="col">Time to complete</th>
              </tr>
            </thead>
            <tbody>
              {answer.versions.map((v) => (
                <VersionRow key={v.version} v={v} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {answer && <Changes versions={answer.versions} />}
    </div>
  );
}
