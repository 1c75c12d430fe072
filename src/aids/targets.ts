/**
 * The targets an aid uses, for code on both sides of the extension: types only from the
 * schema, so the page side can use it without shipping zod.
 */
import type { Aid, Target } from './schema';

/**
 * Every target an aid uses, with its path in the aid: its conditions', a tip's own, its
 * steps' and their completion rules', a field check's fields and save button.
 */
export function targetsOf(aid: Aid): [(string | number)[], Target][] {
  const out: [(string | number)[], Target][] = (aid.match.when ?? []).map((c, i) => [
    ['match', 'when', i, 'target'],
    c.target,
  ]);
  if (aid.kind === 'tip') out.push([['target'], aid.target]);
  else if (aid.kind === 'checks') {
    aid.checks.forEach((check, i) => {
      out.push([['checks', i, 'field'], check.field]);
      if (check.when) out.push([['checks', i, 'when', 'field'], check.when.field]);
    });
    if (aid.submit) out.push([['submit'], aid.submit]);
  } else {
    aid.steps.forEach((step, i) => {
      if (step.target) out.push([['steps', i, 'target'], step.target]);
      if (step.done && 'target' in step.done) {
        out.push([['steps', i, 'done', 'target'], step.done.target]);
      }
    });
  }
  return out;
}

/** True if some target of the aid is in an iframe (it has a `frame` signal). */
export function addressesFrames(aid: Aid): boolean {
  return targetsOf(aid).some(([, target]) => target.frame !== undefined);
}
