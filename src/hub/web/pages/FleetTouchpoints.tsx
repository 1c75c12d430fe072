/**
 * The hub's touchpoint coverage page: which pages of the organisation's apps staff spend time
 * on, ranked by the time spent there without an aid, from `GET /api/insights/touchpoints`
 * (src/protocol/touchpoints.ts). A page counted from fewer than minGroup people says so and
 * shows no figures. Templates are rendered as text.
 */
import { useEffect, useState } from 'preact/hooks';
import { type Dates, duration, percent } from '../../../insights-ui/format';
import { PeriodFilter } from '../../../insights-ui/PeriodFilter';
import type { TouchpointRow, TouchpointSummary } from '../../../protocol/touchpoints';
import type { HubGet } from '../get';

interface Filters extends Dates {
  team: string;
  role: string;
}

/** The API path for the filters; empty ones are left out. */
export function touchpointsPath(filters: Filters): string {
  const params = new URLSearchParams();
  for (const key of ['from', 'to', 'team', 'role'] as const) {
    const value = filters[key].trim();
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return `/api/insights/touchpoints${query ? `?${query}` : ''}`;
}

function periodText(filters: Filters): string {
  if (filters.from && filters.to) return `from ${filters.from} to ${filters.to}`;
  if (filters.from) return `since ${filters.from}`;
  if (filters.to) return `until ${filters.to}`;
  return 'all time';
}

function Row({ row }: { row: TouchpointRow }) {
  if (row.fewerThan !== null) {
    return (
      <tr>
        <th scope="row">{row.template}</th>
        <td colSpan={5}>Fewer than {row.fewerThan} people: not shown</td>
      </tr>
    );
  }
  return (
    <tr>
      <th scope="row">{row.template}</th>
      <td>{duration(row.unaidedMs ?? 0)}</td>
      <td>{duration(row.ms ?? 0)}</td>
      <td>{row.views}</td>
      <td>{percent(row.aidedShare)}</td>
      <td>{row.people}</td>
    </tr>
  );
}

export function FleetTouchpoints({ get }: { get: HubGet }) {
  const [filters, setFilters] = useState<Filters>({ from: '', to: '', team: '', role: '' });
  const [asked, setAsked] = useState<Filters>(filters);
  const [summary, setSummary] = useState<TouchpointSummary | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    setError(null);
    get<TouchpointSummary>(touchpointsPath(asked)).then(
      (answer) => current && setSummary(answer),
      (e: Error) => current && setError(e.message),
    );
    return () => {
      current = false;
    };
  }, [get, asked]);

  const text = (key: 'team' | 'role', label: string) => (
    <div class="field">
      <label for={`touchpoints-${key}`}>{label}</label>
      <input
        id={`touchpoints-${key}`}
        type="text"
        value={filters[key]}
        onInput={(e) =>
          setFilters({ ...filters, [key]: (e.currentTarget as HTMLInputElement).value })
        }
      />
    </div>
  );

  return (
    <section aria-labelledby="touchpoints-heading">
      <h2 id="touchpoints-heading">Touchpoint coverage</h2>
      <p>
        Every customer touchpoint: the pages staff spend time on, ranked by the time spent there
        without an aid. Addresses are route templates: ids are shown as <code>:id</code>, and
        nothing after a <code>?</code> is ever kept.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(filters);
        }}
      >
        <PeriodFilter
          dates={filters}
          now={Date.now()}
          onChange={(dates) => setFilters({ ...filters, ...dates })}
        />
        {text('team', 'Team')}
        {text('role', 'Role')}
        <button type="submit">Show</button>
      </form>
      {error !== null && <p role="alert">Could not read touchpoints: {error}</p>}
      {error === null && summary === null && <p role="status">Loading…</p>}
      {error === null && summary !== null && summary.templates.length === 0 && (
        <div class="empty">
          <p>No touchpoints for {periodText(asked)}.</p>
          <p>
            Touchpoints are measured only where your organisation’s browser policy turns it on: the{' '}
            <code>touchpointHosts</code> setting names the sites (such as{' '}
            <code>crm.example.com</code>), and browsers with a hub set then send how long each page
            is visible and whether an aid applied there. It is off by default.
          </p>
        </div>
      )}
      {error === null && summary !== null && summary.templates.length > 0 && (
        <table>
          <caption>
            Pages by time spent without an aid, {periodText(asked)}. Pages seen by fewer than{' '}
            {summary.minGroup} people show no figures.
          </caption>
          <thead>
            <tr>
              <th scope="col">Page</th>
              <th scope="col">Time without an aid</th>
              <th scope="col">Time in all</th>
              <th scope="col">Views</th>
              <th scope="col">Views with an aid</th>
              <th scope="col">People</th>
            </tr>
          </thead>
          <tbody>
            {summary.templates.map((row) => (
              <Row key={row.template} row={row} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
