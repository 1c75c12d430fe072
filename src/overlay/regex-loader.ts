/**
 * Loads the regular-expression engine into this frame on demand. Only frames whose aids
 * have a pattern to test here ask for it, once: the background injects it
 * (entrypoints/regex.ts, see src/aids/regex-slot.ts). Until it is here those rules simply
 * do not hold; when it arrives, the caller evaluates again.
 */
import { hasRegexEngine } from '../aids/regex-slot';
import type { Completion, FieldRule } from '../aids/schema';
import type { ActiveAid } from '../protocol/messages';

/**
 * True for a rule that tests a pattern: a completion rule `matches`, or `passes` with such a
 * field rule; a field rule `pattern` or `notPattern`. (Of the rules with a `pattern`, only
 * `url` takes a URL pattern instead.) Kept short: it is part of the content script's core.
 */
export function needsRegex(rule: Completion | FieldRule | undefined): boolean {
  if (rule?.type === 'passes') return needsRegex(rule.rule);
  return !!rule && rule.type !== 'url' && 'pattern' in rule;
}

/** True for a rule that tests a pattern on a field in this frame's page (no `frame` signal). */
export function isLocalMatches(done: Completion | undefined): boolean {
  return needsRegex(done) && !(done as { target: { frame?: unknown } }).target.frame;
}

/** True if an aid among `aids` has a pattern to test in this frame. */
export function usesRegex(aids: readonly ActiveAid[]): boolean {
  return aids.some(({ aid }) =>
    'steps' in aid
      ? aid.steps.some((s) => isLocalMatches(s.done))
      : 'checks' in aid && aid.checks.some((c) => needsRegex(c.rule) || needsRegex(c.when?.rule)),
  );
}

let loading: Promise<boolean> | null = null;

/**
 * Resolves true once the engine is installed in this frame, asking with `ask` the first
 * time; false if it could not be loaded (a later call asks again).
 */
export function loadRegexEngine(ask: () => Promise<unknown>): Promise<boolean> {
  if (hasRegexEngine()) return Promise.resolve(true);
  loading ??= ask().then(
    () => hasRegexEngine(),
    () => false,
  );
  const answer = loading;
  void answer.then((ok) => {
    if (!ok && loading === answer) loading = null;
  });
  return answer;
}
