/**
 * Calendar periods of the period rollups (./compact.ts): every event counts in its UTC day,
 * its week (Monday to Sunday) and its month. A range of days is then read as the fewest
 * whole periods that cover it exactly (`cover`): whole months, then whole weeks, then days.
 * Half a year is about six months and a few weeks and days at its two ends, instead of 180
 * days, which is what keeps the fleet views fast at millions of events.
 *
 * People are counted with bitmaps: each person gets a number (actor_numbers), and a period
 * row holds one bit per person of a block of BLOCK_BITS people. The union of rows (bit_or)
 * counts each person once however many periods they acted in.
 */

export type Span = 'd' | 'w' | 'm';

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

/** The Monday of a day's week. */
export function weekStart(day: string): string {
  const ms = msOf(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return dayOf(ms - weekday * DAY_MS);
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** The three periods a day counts in. */
export function periodsOf(day: string): Period[] {
  return [
    { span: 'd', start: day },
    { span: 'w', start: weekStart(day) },
    { span: 'm', start: monthStart(day) },
  ];
}

function nextMonth(day: string): string {
  const d = new Date(msOf(day));
  return dayOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

/**
 * The fewest periods, disjoint, whose days are exactly `from`..`to` (inclusive): a month
 * where one fits whole, else a week where one fits whole, else a day. Empty when from > to.
 */
export function cover(from: string, to: string): Period[] {
  const out: Period[] = [];
  const end = msOf(to);
  let at = from;
  while (msOf(at) <= end) {
    const next = nextMonth(at);
    if (at.endsWith('-01') && msOf(next) - DAY_MS <= end) {
      out.push({ span: 'm', start: at });
      at = next;
      continue;
    }
    const ms = msOf(at);
    // A whole week that does not run past the next month's start when that month fits whole
    // (a month is one row where a week and days would be several).
    const weekEnd = ms + 6 * DAY_MS;
    const monthFits = msOf(nextMonth(next)) - DAY_MS <= end;
    const crossesMonth = weekEnd >= msOf(next);
    if (weekStart(at) === at && weekEnd <= end && !(monthFits && crossesMonth)) {
      out.push({ span: 'w', start: at });
      at = dayOf(ms + 7 * DAY_MS);
      continue;
    }
    out.push({ span: 'd', start: at });
    at = dayOf(ms + DAY_MS);
  }
  return out;
}

/** Periods to add and periods to take away: their counts sum to those of a range's days. */
export interface SignedCover {
  plus: Period[];
  minus: Period[];
}

const dayBefore = (day: string) => dayOf(msOf(day) - DAY_MS);
const dayAfter = (day: string) => dayOf(msOf(day) + DAY_MS);

/**
 * A cover for counts, which can be subtracted (people cannot: they are counted with `cover`).
 * Where a month or a week is only partly in the range, its whole period less the days outside
 * the range is taken instead of the pieces inside, when that is fewer periods: 1 to 28
 * November is November less the 29th and 30th (3 periods) rather than a day, three weeks and
 * six days (10).
 */
export function signedCover(from: string, to: string): SignedCover {
  let plus = cover(from, to);
  const minus: Period[] = [];
  for (const span of ['m', 'w'] as const) {
    const startOf = span === 'm' ? monthStart : weekStart;
    const edges = new Set(
      plus.filter((p) => p.span !== 'm' && p.span !== span).map((p) => startOf(p.start)),
    );
    for (const start of edges) {
      const whole: Period = { span, start };
      const end = periodEnd(whole);
      const overlaps = plus.filter((p) => p.start <= end && periodEnd(p) >= start);
      const inside = overlaps.filter(
        (p) => p.span !== 'm' && p.span !== span && p.start >= start && periodEnd(p) <= end,
      );
      // Only when every piece of the cover that touches the period lies wholly inside it:
      // then they are exactly the range's days in it, and the rest is outside the range.
      if (inside.length === 0 || inside.length < overlaps.length) continue;
      const outside = [
        ...(start < from ? cover(start, dayBefore(from)) : []),
        ...(end > to ? cover(dayAfter(to), end) : []),
      ];
      if (1 + outside.length >= inside.length) continue;
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
  return dayOf(msOf(nextMonth(p.start)) - DAY_MS);
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
