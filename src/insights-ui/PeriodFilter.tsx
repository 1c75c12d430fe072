/** The period of the Insights and Health views: two date inputs and presets. */
import { useId } from 'preact/hooks';
import { type Dates, PRESETS, type Preset, presetDates } from './format';

export function PeriodFilter({
  dates,
  now,
  onChange,
}: {
  dates: Dates;
  now: number;
  onChange(dates: Dates): void;
}) {
  const id = useId();
  const active = (preset: Preset) => {
    const p = presetDates(preset, now);
    return p.from === dates.from && p.to === dates.to;
  };
  return (
    <fieldset class="period">
      <legend>Period</legend>
      <div class="period-row">
        <div class="field">
          <label for={`${id}-from`}>From</label>
          <input
            id={`${id}-from`}
            type="date"
            value={dates.from}
            max={dates.to || undefined}
            onChange={(e) =>
              onChange({ ...dates, from: (e.currentTarget as HTMLInputElement).value })
            }
          />
        </div>
        <div class="field">
          <label for={`${id}-to`}>To</label>
          <input
            id={`${id}-to`}
            type="date"
            value={dates.to}
            min={dates.from || undefined}
            onChange={(e) =>
              onChange({ ...dates, to: (e.currentTarget as HTMLInputElement).value })
            }
          />
        </div>
        <div class="presets">
          {PRESETS.map(({ preset, label }) => (
            <button
              key={preset}
              type="button"
              class="secondary"
              aria-pressed={active(preset)}
              onClick={() => onChange(presetDates(preset, now))}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
    </fieldset>
  );
}
