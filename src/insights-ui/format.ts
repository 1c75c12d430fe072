/** Periods, dates and numbers as the Insights and Health views show them. */

/** A period in ms since the epoch, inclusive; a missing bound is open. */
export interface Range {
  from?: number;
  to?: number;
}

const DAY = 24 * 60 * 60 * 1000;

export type Preset = 'last7' | 'last30' | 'all';

export const PRESETS: { preset: Preset; label: string }[] = [
  { preset: 'last7', label: 'Last 7 days' },
  { preset: 'last30', label: 'Last 30 days' },
  { preset: 'all', label: 'All time' },
];

/** "2026-11-22" for a date input, in the person's time zone. */
export function dateInputValue(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The two date inputs of a period: from and to, inclusive whole days ('' for open). */
export interface Dates {
  from: string;
  to: string;
}

export function presetDates(preset: Preset, now: number): Dates {
  if (preset === 'all') return { from: '', to: '' };
  const days = preset === 'last7' ? 7 : 30;
  return { from: dateInputValue(now - (days - 1) * DAY), to: dateInputValue(now) };
}

/** Local midnight of a "YYYY-MM-DD", or undefined for an empty or invalid value. */
function startOfDay(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const ms = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/** The period in ms: from the start of the first day to the end of the last. */
export function rangeOf(dates: Dates): Range {
  const range: Range = {};
  const from = startOfDay(dates.from);
  const to = startOfDay(dates.to);
  if (from !== undefined) range.from = from;
  // The next midnight minus 1 ms: the range is inclusive.
  if (to !== undefined) range.to = new Date(to).setDate(new Date(to).getDate() + 1) - 1;
  return range;
}

/** "45 s", "3 min 20 s", "2 h 5 min", "3 days 4 h". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return s % 60 ? `${min} min ${s % 60} s` : `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const days = Math.floor(h / 24);
  const unit = days === 1 ? 'day' : 'days';
  return h % 24 ? `${days} ${unit} ${h % 24} h` : `${days} ${unit}`;
}

export function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`;
}

/** "css 3, label 1", most frequent first; "—" for none. */
export function countsText(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`);
  return parts.length ? parts.join(', ') : '—';
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A date and time for people, with its machine-readable value. */
export function timeText(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "YYYY-MM-DD" parts of a file name for the period. */
export function periodSlug(dates: Dates): string {
  if (!dates.from && !dates.to) return 'all-time';
  return `${dates.from || 'start'}_to_${dates.to || 'now'}`;
}
