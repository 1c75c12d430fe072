/**
 * Evaluates DOM conditions (`match.when`) and step completion rules against the live page.
 * Field values are read here, in the page, to decide "filled" or "matches"; they are never
 * stored, sent or recorded.
 */
import type { Completion, DomCondition, Target } from './schema';
import { isRendered, type Resolution } from './target';
import { testUrlPattern } from './url-match';

export type Resolve = (target: Target) => Resolution;

function fieldValue(el: Element): string {
  if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
    return el.checked ? el.value || 'on' : '';
  }
  if (
    el instanceof HTMLInputElement ||
    el instanceof HTMLTextAreaElement ||
    el instanceof HTMLSelectElement
  ) {
    return el.value;
  }
  if ((el as HTMLElement).isContentEditable) return el.textContent ?? '';
  return '';
}

function isChecked(el: Element): boolean {
  if (el instanceof HTMLInputElement) return el.checked;
  return el.getAttribute('aria-checked') === 'true';
}

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
 * uses `memory.clicked`, which the caller sets when a click lands in the target.
 */
export function completionHolds(
  done: Completion,
  resolve: Resolve,
  url: string,
  memory: CompletionMemory,
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
      return el !== null && fieldValue(el).trim() !== '';
    case 'checked':
      return el !== null && isChecked(el);
    case 'matches': {
      if (!el) return false;
      try {
        return new RegExp(done.pattern).test(fieldValue(el));
      } catch {
        return false;
      }
    }
  }
}
