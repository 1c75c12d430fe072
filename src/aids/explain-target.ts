/**
 * Says in words how a target was found on a page, for authors: which signal found the
 * element, which signals no longer match, or why nothing was found. Used by the editor for
 * its own checks and for the target reports that staff pages record.
 *
 * Pure: no DOM, no extension APIs. Signals arrive as strings because reports cross contexts
 * and may come from an older version that names a signal this one does not know.
 */
import type { Target } from './schema';

/** How a target resolved, as reported by the page. */
export interface ResolutionReport {
  found: boolean;
  foundBy?: string | null;
  failed: readonly string[];
  ambiguous: boolean;
}

/** Values longer than this are left out of sentences: the author sees them in the editor. */
const SHORT = 40;

const quote = (s: string) => `“${s}”`;

function short(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = value.replace(/\s+/g, ' ').trim();
  return v && v.length <= SHORT ? v : null;
}

function withValue(what: string, value: string | undefined): string {
  const v = short(value);
  return v === null ? what : `${what} ${quote(v)}`;
}

function attrsPhrase(attrs: Record<string, string> | undefined): string {
  const entries = Object.entries(attrs ?? {});
  const noun = entries.length === 1 ? 'attribute' : 'attributes';
  const listed = entries.map(([k, v]) => (short(v) === null ? k : `${k}=${quote(short(v)!)}`));
  if (listed.length === 0 || listed.join(', ').length > SHORT * 2) return noun;
  return `${noun} ${listed.join(', ')}`;
}

/**
 * One signal of `target` in words, without an article: "CSS selector", "label “Email”",
 * "attribute name=“email”". Unknown signals are named as they are.
 */
export function describeSignal(signal: string, target: Target): string {
  switch (signal) {
    case 'css':
      return 'CSS selector';
    case 'attrs':
      return attrsPhrase(target.attrs);
    case 'label':
      return withValue('label', target.label);
    case 'role':
      return withValue('role', target.role);
    case 'name':
      return withValue('accessible name', target.name);
    case 'text':
      return withValue('text', target.text);
    case 'within':
      return 'container selector';
    default:
      return `signal ${quote(signal)}`;
  }
}

/** "a", "a and b", "a, b and c". */
function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const the = (signals: readonly string[], target: Target) =>
  list(signals.map((s) => `the ${describeSignal(s, target)}`));

/** The signals the target gives, in the order resolution names them. */
const GIVEN_ORDER = ['css', 'attrs', 'label', 'name', 'role', 'text', 'within'] as const;

/**
 * One or two sentences for authors:
 * "Found by label “Email”; the CSS selector no longer matches.",
 * "Not found: the CSS selector and the label “Email” match nothing on this page."
 */
export function describeResolution(target: Target, report: ResolutionReport): string {
  const failed = [...new Set(report.failed)];
  if (!report.found) {
    const missing = failed.length > 0 ? failed : GIVEN_ORDER.filter((s) => target[s] !== undefined);
    if (missing.length === 0) return 'Not found on this page.';
    const verb = missing.length === 1 ? 'matches' : 'match';
    return `Not found: ${the(missing, target)} ${verb} nothing on this page.`;
  }
  const by = report.foundBy ? `by ${describeSignal(report.foundBy, target)}` : '';
  const broken =
    failed.length === 0
      ? ''
      : `; ${the(failed, target)} no longer ${failed.length === 1 ? 'matches' : 'match'}`;
  if (report.ambiguous) {
    const how = by ? `, ${by}` : '';
    return (
      `Matches several elements equally well${how}${broken}. ` +
      'The first visible one is used; add a label, name or text that tells them apart.'
    );
  }
  return `Found${by ? ` ${by}` : ''}${broken}.`;
}

/** The words authors see for each completion rule type in the editor. */
const RULE_NAMES: Record<string, string> = {
  filled: 'Filled',
  matches: 'Matches',
  checked: 'Checked',
};

/**
 * Why a step's completion rule can never hold, in one or two sentences for authors:
 * "“Filled” can never hold here: the element has no value a person can type or choose."
 * `problem` is a rule_unworkable event's (see ./values.ts `ruleProblem`); `ruleType`, when
 * known, names the rule. An unknown problem (a newer version's) gets a general sentence.
 */
export function describeRuleProblem(problem: string, ruleType?: string): string {
  const named = ruleType ? RULE_NAMES[ruleType] : undefined;
  switch (problem) {
    case 'no_value':
      return (
        `${named ? quote(named) : '“Filled” or “Matches”'} can never hold here: the element has ` +
        'no value a person can type or choose. Point the rule at the field itself.'
      );
    case 'no_checked_state':
      return (
        `${quote(named ?? 'Checked')} can never hold here: the element has no checked state ` +
        '(it is not a checkbox, switch or radio). Point the rule at the box itself.'
      );
    default:
      return 'The completion rule can never hold on the element its target finds.';
  }
}
