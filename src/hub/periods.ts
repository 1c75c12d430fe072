/**
 * Calendar periods of the period rollups (./compact.ts): every event counts in its UTC day,
 * its week (Monday to Sunday), its month and its year. A range of days is then read as the
 * whole periods that cover it exactly and cost least to read (`cover`): half a year is about
 * six months and a few weeks and days at its two ends, instead of 180 days, which is what
 * keeps the fleet views fast at millions of events.
 *
 * Days before the first day counted and after the last hold nothing: a period may reach over
 * them (`DataBounds`). The whole record of a fleet that started in June is then its year, one
 * period, instead of its months.
 *
 * People are counted with bitmaps: each person gets a number (actor_numbers), and a period
 * row holds one bit per person of a block of BLOCK_BITS people. The union of rows (bit_or)
 * counts each person once however many periods they acted in.
 */

export type Span = 'd' | 'w' | 'm' | 'y';

/** The first and the last day that anything was counted in. */
export interface DataBounds {
  first: string;
  last: string;
}

export interface Period {
  span: Span;
  /** The period's first day, 'YYYY-MM-DD'. */
  start: string;
}

/** People per bitmap row. A power of two, a multiple of 8. */
export const BLOCK_BITS = 4096;

const DAY_MS = 86_400_000;

const msOf = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayBefore = (day: string) => dayOf(msOf(day) - DAY_MS);
const dayAfter = (day: string) => dayOf(msOf(day) + DAY_MS);

