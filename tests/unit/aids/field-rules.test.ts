import { describe, expect, it } from 'vitest';
import {
  boundDay,
  conditionVerdict,
  type PatternTest,
  readNumber,
  ruleProblem,
  ruleVerdict,
} from '../../../src/aids/field-rules';
import type { FieldRule } from '../../../src/aids/schema';

const TODAY = new Date(2026, 11, 3); // 3 December 2026, local time
const engine: PatternTest = (pattern, value) => new RegExp(pattern).test(value);
const noEngine: PatternTest = () => null;
const verdict = (rule: FieldRule, value: string, test = engine) =>
  ruleVerdict(rule, value, TODAY, test);

describe('ruleVerdict', () => {
  it('required: anything but blanks; every other rule holds on an empty field', () => {
    expect(verdict({ type: 'required' }, '')).toBe(false);
    expect(verdict({ type: 'required' }, '   ')).toBe(false);
    expect(verdict({ type: 'required' }, 'on')).toBe(true);
    const others: FieldRule[] = [
      { type: 'pattern', pattern: '^\\d+$' },
      { type: 'length', min: 3 },
      { type: 'number', min: 1 },
      { type: 'date', min: 'today' },
      { type: 'oneOf', values: ['A'] },
    ];
    for (const rule of others) expect(verdict(rule, '  ')).toBe(true);
  });

  it('pattern: the engine decides; without one in this frame, nothing is said', () => {
    const rule: FieldRule = { type: 'pattern', pattern: '^[A-Z]{2}\\d{6}$' };
    expect(verdict(rule, 'AB123456')).toBe(true);
    expect(verdict(rule, 'AB12345')).toBe(false);
    expect(verdict(rule, 'AB12345', noEngine)).toBeNull();
  });

  it('length counts characters, not UTF-16 units, without the spaces at either end', () => {
    expect(verdict({ type: 'length', min: 2, max: 3 }, ' ab ')).toBe(true);
    expect(verdict({ type: 'length', max: 3 }, 'abcd')).toBe(false);
    expect(verdict({ type: 'length', max: 2 }, '😀😀')).toBe(true);
  });

  it('number reads what people write, and fails on what is not a number', () => {
    expect(readNumber('£1,250.50')).toBe(1250.5);
    expect(readNumber(' 80 € ')).toBe(80);
    expect(readNumber('-3')).toBe(-3);
    expect(readNumber('12abc')).toBeNaN();
    expect(verdict({ type: 'number', above: 500 }, '500')).toBe(false);
    expect(verdict({ type: 'number', above: 500 }, '500.01')).toBe(true);
    expect(verdict({ type: 'number', min: 0, max: 500 }, '500')).toBe(true);
    expect(verdict({ type: 'number', below: 10 }, '10')).toBe(false);
    expect(verdict({ type: 'number', max: 10 }, 'ten')).toBe(false);
  });

  it('date: YYYY-MM-DD within bounds relative to today; other writing is not judged', () => {
    expect(verdict({ type: 'date', max: 'today' }, '2026-12-03')).toBe(true);
    expect(verdict({ type: 'date', max: 'today' }, '2026-12-04')).toBe(false);
    expect(verdict({ type: 'date', max: 'today-18y' }, '2008-12-03')).toBe(true);
    expect(verdict({ type: 'date', max: 'today-18y' }, '2008-12-04')).toBe(false);
    expect(verdict({ type: 'date', min: '2026-01-01' }, '2025-12-31')).toBe(false);
    expect(verdict({ type: 'date', min: '2026-01-01' }, '03/12/2026')).toBeNull();
    expect(verdict({ type: 'date', min: '2026-01-01' }, '2026-02-30')).toBeNull();
  });

  it('oneOf compares without case and outer spaces', () => {
    const rule: FieldRule = { type: 'oneOf', values: ['Phone', 'SMS'] };
    expect(verdict(rule, ' sms ')).toBe(true);
    expect(verdict(rule, 'Email')).toBe(false);
  });
});

describe('conditionVerdict', () => {
  it('holds on what is written or chosen, never on an empty field', () => {
    const channel: FieldRule = { type: 'oneOf', values: ['Phone', 'SMS'] };
    expect(conditionVerdict(channel, '', TODAY, engine)).toBe(false);
    expect(conditionVerdict(channel, 'SMS', TODAY, engine)).toBe(true);
    expect(conditionVerdict({ type: 'number', above: 500 }, ' ', TODAY, engine)).toBe(false);
    expect(conditionVerdict({ type: 'number', above: 500 }, '750', TODAY, engine)).toBe(true);
    expect(conditionVerdict({ type: 'pattern', pattern: 'x' }, 'x', TODAY, noEngine)).toBeNull();
  });
});

describe('boundDay', () => {
  it('moves today by days, weeks, months and years, keeping within the month', () => {
    expect(boundDay('today', TODAY)).toBe('2026-12-03');
    expect(boundDay('today+30d', TODAY)).toBe('2027-01-02');
    expect(boundDay('today-2w', TODAY)).toBe('2026-11-19');
    expect(boundDay('today+1m', new Date(2027, 0, 31))).toBe('2027-02-28');
    expect(boundDay('today-1y', new Date(2028, 1, 29))).toBe('2027-02-28');
    expect(boundDay('2024-05-06', TODAY)).toBe('2024-05-06');
  });
});

describe('ruleProblem', () => {
  it('names rules that no value can pass, or that say nothing', () => {
    expect(ruleProblem({ type: 'length' })).toMatch(/needs min, max/);
    expect(ruleProblem({ type: 'length', min: 5, max: 2 })).toMatch(/min is more than max/);
    expect(ruleProblem({ type: 'number' })).toMatch(/at least one/);
    expect(ruleProblem({ type: 'number', above: 5, below: 5 })).toMatch(/no number/);
    expect(ruleProblem({ type: 'number', min: 5, below: 5 })).toMatch(/no number/);
    expect(ruleProblem({ type: 'number', min: 5, max: 5 })).toBeNull();
    expect(ruleProblem({ type: 'number', above: 4, max: 5 })).toBeNull();
    expect(ruleProblem({ type: 'date', min: '2026-02-01', max: '2026-01-01' })).toMatch(/after/);
    expect(ruleProblem({ type: 'date', max: '2026-02-30' })).toMatch(/not a day/);
    expect(ruleProblem({ type: 'date', min: 'today', max: 'today+1y' })).toBeNull();
  });
});
