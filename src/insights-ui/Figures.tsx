/** The key figures of one aid, as a list of labelled numbers (the options page and the hub). */
import { type Cell, cellText, isHidden } from './cells';

export interface FigureItem {
  label: string;
  value: Cell;
}

export function Figures({ items }: { items: FigureItem[] }) {
  return (
    <dl class="figures">
      {items.map((f) => (
        <div key={f.label}>
          <dt>{f.label}</dt>
          <dd class={isHidden(f.value) ? 'fewer' : undefined}>{cellText(f.value)}</dd>
        </div>
      ))}
    </dl>
  );
}
