/**
 * Fleet Insights: what the organisation's browsers did with each aid and step, from
 * `GET /api/insights/summary`, filtered by period, team, role, app (a pack) and pack version
 * (choices from `GET /api/insights/filters`), aids and steps named from `GET /api/packs`.
 * Per aid its figures, per step its counts with the top skip reasons, and a drop-off by
 * people. Anything counted from fewer than the hub's threshold of people reads "fewer than 5
 * people". Uses the same components as the options page's Insights (src/insights-ui).
 */
import '../../../insights-ui/insights.css';
import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import { kindName } from '../../../aids/kind-names';
import { countCell } from '../../../insights-ui/cells';
import { DropOff } from '../../../insights-ui/DropOff';
import { type FigureItem, Figures } from '../../../insights-ui/Figures';
import { type Dates, duration, periodSlug, plural, presetDates } from '../../../insights-ui/format';
import { PeriodFilter } from '../../../insights-ui/PeriodFilter';
import { StepsTable, type StepsTableRow } from '../../../insights-ui/StepsTable';
import type { FleetFilters, FleetSummary } from '../../../protocol/fleet';
import type { PackNamesAnswer } from '../../../protocol/packs';
import { type FleetAidView, fleetCsv, fleetView } from '../fleet-view';
import type { HubGet } from '../get';
import { type Names, NO_NAMES, namesOf } from '../names';

export const EMPTY_FLEET =
  'Nothing was recorded for these filters. Browsers send what staff do with the aids once they have the hub’s address and a device token.';

export interface FleetFilterValues {
  dates: Dates;
  team: string;
  role: string;
  pack: string;
  version: string;
}

/** The summary's query string for the filters: only those set, in a fixed order. */
export function summaryPath(f: FleetFilterValues): string {
  const q = new URLSearchParams();
  if (f.dates.from) q.set('from', f.dates.from);
  if (f.dates.to) q.set('to', f.dates.to);
  if (f.team) q.set('team', f.team);
  if (f.role) q.set('role', f.role);
  if (f.pack) q.set('pack', f.pack);
  if (f.pack && f.version) q.set('version', f.version);
  const query = q.toString();
  return `/api/insights/summary${query ? `?${query}` : ''}`;
}

type Load<T> =
  | { phase: 'loading' }
  | { phase: 'ready'; data: T }
  | { phase: 'error'; message: string };

const CSV_TYPE = 'text/csv;charset=utf-8';
/** A byte order mark, so that spreadsheet programs read the file as UTF-8. */
const BOM = '\uFEFF';

function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: CSV_TYPE }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function FleetInsights({ get }: { get: HubGet }) {
  const [filters, setFilters] = useState<FleetFilterValues>(() => ({
    dates: presetDates('last30', Date.now()),
    team: '',
    role: '',
    pack: '',
    version: '',
  }));
  const [choices, setChoices] = useState<Load<FleetFilters>>({ phase: 'loading' });
  const [names, setNames] = useState<Names>(NO_NAMES);
  const [namesProblem, setNamesProblem] = useState('');
  const [load, setLoad] = useState<Load<FleetSummary>>({ phase: 'loading' });
  const [note, setNote] = useState('');

  useEffect(() => {
    get<FleetFilters>('/api/insights/filters').then(
      (data) => setChoices({ phase: 'ready', data }),
      (e: Error) => setChoices({ phase: 'error', message: e.message }),
    );
    get<PackNamesAnswer>('/api/packs').then(
      (answer) => setNames(namesOf(answer.packs)),
      (e: Error) => setNamesProblem(e.message),
    );
  }, [get]);

  const path = summaryPath(filters);
  useEffect(() => {
    let current = true;
    setLoad({ phase: 'loading' });
    get<FleetSummary>(path).then(
      (data) => current && setLoad({ phase: 'ready', data }),
      (e: Error) => current && setLoad({ phase: 'error', message: e.message }),
    );
    // A newer query's answer wins over a slower, older one.
    return () => {
      current = false;
    };
  }, [get, path]);

  const aids = useMemo(
    () => (load.phase === 'ready' ? fleetView(load.data, names) : []),
    [load, names],
  );

  const downloadCsv = () => {
    if (load.phase !== 'ready') return;
    download(
      `inflow-fleet-insights-${periodSlug(filters.dates)}.csv`,
      BOM + fleetCsv(aids, load.data.minGroup),
    );
    setNote(`Downloaded the figures of ${plural(aids.length, 'aid', 'aids')}.`);
  };

  return (
    <div class="insights fleet">
      <p class="help">
        What staff across the organisation did with the aids: how often each was shown, which steps
        were done, skipped or undone, and where people stopped. Days are UTC days.
      </p>
      <Filters
        filters={filters}
        choices={choices}
        names={names}
        onChange={(next) => {
          setNote('');
          setFilters(next);
        }}
      />
      <div class="actions">
        <button
          type="button"
          class="secondary"
          disabled={load.phase !== 'ready' || aids.length === 0}
          onClick={downloadCsv}
        >
          Download what is shown (CSV)
        </button>
        <p class="note" role="status">
          {note}
        </p>
      </div>
      {namesProblem && (
        <p class="error" role="alert">
          Could not read the aids’ names, so they are shown by id: {namesProblem}
        </p>
      )}
      <div aria-live="polite">
        {load.phase === 'loading' && <p aria-busy="true">Loading…</p>}
        {load.phase === 'ready' && aids.length > 0 && (
          <p class="muted">
            {plural(aids.length, 'aid', 'aids')} used in this period. Anything counted from fewer
            than {load.data.minGroup} people reads “fewer than {load.data.minGroup} people”.
          </p>
        )}
      </div>
      {load.phase === 'error' && (
        <p class="error" role="alert">
          Could not read the fleet insights: {load.message}
        </p>
      )}
      {load.phase === 'ready' &&
        (aids.length === 0 ? (
          <p class="empty">{EMPTY_FLEET}</p>
        ) : (
          aids.map((v) => (
            <FleetAidSection key={v.aid.aidKey} view={v} minGroup={load.data.minGroup} />
          ))
        ))}
    </div>
  );
}

