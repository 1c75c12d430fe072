/**
 * Loads the regular-expression engine into this frame on demand. Only frames whose aids
 * have a pattern to test here ask for it, once: the background injects it
 * (entrypoints/regex.ts, see src/aids/regex-slot.ts). Until it is here those rules simply
 * do not hold; when it arrives, the caller evaluates again.
 */
import { hasPattern } from '../aids/field-rules';
import { hasRegexEngine } from '../aids/regex-slot';
import type { Completion } from '../aids/schema';
import type { ActiveAid } from '../protocol/messages';

/** True for a completion rule that tests a pattern: `matches`, or `passes` with a pattern rule. */
export function needsRegex(done: Completion | undefined): boolean {
  return done?.type === 'matches' || (done?.type === 'passes' && hasPattern(done.rule));
}

/** True for a rule that tests a pattern on a field in this frame's page (no `frame` signal). */
export function isLocalMatches(done: Completion | undefined): boolean {
  return needsRegex(done) && !(done as { target: { frame?: unknown } }).target.frame;
}

/**
 * True if an aid among `aids` has a pattern to test in this frame: a checklist's `matches`
 * rule, a field check's `pattern` rule.
 */
export function usesRegex(aids: readonly ActiveAid[]): boolean {
  return aids.some(({ aid }) =>
    aid.kind === 'checklist' || aid.kind === 'walkthrough'
      ? aid.steps.some((s) => isLocalMatches(s.done))
      : aid.kind === 'checks' &&
        aid.checks.some((c) => hasPattern(c.rule) || hasPattern(c.when?.rule)),
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
