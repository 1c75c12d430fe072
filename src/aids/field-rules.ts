/**
 * What a field check's rule says about a value (schema: FieldRule). Pure functions of the
 * value a person sees (./values.ts reads it), the day, and a pattern engine: the page side
 * uses them to decide, the options page's preview and the tests the same way. Types only from
 * the schema, so the page side ships no zod.
 *
 * Each answer is true (holds), false (fails) or null (cannot say: the pattern engine is not
 * loaded, a date is not written YYYY-MM-DD). A check that cannot say never shows a message
 * and never stops a form.
 */
import type { FieldRule } from './schema';

/** True, false, or null when the rule cannot be evaluated on this value. */
export type Verdict = boolean | null;

/** Tests a pattern against a value; null when it cannot say (no engine in this frame). */
export type PatternTest = (pattern: string, value: string) => boolean | null;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "YYYY-MM-DD" of a local date. */
function isoDay(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getFullYear(), 4)}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * The day a bound names, as "YYYY-MM-DD": itself, or today moved by its offset ("today-18y":
 * the same day 18 years ago; a day past the month's end, as 29 February in a common year,
 * becomes the month's last day).
 */
export function boundDay(bound: string, today: Date): string {
  if (ISO_DAY.test(bound)) return bound;
  const m = /^today(?:([+-])(\d{1,4})([dwmy]))?$/.exec(bound);
  if (!m) return bound;
  const d = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  if (m[1]) {
    const n = Number(m[2]) * (m[1] === '-' ? -1 : 1);
    if (m[3] === 'd' || m[3] === 'w') d.setDate(d.getDate() + n * (m[3] === 'w' ? 7 : 1));
    else {
      const months = m[3] === 'y' ? n * 12 : n;
      const day = d.getDate();
      d.setDate(1);
      d.setMonth(d.getMonth() + months);
      const last = new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate();
      d.setDate(Math.min(day, last));
    }
  }
  return isoDay(d);
}

/** A real calendar day written YYYY-MM-DD, or null. */
function readDay(value: string): string | null {
  const m = ISO_DAY.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getMonth() === Number(m[2]) - 1 && d.getDate() === Number(m[3]) ? value : null;
}

/**
 * The number a person wrote: spaces, thousands separators (",") and a leading or trailing
 * currency sign are ignored ("£1,250.50" is 1250.5). NaN when it is not a number.
 */
export function readNumber(value: string): number {
  const plain = value
    .replace(/[\s,]/g, '')
    .replace(/^[£$€¥]/, '')
    .replace(/[£$€¥]$/, '');
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(plain) ? Number(plain) : Number.NaN;
}

/** True for a rule that needs the pattern engine (`pattern`, `notPattern`). */
export function hasPattern(
  rule: FieldRule | undefined,
): rule is Extract<FieldRule, { pattern: string }> {
  return rule?.type === 'pattern' || rule?.type === 'notPattern';
}

/** Whether `value` (as a person sees it, '' when empty or unticked) satisfies `rule`. */
export function ruleVerdict(
  rule: FieldRule,
  value: string,
  today: Date,
  test: PatternTest,
): Verdict {
  const v = value.trim();
  if (rule.type === 'required') return v !== '';
  // Every other rule is about what was written: an empty field is `required`'s business.
  if (v === '') return true;
  switch (rule.type) {
    case 'pattern':
      return test(rule.pattern, value);
    case 'notPattern': {
      const found = test(rule.pattern, value);
      return found === null ? null : !found;
    }
    case 'length': {
      const n = [...v].length;
      return (rule.min === undefined || n >= rule.min) && (rule.max === undefined || n <= rule.max);
    }
    case 'number': {
      const n = readNumber(v);
      if (Number.isNaN(n)) return false;
      return (
        (rule.min === undefined || n >= rule.min) &&
        (rule.max === undefined || n <= rule.max) &&
        (rule.above === undefined || n > rule.above) &&
        (rule.below === undefined || n < rule.below)
      );
    }
    case 'date': {
      const day = readDay(v);
      if (day === null) return null;
      return (
        (rule.min === undefined || day >= boundDay(rule.min, today)) &&
        (rule.max === undefined || day <= boundDay(rule.max, today))
      );
    }
    case 'oneOf': {
      const lower = v.toLowerCase();
      return rule.values.some((x) => x.trim().toLowerCase() === lower);
    }
  }
}

/** True if no number satisfies all of a number rule's bounds. */
function noNumberBetween(rule: { min?: number; max?: number; above?: number; below?: number }) {
  // The tighter of each side, and whether it excludes the bound itself.
  const low =
    rule.above !== undefined && (rule.min === undefined || rule.above >= rule.min)
      ? { at: rule.above, strict: true }
      : rule.min !== undefined
        ? { at: rule.min, strict: false }
        : null;
  const high =
    rule.below !== undefined && (rule.max === undefined || rule.below <= rule.max)
      ? { at: rule.below, strict: true }
      : rule.max !== undefined
        ? { at: rule.max, strict: false }
        : null;
  if (!low || !high) return false;
  return low.at > high.at || (low.at === high.at && (low.strict || high.strict));
}

/**
 * Whether another field's value makes a check apply (a check's `when`): its rule holds on
 * what is written there. An empty field holds no condition: "Refund is above 500" and
 * "Channel is one of Phone, SMS" are false until something is written or chosen.
 */
export function conditionVerdict(
  rule: FieldRule,
  value: string,
  today: Date,
  test: PatternTest,
): Verdict {
  return value.trim() === '' ? false : ruleVerdict(rule, value, today, test);
}

/** Why a rule can never hold whatever is written (min above max…), or null. For validation. */
export function ruleProblem(rule: FieldRule): string | null {
  switch (rule.type) {
    case 'length':
      if (rule.min === undefined && rule.max === undefined) return 'needs min, max or both';
      return rule.min !== undefined && rule.max !== undefined && rule.min > rule.max
        ? 'min is more than max: no value can pass'
        : null;
    case 'number':
      if ([rule.min, rule.max, rule.above, rule.below].every((b) => b === undefined)) {
        return 'needs at least one of min, max, above and below';
      }
      return noNumberBetween(rule) ? 'the bounds leave no number that can pass' : null;
    case 'date':
      if (rule.min === undefined && rule.max === undefined) return 'needs min, max or both';
      // Both absolute: compare now. A bound relative to today moves with it.
      if (
        rule.min &&
        rule.max &&
        ISO_DAY.test(rule.min) &&
        ISO_DAY.test(rule.max) &&
        rule.min > rule.max
      ) {
        return 'min is after max: no date can pass';
      }
      if (rule.min && ISO_DAY.test(rule.min) && readDay(rule.min) === null) {
        return `min "${rule.min}" is not a day of the calendar`;
      }
      if (rule.max && ISO_DAY.test(rule.max) && readDay(rule.max) === null) {
        return `max "${rule.max}" is not a day of the calendar`;
      }
      return null;
    default:
      return null;
  }
}
