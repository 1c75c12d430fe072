/**
 * Evaluates DOM conditions (`match.when`) and step completion rules against the live page.
 * Field values are read here, in the page, to decide "filled", "matches" or "passes"; they are never
 * stored, sent or recorded.
 */
import { type ShadowRootReader, shadowRootOf } from './composed';
import { conditionVerdict } from './field-rules';
import { patternMatches, patternVerdict } from './regex-slot';
import type { Completion, DomCondition, Target } from './schema';
import { isRendered, type Resolution } from './target';
import { testUrlPattern } from './url-match';
import { readChecked, readValue } from './values';

export type Resolve = (target: Target) => Resolution;

/** True if the DOM condition holds now. */
export function conditionHolds(cond: DomCondition, resolve: Resolve): boolean {
  const el = resolve(cond.target).element;
  switch (cond.type) {
    case 'present':
      return el !== null;
    case 'absent':
      return el === null;
    case 'text':
      return (
        el !== null && (el.textContent ?? '').toLowerCase().includes(cond.contains.toLowerCase())
      );
  }
}

/** State a completion rule needs across evaluations (clicks and "was it ever there"). */
export interface CompletionMemory {
  clicked: boolean;
  seen: boolean;
}

/**
 * True if the completion rule holds now. `url` rules are checked against `url`; `clicked`
 * uses `memory.clicked`, which the caller sets when a click lands in the target. Values are
 * what a person sees in the widget (see ./values.ts), read through `read` for closed roots.
 */
export function completionHolds(
  done: Completion,
  resolve: Resolve,
  url: string,
  memory: CompletionMemory,
  read: ShadowRootReader = shadowRootOf,
): boolean {
  if (done.type === 'url') return testUrlPattern(done.pattern, url);
  if (done.type === 'clicked') return memory.clicked;
  const el = resolve(done.target).element;
  if (el) memory.seen = true;
  switch (done.type) {
    case 'appears':
      // Appearing means on screen: an element that exists but is hidden has not appeared.
      return el !== null && isRendered(el);
    case 'disappears':
      // Only counts once the element has been seen: never-present is not "disappeared".
      return el === null && memory.seen;
    case 'filled':
      return el !== null && (readValue(el, read) ?? '').trim() !== '';
    case 'checked':
      return el !== null && readChecked(el, read) === true;
    case 'matches': {
      // On the linear-time engine, once it is loaded in this frame (./regex-slot.ts). A blank
      // field matches nothing, as a field that `passes` passes nothing.
      const value = el && readValue(el, read);
      return typeof value === 'string' && patternMatches(done.pattern, value);
    }
    case 'passes': {
      // As a field check's `when`: an empty field passes nothing.
      const value = el && readValue(el, read);
      return (
        typeof value === 'string' &&
        conditionVerdict(done.rule, value, new Date(), patternVerdict) === true
      );
    }
  }
}