function Filters({
  filters,
  choices,
  names,
  onChange,
}: {
  filters: FleetFilterValues;
  choices: Load<FleetFilters>;
  names: Names;
  onChange(next: FleetFilterValues): void;
}) {
  const id = useId();
  const data = choices.phase === 'ready' ? choices.data : { teams: [], roles: [], packs: [] };
  const versions = data.packs.find((p) => p.id === filters.pack)?.versions ?? [];
  const set = (patch: Partial<FleetFilterValues>) => onChange({ ...filters, ...patch });
  const value = (e: Event) => (e.currentTarget as HTMLSelectElement).value;
  return (
    <section class="filters" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} class="visually-hidden">
        Filters
      </h2>
      <PeriodFilter dates={filters.dates} now={Date.now()} onChange={(dates) => set({ dates })} />
      <div class="filter-row">
        <div class="field">
          <label for={`${id}-team`}>Team</label>
          <select id={`${id}-team`} value={filters.team} onChange={(e) => set({ team: value(e) })}>
            <option value="">All teams</option>
            {data.teams.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={filters.role} onChange={(e) => set({ role: value(e) })}>
            <option value="">All roles</option>
            {data.roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-pack`}>App</label>
          <select
            id={`${id}-pack`}
            value={filters.pack}
            onChange={(e) => set({ pack: value(e), version: '' })}
          >
            <option value="">All apps</option>
            {data.packs.map((p) => {
              const title = names.packTitle(p.id);
              return (
                <option key={p.id} value={p.id}>
                  {title ? `${title} (${p.id})` : p.id}
                </option>
              );
            })}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-version`}>Pack version</label>
          <select
            id={`${id}-version`}
            value={filters.version}
            disabled={!filters.pack}
            aria-describedby={filters.pack ? undefined : `${id}-version-help`}
            onChange={(e) => set({ version: value(e) })}
          >
            <option value="">All versions</option>
            {versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
          {!filters.pack && (
            <p id={`${id}-version-help`} class="help">
              Choose an app first.
            </p>
          )}
        </div>
      </div>
      {choices.phase === 'error' && (
        <p class="error" role="alert">
          Could not read the filters’ choices: {choices.message}
        </p>
      )}
    </section>
  );
}

const CHECK_COLUMNS = ['People', 'Message shown', 'Corrected', 'Saved anyway', 'Field not found'];

const STEP_COLUMNS = [
  'People',
  'Done automatically',
  'Done by hand',
  'Undone',
  'Skipped',
  'Target missing',
  'Target found by weaker signals',
];

function FleetAidSection({ view, minGroup }: { view: FleetAidView; minGroup: number }) {
  const id = useId();
  const { aid, title } = view;
  const n = (value: number | null) => countCell(value, aid.fewerThan ?? minGroup);
  const tip = view.kind === 'tip';
  const checks = view.kind === 'checks';
  const figures: FigureItem[] = [
    { label: 'People', value: n(aid.people) },
    { label: 'Shown', value: n(aid.shown) },
  ];
  if (!tip && !checks) {
    figures.push(
      { label: 'People who started', value: n(aid.started) },
      { label: 'Completed', value: n(aid.completed) },
      { label: 'Left unfinished', value: n(aid.abandoned) },
      {
        label: 'Median time to complete',
        value:
          aid.fewerThan !== null
            ? n(null)
            : aid.medianMs === null
              ? 'not measured'
              : `about ${duration(aid.medianMs)}`,
      },
    );
  }
  if (tip || aid.opened) figures.push({ label: 'Opened', value: n(aid.opened) });
  figures.push(
    { label: 'Target missing', value: n(aid.targetMissing) },
    { label: 'Target found by weaker signals', value: n(aid.targetHealed) },
  );

  const rows: StepsTableRow[] = view.steps.map(({ step: s, text }) => {
    if (s.fewerThan !== null) {
      return {
        stepId: s.stepId,
        text,
        hidden: { fewerThan: s.fewerThan },
        cells: [],
        reach: '',
        topReasons: [],
      };
    }
    const m = (value: number | null) => countCell(value, minGroup);
    if (checks) {
      const times = (k: number | null) => (k === 1 ? 'once' : `${k ?? 0} times`);
      return {
        stepId: s.stepId,
        text,
        cells: [s.people, s.failed, s.corrected, s.overridden, s.targetMissing].map(m),
        reach: `Its message showed ${times(s.failed)}; the field was corrected ${times(s.corrected)}, and saved anyway ${times(s.overridden)}.`,
        topReasons: s.topReasons,
      };
    }
    return {
      stepId: s.stepId,
      text,
      cells: [
        s.people,
        s.doneAuto,
        s.doneManual,
        s.undone,
        s.skipped,
        s.targetMissing,
        s.targetHealed,
      ].map(m),
      reach: `${
        s.reached === null
          ? `Reached by fewer than ${minGroup} people.`
          : `Reached by ${plural(s.reached, 'person', 'people')}.`
      } Skipped ${s.skipped === 1 ? 'once' : `${s.skipped} times`}.`,
      topReasons: s.topReasons,
    };
  });

  const versions = aid.versions.length === 1 ? 'version' : 'versions';
  return (
    <section class="aid-insight" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      <p class="muted meta">
        {kindName(view.kind, 'Aid')} from{' '}
        {view.packTitle ? `${view.packTitle} (${aid.packId})` : aid.packId}, {versions}{' '}
        {aid.versions.join(', ')}
      </p>
      {aid.fewerThan !== null ? (
        <p class="hidden-aid fewer">fewer than {aid.fewerThan} people</p>
      ) : (
        <>
          <Figures items={figures} />
          {rows.length > 0 && checks && (
            <StepsTable
              caption={`Checks of “${title}”: how often each caught something, and what staff did then. Expand a check for the reasons given for saving anyway.`}
              rowHeader="Check"
              columns={CHECK_COLUMNS}
              rows={rows}
              noReasons={`No reason was given by ${minGroup} people or more.`}
              reasonsTitle="Most common reasons for saving anyway:"
            />
          )}
          {rows.length > 0 && !checks && (
            <StepsTable
              caption={`Steps of “${title}”: what staff did. Expand a step for its skip reasons.`}
              columns={STEP_COLUMNS}
              rows={rows}
              noReasons={`No reason was given by ${minGroup} people or more.`}
            />
          )}
          {!tip && !checks && rows.length > 0 && <FleetDropOff view={view} minGroup={minGroup} />}
        </>
      )}
    </section>
  );
}

function FleetDropOff({ view, minGroup }: { view: FleetAidView; minGroup: number }) {
  const { aid, title } = view;
  if (aid.started === null) {
    return (
      <p class="muted">
        Drop-off of “{title}”: fewer than {minGroup} people did or skipped a step, so it is not
        shown.
      </p>
    );
  }
  return (
    <DropOff
      caption={`Drop-off: of ${plural(aid.started, 'person', 'people')} who did or skipped a step of “${title}”, how many did or skipped each step.`}
      tableCaption={`Drop-off of “${title}”, as numbers`}
      unit="People"
      reachedHeader="People who reached it"
      shareHeader="Share of people who started"
      total={aid.started}
      points={view.steps.map(({ step, text }, i) => ({
        label: `${i + 1}. ${text}`,
        reached: countCell(step.reached, minGroup),
      }))}
    />
  );
}
