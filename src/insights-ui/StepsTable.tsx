/**
 * The steps of one aid as a table: one row per step with its counts, and a button on the
 * step's name that expands its skip reasons below it (or a field check's, with the reasons
 * given for saving anyway). A row hidden because it was counted
 * from too few people reads "fewer than 5 people" across its counts and does not expand.
 * Reasons are staff's free text: shown as text, never as markup.
 */
import { Fragment } from 'preact';
import { useId, useState } from 'preact/hooks';
import type { ReasonCount } from '../protocol/insights';
import { type Cell, cellText, type FewerThan, isHidden } from './cells';
import { TableWrap } from './TableWrap';

export interface StepsTableRow {
  stepId: string;
  /** The step's words (its id when they are not known). */
  text: string;
  /** Set when the whole row is hidden: fewer than this many people. */
  hidden?: FewerThan;
  /** One per column after the first. */
  cells: Cell[];
  /** The sentence that opens the expanded details: "Reached in 4 runs. Skipped twice." */
  reach: string;
  topReasons: ReasonCount[];
}

export function StepsTable({
  caption,
  columns,
  rows,
  noReasons,
  rowHeader = 'Step',
  reasonsTitle = 'Most common reasons for skipping:',
}: {
  caption: string;
  /** Headers of the count columns (the first column, `rowHeader`, is always there). */
  columns: string[];
  rows: StepsTableRow[];
  /** What the details say when no reason is listed. */
  noReasons: string;
  /** The first column's header: what a row is ("Step", "Check"). */
  rowHeader?: string;
  /** What the details call the reasons listed. */
  reasonsTitle?: string;
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const id = useId();
  const toggle = (stepId: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(stepId)) next.add(stepId);
      return next;
    });
  return (
    <TableWrap label={caption}>
      <table class="steps">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{rowHeader}</th>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((s, i) => {
            const expanded = open.has(s.stepId);
            const detailsId = `${id}-d${i}`;
            if (s.hidden) {
              return (
                <tr key={s.stepId} class="fewer-row">
                  <th scope="row">
                    <span class="expander-space">
                      {i + 1}. {s.text}
                    </span>
                  </th>
                  <td colSpan={columns.length} class="fewer">
                    fewer than {s.hidden.fewerThan} people
                  </td>
                </tr>
              );
            }
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
                  {s.cells.map((cell, j) => (
                    <td key={columns[j]} class={isHidden(cell) ? 'fewer' : undefined}>
                      {cellText(cell)}
                    </td>
                  ))}
                </tr>
                <tr id={detailsId} class="details" hidden={!expanded}>
                  <td colSpan={columns.length + 1}>
                    <StepDetails row={s} noReasons={noReasons} reasonsTitle={reasonsTitle} />
                  </td>
                </tr>
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}

function StepDetails({
  row,
  noReasons,
  reasonsTitle,
}: {
  row: StepsTableRow;
  noReasons: string;
  reasonsTitle: string;
}) {
  return (
    <div>
      <p>{row.reach}</p>
      {row.topReasons.length ? (
        <>
          <p>{reasonsTitle}</p>
          <ol class="reasons">
            {row.topReasons.map((r) => (
              <li key={r.reason}>
                “{r.reason}”: {r.count}
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p class="muted">{noReasons}</p>
      )}
    </div>
  );
}
