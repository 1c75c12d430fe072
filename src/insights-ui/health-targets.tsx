/**
 * The table of an aid's targets that staff pages reported (missing, or found only by weaker
 * signals), shared by the options page and the hub's page. The hub adds a column of people
 * affected; a row it hides (fewer than 5 people) says so there and shows no counts.
 */
import type { ComponentChildren } from 'preact';
import { When } from './health-figures';

export interface TargetRow {
  key: string;
  /** The step's text, or what stands for the aid's own target. */
  name: ComponentChildren;
  /** Only when the table has a people column. */
  people?: ComponentChildren;
  missing: ComponentChildren;
  healed: ComponentChildren;
  failedSignals: string;
  foundBy: string;
  lastSeen: { dateTime: string; text: string };
}

export function TargetsTable({
  caption,
  rows,
  withPeople = false,
}: {
  caption: ComponentChildren;
  rows: TargetRow[];
  /** Adds a "People affected" column after the target. */
  withPeople?: boolean;
}) {
  return (
    <div class="table-wrap">
      <table class="targets">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Target</th>
            {withPeople && <th scope="col">People affected</th>}
            <th scope="col">Missing</th>
            <th scope="col">Found by weaker signals</th>
            <th scope="col">Signals that failed</th>
            <th scope="col">Found by</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.key}>
              <th scope="row">{t.name}</th>
              {withPeople && <td>{t.people}</td>}
              <td>{t.missing}</td>
              <td>{t.healed}</td>
              <td>{t.failedSignals}</td>
              <td>{t.foundBy}</td>
              <td>
                <When {...t.lastSeen} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
