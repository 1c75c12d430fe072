/**
 * The one interface every aid kind implements on the page. A kind module turns an active aid
 * into a controller; the session drives all controllers the same way: `update` on each DOM
 * batch, `leave` before the URL changes, `view` when rendering, `dispose` on teardown.
 */
import type { VNode } from 'preact';
import type { Aid, Target } from '../../aids/schema';
import type { Resolution } from '../../aids/target';
import type { RuleProblem } from '../../aids/values';
import type { ActiveAid, AidStatus, EventInput, FrameStepState } from '../../protocol/messages';
import type { PageChange } from '../dom-watch';
import type { FrameReports, Watched } from '../frame-plan';

/** What a session offers its controllers. */
export interface SessionEnv {
  /** The page URL this session is for. */
  readonly url: string;
  readonly signal: AbortSignal;
  /** True once the page had time to render: a target still absent then is missing. */
  readonly settled: boolean;
  /** True when the page was reloaded (progress is kept as it is). */
  readonly reloaded: boolean;
  /**
   * Resolves a target; results are cached for the current pass. A target in an iframe is
   * never searched here: it resolves to no element (its frame reports it, see frameStep).
   */
  resolve(target: Target): Resolution;
  /** The latest state that a sub-frame reported for a step addressed to a frame, if any. */
  frameStep?(aidKey: string, stepId: string): FrameStepState | undefined;
  /**
   * Reports what resolving an aid's target found: target_missing when `missing` (once per
   * aid and step in this session), target_healed when it was found without its selector,
   * and rule_unworkable with what `unworkable` says (asked once the page settled and the
   * target was found, until it says something).
   */
  reportTarget(
    aidKey: string,
    stepId: string | undefined,
    target: Target,
    r: Resolution,
    missing: boolean,
    unworkable?: () => RuleProblem | null,
  ): void;
  /** Records an event (url and time are added). */
  record(event: Omit<EventInput, 'url' | 'at'>): void;
  /** Says something politely to screen readers. */
  announce(text: string): void;
  /** Asks for a re-render. */
  render(): void;
  /** Forgets stored progress for an aid. */
  resetProgress(aidKey: string): void;
  /** The person left the aid's pages with its run unfinished (not sent for a preview). */
  leaveRun(aidKey: string): void;
  /** The overlay's host element (to ignore our own clicks and focus). */
  host(): Element | null;
}

/** Where a controller's view goes: the checklist panel, or the floating layer over the page. */
export interface Views {
  panel?: VNode | null;
  float?: VNode | null;
}

export interface AidController {
  readonly key: string;
  /** Shown to the person right now (conditions hold, not dismissed). */
  readonly visible: boolean;
  update(change: PageChange): void;
  /** A click, as it happens (the page may remove what was clicked before the next pass). */
  click?(event: Event): void;
  /** The page is going to `url` ('' when unknown); complete what that navigation completes.
   *  `unloading`: the page itself goes away (pagehide), so only one message gets out.
   *  Returns a note for the person if this finished something they would otherwise not see
   *  finish. */
  leave(url: string, unloading?: boolean): string | null;
  views(): Views;
  status(): AidStatus;
  /**
   * The person asked for this aid from the help panel: show it and take focus there (start
   * a walkthrough, open a tip, expand a checklist). False when it cannot be shown on this
   * page now (its target or conditions do not hold).
   */
  reveal?(): boolean;
  /** Page elements this aid points at (found targets), which the panel should not cover. */
  targets(): Element[];
  dispose(): void;
}

/**
 * One aid kind, as its chunk registers it (./slot.ts). The content script's core holds none:
 * each kind is its own chunk, loaded only in frames that have an aid of that kind (./index.ts).
 */
export interface AidKindModule<A extends Aid = Aid> {
  kind: A['kind'];
  create(active: ActiveAid & { aid: A }, env: SessionEnv): AidController;
  /** The kind's stylesheets, added to the overlay's shadow root after the core's. */
  styles?: readonly string[];
  /**
   * A kind whose top-frame controller needs states from sub-frames (checklists): the
   * controller a sub-frame runs for what the top page's aids of this kind address to it.
   */
  frameAgent?(
    watched: Map<string, Watched[]>,
    env: SessionEnv,
    reports: FrameReports,
  ): AidController;
}
