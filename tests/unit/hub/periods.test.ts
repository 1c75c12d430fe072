import { describe, expect, it } from 'vitest';
import {
  bitText,
  costOf,
  cover,
  emptyBits,
  monthStart,
  periodEnd,
  periodsOf,
  setBit,
  signedCover,
  weekStart,
} from '../../../src/hub/periods';

const DAY_MS = 86_400_000;
const days = (from: string, to: string) => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};

describe('periods', () => {
  it('puts a day in its day, its Monday-to-Sunday week, its month and its year', () => {
    expect(periodsOf('2026-12-03')).toEqual([
      { span: 'd', start: '2026-12-03' },
      { span: 'w', start: '2026-11-30' },
      { span: 'm', start: '2026-12-01' },
      { span: 'y', start: '2026-01-01' },
    ]);
    expect(periodEnd({ span: 'y', start: '2026-01-01' })).toBe('2026-12-31');
    expect(weekStart('2026-11-30')).toBe('2026-11-30');
    expect(weekStart('2026-12-06')).toBe('2026-11-30');
    expect(monthStart('2024-02-29')).toBe('2024-02-01');
    expect(periodEnd({ span: 'm', start: '2024-02-01' })).toBe('2024-02-29');
    expect(periodEnd({ span: 'w', start: '2026-12-28' })).toBe('2027-01-03');
  });

  it('covers every range exactly once, with few periods', () => {
    let worst = 0;
    for (const from of days('2025-12-20', '2026-02-10')) {
      for (const length of [1, 6, 7, 13, 30, 31, 45, 90, 179, 400]) {
        const to = new Date(Date.parse(`${from}T00:00:00Z`) + (length - 1) * DAY_MS)
          .toISOString()
          .slice(0, 10);
        const periods = cover(from, to);
        const covered = periods.flatMap((p) => days(p.start, periodEnd(p)));
        expect(covered).toEqual(days(from, to));
        worst = Math.max(worst, periods.length);
      }
    }
    // At most a few days and weeks at each end, and the whole months between.
    expect(worst).toBeLessThanOrEqual(13 + 2 * 11);
    expect(cover('2026-01-01', '2026-06-30').map((p) => p.span)).toEqual([
      'm',
      'm',
      'm',
      'm',
      'm',
      'm',
    ]);
    expect(cover('2026-02-02', '2026-01-01')).toEqual([]);
    expect(cover('2025-12-29', '2027-01-03').map((p) => `${p.span} ${p.start}`)).toEqual([
      'd 2025-12-29',
      'd 2025-12-30',
      'd 2025-12-31',
      'y 2026-01-01',
      'd 2027-01-01',
      'd 2027-01-02',
      'd 2027-01-03',
    ]);
  });

  it('reaches over days outside the counted ones, and covers every counted day once', () => {
    const data = { first: '2026-01-14', last: '2026-03-09' };
    for (const from of days('2025-12-20', '2026-03-20')) {
      for (const length of [1, 6, 13, 31, 45, 90, 400]) {
        const to = new Date(Date.parse(`${from}T00:00:00Z`) + (length - 1) * DAY_MS)
          .toISOString()
          .slice(0, 10);
        const periods = cover(from, to, data);
        const counted = (d: string) => d >= data.first && d <= data.last;
        const covered = periods.flatMap((p) => days(p.start, periodEnd(p))).filter(counted);
        expect(covered, `${from}..${to}`).toEqual(days(from, to).filter(counted));
        expect(costOf(periods)).toBeLessThanOrEqual(costOf(cover(from, to)));
      }
    }
    // A fleet's whole record, from June to today: its year.
    const fleet = { first: '2026-06-03', last: '2026-12-03' };
    expect(cover('2026-06-01', '2026-12-31', fleet)).toEqual([{ span: 'y', start: '2026-01-01' }]);
    expect(cover('2026-06-01', '2026-06-30', fleet)).toEqual([{ span: 'm', start: '2026-06-01' }]);
    expect(cover('2027-01-01', '2027-01-31', fleet)).toEqual([]);
  });

  it('writes a bitmap as PostgreSQL bit text, person 0 leftmost', () => {
    const bits = emptyBits();
    setBit(bits, 0);
    setBit(bits, 9);
    const text = bitText(bits);
    expect(text.length).toBe(4096);
    expect(text.slice(0, 12)).toBe('100000000100');
    expect([...text].filter((c) => c === '1').length).toBe(2);
  });
});

describe('signed cover', () => {
  it('adds and takes away periods whose days sum to the range, cheaper to read', () => {
    let fewer = 0;
    for (const from of days('2025-12-20', '2026-02-10')) {
      for (const length of [1, 3, 6, 7, 13, 27, 30, 31, 45, 90, 179]) {
        const to = new Date(Date.parse(`${from}T00:00:00Z`) + (length - 1) * DAY_MS)
          .toISOString()
          .slice(0, 10);
        const { plus, minus } = signedCover(from, to);
        const count = new Map<string, number>();
        for (const [list, sign] of [
          [plus, 1],
          [minus, -1],
        ] as const)
          for (const p of list)
            for (const d of days(p.start, periodEnd(p))) count.set(d, (count.get(d) ?? 0) + sign);
        const inRange = new Set(days(from, to));
        for (const [d, n] of count) expect(n, `${from}..${to}: ${d}`).toBe(inRange.has(d) ? 1 : 0);
        for (const d of inRange) expect(count.get(d)).toBe(1);
        const signed = costOf(plus) + costOf(minus);
        const plain = costOf(cover(from, to));
        expect(signed).toBeLessThanOrEqual(plain);
        if (signed < plain) fewer++;
      }
    }
    expect(fewer).toBeGreaterThan(100);
    // 1 to 28 November 2026: November less its last two days.
    // All but the last day counted: the year less that day.
    expect(
      signedCover('2026-06-01', '2026-12-02', { first: '2026-06-03', last: '2026-12-03' }),
    ).toEqual({
      plus: [{ span: 'y', start: '2026-01-01' }],
      minus: [{ span: 'd', start: '2026-12-03' }],
    });
    expect(signedCover('2026-11-01', '2026-11-28')).toEqual({
      plus: [{ span: 'm', start: '2026-11-01' }],
      minus: [
        { span: 'd', start: '2026-11-29' },
        { span: 'd', start: '2026-11-30' },
      ],
    });
  });
});
