/**
 * The figures of an aid's Health card (big numbers in a row) and its facts (a term and its
 * description, one under the other), shared by the options page and the hub's page. Both are
 * description lists, so a screen reader reads each label with its value.
 */
import type { ComponentChildren } from 'preact';

export interface Figure {
  label: string;
  value: ComponentChildren;
}

export function Figures({ items }: { items: Figure[] }) {
  return (
    <dl class="figures">
      {items.map((f) => (
        <div key={f.label}>
          <dt>{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Facts({ items }: { items: Figure[] }) {
  return (
    <dl class="facts">
      {items.map((f) => [
        <dt key={`${f.label}-t`}>{f.label}</dt>,
        <dd key={`${f.label}-d`}>{f.value}</dd>,
      ])}
    </dl>
  );
}

/** A date and time as a <time> element: words for people, ISO for machines. */
export function When({ dateTime, text }: { dateTime: string; text: string }) {
  return <time dateTime={dateTime}>{text}</time>;
}
