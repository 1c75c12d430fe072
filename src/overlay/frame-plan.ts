/**
 * What a sub-frame runs of the top page's aids. They may address targets to an iframe
 * (`target.frame`); the frame they name runs:
 *
 * - tips whose target is in it, shown by its own overlay next to the element;
 * - a frame agent for checklist steps whose element or completion rule is in it (the
 *   checklist chunk's, ./kinds/checklist-agent.ts): it finds them, evaluates the rule, and
 *   sends the steps' states to the top frame's checklist (through the background) when they
 *   change. It records no step event: the top frame's checklist records each one once.
 *
 * Only the innermost frame is named; a frame checks `frame.css` against its own <iframe>
 * element (readable for same-origin, about:blank and srcdoc frames, null cross-origin).
 */
import type { CompletionMemory } from '../aids/conditions';
import type { Completion, FrameRef, Target } from '../aids/schema';
import { testUrlPattern } from '../aids/url-match';
import type { ActiveAid, FrameStepState } from '../protocol/messages';

/**
 * True if `ref` names this frame: its page URL matches `ref.url` and its <iframe> element
 * matches `ref.css` (both, when both are given). A cross-origin frame cannot see its
 * element, so a `css` never names it.
 */
export function isThisFrame(
  ref: FrameRef,
  url: string = location.href,
  frameElement: Element | null = window.frameElement,
): boolean {
  if (ref.url && !testUrlPattern(ref.url, url)) return false;
  try {
    return !ref.css || !!frameElement?.matches(ref.css);
  } catch {
    return false; // An invalid selector names no frame.
  }
}

/** Tells whether a frame signal names this frame. */
export type Here = (ref: FrameRef) => boolean;

/** `target` without its frame signal when it names this frame; undefined otherwise. */
export function targetHere(target: Target | undefined, here: Here): Target | undefined {
  if (!target?.frame || !here(target.frame)) return undefined;
  const { frame: _, ...local } = target;
  return local as Target;
}

/**
 * The top page's tips whose target is in this frame, rewritten to run here: the target
 * without its frame, and only the conditions on this frame (the top page's cannot be seen
 * from here).
 */
export function tipsHere(aids: readonly ActiveAid[], here: Here): ActiveAid[] {
  return aids.flatMap((active) => {
    const { aid } = active;
    const target = aid.kind === 'tip' && targetHere(aid.target, here);
    if (!target) return [];
    const when = (aid.match.when ?? []).flatMap((c) => {
      const t = targetHere(c.target, here);
      return t ? [{ ...c, target: t }] : [];
    });
    return [{ ...active, aid: { ...aid, target, match: { ...aid.match, when } } }];
  });
}

/** One checklist step that this frame watches. */
export interface Watched {
  stepId: string;
  /** What tells whether the step's element is here: its target, else its rule's. */
  find: Target;
  /** The completion rule, when its target is in this frame. */
  done?: Exclude<Completion, { type: 'url' }>;
  memory: CompletionMemory;
}

/**
 * The checklist steps of the top page's aids that are (in part) in this frame, by aid key.
 * Empty when this frame has none: then it reports nothing.
 */
export function watchedSteps(aids: readonly ActiveAid[], here: Here): Map<string, Watched[]> {
  const byAid = new Map<string, Watched[]>();
  for (const { key, aid } of aids) {
    if (aid.kind !== 'checklist') continue;
    const steps = aid.steps.flatMap((step): Watched[] => {
      const rule = step.done && 'target' in step.done ? step.done : undefined;
      const ruleTarget = targetHere(rule?.target, here);
      const done = rule && ruleTarget ? { ...rule, target: ruleTarget } : undefined;
      const find = targetHere(step.target, here) ?? ruleTarget;
      return find ? [{ stepId: step.id, find, done, memory: { clicked: false, seen: false } }] : [];
    });
    if (steps.length) byAid.set(key, steps);
  }
  return byAid;
}

/** Where a frame agent sends what it found. */
export interface FrameReports {
  /** The states of an aid's watched steps changed. */
  steps(aidKey: string, steps: FrameStepState[]): void;
  /** This frame's page goes away: the top frame forgets what it reported. */
  gone(): void;
}