/** The Monday of a day's week. */
export function weekStart(day: string): string {
  const ms = msOf(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return dayOf(ms - weekday * DAY_MS);
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function yearStart(day: string): string {
  return `${day.slice(0, 4)}-01-01`;
}

/** The start of the period of `span` that a day is in. */
export function startOf(span: Span, day: string): string {
  if (span === 'd') return day;
  if (span === 'w') return weekStart(day);
  return span === 'm' ? monthStart(day) : yearStart(day);
}

/** The four periods a day counts in. */
export function periodsOf(day: string): Period[] {
  return [
    { span: 'd', start: day },
    { span: 'w', start: weekStart(day) },
    { span: 'm', start: monthStart(day) },
    { span: 'y', start: yearStart(day) },
  ];
}

/** Spans from the widest. */
const WIDEST_FIRST = ['y', 'm', 'w', 'd'] as const;
const rank = (span: Span) => 3 - WIDEST_FIRST.indexOf(span);

/**
 * What reading a period costs, against a day: about how many rows it holds. Most of a fleet's
 * aids and steps are used every day, so a period's rows grow far slower than its days: on the
 * bench's fleet a week holds 1.3 times a day's rows, a month 1.5 and half a year 2.7.
 */
const COST: Record<Span, number> = { d: 1, w: 1.3, m: 1.5, y: 2.5 };

/** The cost of reading periods, as COST. */
export function costOf(periods: Period[]): number {
  return periods.reduce((sum, p) => sum + COST[p.span], 0);
}

function nextMonth(day: string): string {
  const d = new Date(msOf(day));
  return dayOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

/**
 * The cheapest periods to read (COST), disjoint, whose days are exactly `from`..`to`
 * (inclusive), but for days outside `data`'s bounds, which hold nothing and may be in or out.
 * Empty when nothing of the range is counted.
 */
export function cover(from: string, to: string, data?: DataBounds): Period[] {
  const lo = data && data.first > from ? data.first : from;
  const hi = data && data.last < to ? data.last : to;
  if (lo > hi) return [];
  /** Every day of the period that holds anything is in the range. */
  const fits = (p: Period) => {
    const end = periodEnd(p);
    const first = data && p.start < data.first ? data.first : p.start;
    const last = data && end > data.last ? data.last : end;
    return first >= from && last <= to;
  };
  const base = msOf(lo);
  const n = Math.round((msOf(hi) - base) / DAY_MS) + 1;
  // From the last day back: the cheapest cover of days i..n-1 starts with step[i].
  const cost = new Array<number>(n + 1).fill(0);
  const step = new Array<{ p: Period; next: number }>(n);
  for (let i = n - 1; i >= 0; i--) {
    const day = dayOf(base + i * DAY_MS);
    for (const span of WIDEST_FIRST) {
      const p: Period = { span, start: startOf(span, day) };
      // Only the first period may start before its day, over days that hold nothing.
      if ((p.start !== day && i > 0) || !fits(p)) continue;
      const next = Math.min(n, Math.round((msOf(periodEnd(p)) - base) / DAY_MS) + 1);
      const total = COST[span] + cost[next]!;
      if (!step[i] || total < cost[i]!) {
        step[i] = { p, next };
        cost[i] = total;
      }
    }
  }
  const out: Period[] = [];
  for (let i = 0; i < n; i = step[i]!.next) out.push(step[i]!.p);
  return out;
}

/** Periods to add and periods to take away: their counts sum to those of a range's days. */
export interface SignedCover {
  plus: Period[];
  minus: Period[];
}

/**
 * A cover for counts, which can be subtracted (people cannot: they are counted with `cover`).
 * Where a year, a month or a week is only partly in the range, its whole period less the days
 * outside the range is taken instead of the pieces inside, when that costs less to read: 1 to
 * 28 November is November less the 29th and 30th (3 periods) rather than a day, three weeks
 * and six days (10).
 */
export function signedCover(from: string, to: string, data?: DataBounds): SignedCover {
  let plus = cover(from, to, data);
  const minus: Period[] = [];
  for (const span of ['y', 'm', 'w'] as const) {
    const narrower = (p: Period) => rank(p.span) < rank(span);
    const edges = new Set(plus.filter(narrower).map((p) => startOf(span, p.start)));
    for (const start of edges) {
      const whole: Period = { span, start };
      const end = periodEnd(whole);
      const overlaps = plus.filter((p) => p.start <= end && periodEnd(p) >= start);
      const inside = overlaps.filter((p) => narrower(p) && p.start >= start && periodEnd(p) <= end);
      // Only when every piece of the cover that touches the period lies wholly inside it:
      // then they are exactly the range's days in it, and the rest is outside the range.
      if (inside.length === 0 || inside.length < overlaps.length) continue;
      const outside = [
        ...(start < from ? cover(start, dayBefore(from), data) : []),
        ...(end > to ? cover(dayAfter(to), end, data) : []),
      ];
      if (COST[span] + costOf(outside) >= costOf(inside)) continue;
      plus = [...plus.filter((p) => !inside.includes(p)), whole];
      minus.push(...outside);
    }
  }
  return { plus, minus };
}

/** The last day of a period. */
export function periodEnd(p: Period): string {
  if (p.span === 'd') return p.start;
  if (p.span === 'w') return dayOf(msOf(p.start) + 6 * DAY_MS);
  if (p.span === 'm') return dayOf(msOf(nextMonth(p.start)) - DAY_MS);
  return `${p.start.slice(0, 4)}-12-31`;
}

/** The months of a year (or the one month of a month), as month periods. */
export function monthCover(p: Period): Period[] {
  if (p.span !== 'y') return [p];
  const year = p.start.slice(0, 4);
  return Array.from({ length: 12 }, (_, i) => ({
    span: 'm' as const,
    start: `${year}-${String(i + 1).padStart(2, '0')}-01`,
  }));
}

/** The days of a period, as day periods. */
export function dayCover(p: Period): Period[] {
  const out: Period[] = [];
  const end = periodEnd(p);
  for (let t = msOf(p.start); ; t += DAY_MS) {
    const day = dayOf(t);
    if (day > end) return out;
    out.push({ span: 'd', start: day });
  }
}

/** A bitmap of BLOCK_BITS people, bit i for the person numbered block * BLOCK_BITS + i. */
export function emptyBits(): Uint8Array {
  return new Uint8Array(BLOCK_BITS / 8);
}

export function setBit(bits: Uint8Array, i: number): void {
  bits[i >> 3]! |= 0x80 >> (i & 7);
}

/** PostgreSQL's text form of a bit(BLOCK_BITS) value: bit 0 is the leftmost. */
export function bitText(bits: Uint8Array): string {
  let out = '';
  for (const byte of bits) out += byte.toString(2).padStart(8, '0');
  return out;
}
