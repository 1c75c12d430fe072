/**
 * The overlay's part in a sub-frame. The top page's aids may address targets to an iframe
 * (`target.frame`); the frame they name runs:
 *
 * - tips whose target is in it, shown by its own overlay next to the element;
 * - a FrameAgent for checklist steps whose element or completion rule is in it: it finds
 *   them, evaluates the rule, and sends the steps' states to the top frame's checklist
 *   (through the background) when they change. It records no step event: the top frame's
 *   checklist records each one once.
 *
 * Only the innermost frame is named; a frame checks `frame.css` against its own <iframe>
 * element (readable for same-origin, about:blank and srcdoc frames, null cross-origin).
 */
import { type CompletionMemory, completionHolds } from '../aids/conditions';
import type { Aid, Completion, FrameRef, Step, Target, TipAid } from '../aids/schema';
import { testUrlPattern } from '../aids/url-match';
import type { ActiveAid, FrameStepState } from '../protocol/messages';
import type { PageChange } from './dom-watch';
import type { AidController, SessionEnv } from './kinds/types';

/**
 * True if `ref` names this frame: its page URL matches `ref.url` and its <iframe> element
 * matches `ref.css` (both when both are given). A cross-origin frame cannot see its element,
 * so a `css` never names it.
 */
export function isThisFrame(
  ref: FrameRef,
  url: string = location.href,
  frameElement: Element | null = window.frameElement,
): boolean {
  if (ref.url && !testUrlPattern(ref.url, url)) return false;
  if (ref.css) {
    try {
      if (!frameElement?.matches(ref.css)) return false;
    } catch {
      return false; // An invalid selector names no frame.
    }
  }
  return true;
}

export type Here = (ref: FrameRef) => boolean;

/** `target` without its frame signal when it names this frame; null otherwise. */
export function targetHere(target: Target | undefined, here: Here): Target | null {
  if (!target?.frame || !here(target.frame)) return null;
  const { frame: _frame, ...local } = target;
  return local as Target;
}

/** True if some target of the aid is in an iframe. */
export function addressesFrames(aid: Aid): boolean {
  if (aid.kind === 'tip' && aid.target.frame) return true;
  if ((aid.match.when ?? []).some((c) => c.target.frame)) return true;
  return (
    aid.kind === 'checklist' &&
    aid.steps.some((s) => s.target?.frame || (s.done && 'target' in s.done && s.done.target.frame))
  );
}

/**
 * The top page's tips whose target is in this frame, rewritten to run here: the target
 * without its frame, and only the conditions on this frame (the top page's are not visible
 * from here).
 */
export function tipsHere(aids: readonly ActiveAid[], here: Here): ActiveAid[] {
  const out: ActiveAid[] = [];
  for (const active of aids) {
    if (active.aid.kind !== 'tip') continue;
    const target = targetHere(active.aid.target, here);
    if (!target) continue;
    const when = (active.aid.match.when ?? []).flatMap((c) => {
      const t = targetHere(c.target, here);
      return t ? [{ ...c, target: t }] : [];
    });
    const aid: TipAid = { ...active.aid, target, match: { ...active.aid.match, when } };
    out.push({ ...active, aid });
  }
  return out;
}

/** One checklist step that this frame watches. */
interface Watched {
  stepId: string;
  /** What says whether the step's element is here (its target, else its rule's). */
  find: Target;
  /** The completion rule, when its target is in this frame. */
  done: Exclude<Completion, { type: 'url' }> | null;
  memory: CompletionMemory;
}

function doneHere(step: Step, here: Here): Watched['done'] {
  if (!step.done || !('target' in step.done)) return null;
  const target = targetHere(step.done.target, here);
  return target ? { ...step.done, target } : null;
}

/**
 * The checklist steps of the top page's aids that are (in part) in this frame, by aid key.
 * Empty when this frame has none: then it reports nothing.
 */
export function watchedSteps(aids: readonly ActiveAid[], here: Here): Map<string, Watched[]> {
  const byAid = new Map<string, Watched[]>();
  for (const { key, aid } of aids) {
    if (aid.kind !== 'checklist') continue;
    const steps: Watched[] = [];
    for (const step of aid.steps) {
      const done = doneHere(step, here);
      const find = targetHere(step.target, here) ?? done?.target;
      if (find)
        steps.push({ stepId: step.id, find, done, memory: { clicked: false, seen: false } });
    }
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
 * Watches the steps of `watchedSteps` on each pass of the frame's session and reports each
 * aid's step states when they differ from what was last sent. Not an aid: it shows nothing
 * and is never visible.
 */
export class FrameAgent implements AidController {
  readonly key = 'inflow:frame-agent';
  readonly visible = false;
  /** Aid key -> the states last sent, as JSON. */
  private readonly sent = new Map<string, string>();
  private latest = new Map<string, FrameStepState[]>();

  constructor(
    private readonly watched: Map<string, Watched[]>,
    private readonly env: SessionEnv,
    private readonly reports: FrameReports,
  ) {
    const { signal } = env;
    // Leaving (or entering the back/forward cache): the top frame must not keep our states.
    window.addEventListener('pagehide', () => this.gone(), { signal });
    window.addEventListener(
      'pageshow',
      (e) => {
        if (e.persisted) this.send(this.latest);
      },
      { signal },
    );
  }

  update(change: PageChange): void {
    const { env } = this;
    const now = new Map<string, FrameStepState[]>();
    for (const [aidKey, steps] of this.watched) {
      now.set(
        aidKey,
        steps.map((w) => {
          const found = env.resolve(w.find).element !== null;
          if (w.done?.type === 'clicked') {
            const el = env.resolve(w.done.target).element;
            const hit = change.events.some(
              (e) => e.type === 'click' && e.target instanceof Node && !!el?.contains(e.target),
            );
            if (hit) w.memory.clicked = true;
          }
          const holds = !!w.done && completionHolds(w.done, env.resolve, env.url, w.memory);
          return { stepId: w.stepId, found, holds };
        }),
      );
    }
    this.latest = now;
    this.send(now);
  }

  /** Sends the aids whose states differ from what was last sent. */
  private send(states: Map<string, FrameStepState[]>): void {
    for (const [aidKey, steps] of states) {
      const json = JSON.stringify(steps);
      if (this.sent.get(aidKey) === json) continue;
      this.sent.set(aidKey, json);
      this.reports.steps(aidKey, steps);
    }
  }

  private gone(): void {
    if (!this.sent.size) return;
    this.sent.clear();
    this.reports.gone();
  }

  leave(): null {
    return null;
  }

  views() {
    return {};
  }

  status() {
    return { key: this.key, title: '', kind: 'frame', done: 0, skipped: 0, total: 0, missing: 0 };
  }

  targets(): Element[] {
    return [];
  }

  /** The session ends (the frame navigates or the top frame asked to start over). */
  dispose(): void {
    this.gone();
  }
}
