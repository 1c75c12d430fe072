/**
 * The overlay's part in a sub-frame. The top page's aids may address targets to an iframe
 * (`target.frame`); the frame they name runs:
 *
 * - tips whose target is in it, shown by its own overlay next to the element;
 * - a frame agent for checklist steps whose element or completion rule is in it: it finds
 *   them, evaluates the rule, and sends the steps' states to the top frame's checklist
 *   (through the background) when they change. It records no step event: the top frame's
 *   checklist records each one once.
 *
 * Only the innermost frame is named; a frame checks `frame.css` against its own <iframe>
 * element (readable for same-origin, about:blank and srcdoc frames, null cross-origin).
 */
import { type CompletionMemory, completionHolds } from '../aids/conditions';
import type { Completion, FrameRef, Target } from '../aids/schema';
import { testUrlPattern } from '../aids/url-match';
import type { ActiveAid, AidStatus, FrameStepState } from '../protocol/messages';
import type { AidController, SessionEnv } from './kinds/types';
import { isPerson } from './person';

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

export interface FrameReports {
  /** The states of an aid's watched steps changed. */
  steps(aidKey: string, steps: FrameStepState[]): void;
  /** This frame's page goes away: the top frame forgets what it reported. */
  gone(): void;
}

/**
 * A controller that shows nothing: on each pass of the frame's session it evaluates the
 * watched steps and reports each aid whose states differ from what it last sent. Its
 * reports are withdrawn when the page is unloaded or the session ends.
 */
export function frameAgent(
  watched: Map<string, Watched[]>,
  env: SessionEnv,
  reports: FrameReports,
): AidController {
  /** Aid key -> the states last sent, as JSON. */
  const sent = new Map<string, string>();
  const gone = () => {
    if (sent.size) reports.gone();
    sent.clear();
  };
  // A page kept in the back/forward cache goes with its top page and comes back with it,
  // states and all: only a page that is unloaded withdraws its reports.
  window.addEventListener('pagehide', (e) => e.persisted || gone(), { signal: env.signal });
  return {
    key: 'inflow:frame-agent',
    visible: false,
    update(change) {
      for (const [aidKey, list] of watched) {
        const steps = list.map(({ stepId, find, done, memory }): FrameStepState => {
          if (done?.type === 'clicked') {
            const el = env.resolve(done.target).element;
            for (const e of change.events) {
              // A person's click only: a script's click() says nobody clicked.
              if (
                e.type === 'click' &&
                isPerson(e) &&
                e.target instanceof Node &&
                el?.contains(e.target)
              ) {
                memory.clicked = true;
              }
            }
          }
          return {
            stepId,
            found: !!env.resolve(find).element,
            holds: !!done && completionHolds(done, env.resolve, env.url, memory),
          };
        });
        const json = JSON.stringify(steps);
        if (sent.get(aidKey) !== json) reports.steps(aidKey, steps);
        sent.set(aidKey, json);
      }
    },
    leave: () => null,
    views: () => ({}),
    // Never visible, so never asked for: the popup lists aids only.
    status: () => ({}) as AidStatus,
    targets: () => [],
    dispose: gone,
  };
}
