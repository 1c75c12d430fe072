/**
 * Drop-off of one checklist: how many runs (options page) or people (the hub) reached each
 * step, as a chart and, for everyone, as a table with the same numbers. A count hidden by
 * the fewer-than rule reads "fewer than 5" in the table and is left out of the chart.
 */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { type Cell, cellText, isHidden } from './cells';
import { DropOffChart } from './DropOffChart';
import { percent } from './format';
import { TableWrap } from './TableWrap';

export interface DropOffRow {
  label: string;
  reached: Cell;
}

export function DropOff({
  caption,
  tableCaption,
  unit,
  reachedHeader,
  shareHeader,
  total,
  points,
}: {
  /** The figure's caption: what is counted, of how many. */
  caption: ComponentChildren;
  tableCaption: string;
  /** The chart's axis: "Runs", "People". */
  unit: string;
  /** "Runs that reached it". */
  reachedHeader: string;
  /** "Share of runs". */
  shareHeader: string;
  /** What the shares are of (runs, or people who started). */
  total: number;
  points: DropOffRow[];
}) {
  const id = useId();
  const chartPoints = points.map((p) => ({
    label: p.label,
    reached: typeof p.reached === 'number' ? p.reached : null,
  }));
  return (
    <figure class="dropoff" aria-labelledby={`${id}-cap`}>
      <figcaption id={`${id}-cap`}>{caption}</figcaption>
      <DropOffChart points={chartPoints} runs={total} unit={unit} />
      <TableWrap label={tableCaption}>
        <table class="dropoff-table">
          <caption>{tableCaption}</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">{reachedHeader}</th>
              <th scope="col">{shareHeader}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.label}>
                <th scope="row">{p.label}</th>
                <td class={isHidden(p.reached) ? 'fewer' : undefined}>{cellText(p.reached)}</td>
                <td>
                  {typeof p.reached === 'number' ? percent(total ? p.reached / total : null) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </figure>
  );
}
