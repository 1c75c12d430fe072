/**
 * What the picker script leaves on the isolated world's global object for the options page
 * to call through scripting.executeScript, in every frame of the tab it was injected into.
 * Types only: the options page validates every answer with zod, because it crosses from the
 * page's context.
 */
import type { Completion, FrameRef, Target } from '../aids/schema';
import type { RuleProblem } from '../aids/values';
import type { TargetDescription } from './capture';

/** The picker's answer to pick() when the author captured an element. */
export interface RawPick {
  target: Target;
  description: TargetDescription;
  /** The address of the page the element is on (the options page reports the top page's). */
  url: string;
  /** Why no stable description finds only this element, when none does. */
  problem?: string;
}

/**
 * How a pick ended without a capture in this frame: the author pressed Escape, the page went
 * away (hidden, unloaded), or the options page cancelled it (another frame captured).
 */
export interface RawEnd {
  ended: 'escape' | 'left' | 'cancelled';
}

export interface PickOptions {
  /** Show the instructions (the top frame does; frames inside it do not). */
  banner?: boolean;
  /**
   * The ids of the frames the picker runs in. The top frame tells the author when the
   * pointer or a click goes into any other frame: it cannot pick there.
   */
  frames?: number[];
}

/** The picker's answer to check(), before validation. */
export interface RawCheck {
  found: boolean;
  foundBy: string | null;
  failed: string[];
  ambiguous: boolean;
  description?: TargetDescription;
  /** Why the completion rule passed to check() can never hold on the element found. */
  ruleProblem?: RuleProblem;
}

export interface PickerApi {
  /** Lets the author pick an element in this frame. */
  pick(options?: PickOptions): Promise<RawPick | RawEnd>;
  /** Ends a pick that is running, as `{ ended: 'cancelled' }`; nothing when none is. */
  cancel(): void;
  /**
   * Resolves a target, frames what it found for a moment, and says how it was found; with
   * `rule`, whether that completion rule can ever hold on the element found.
   */
  check(target: Target, rule?: Completion): Promise<RawCheck>;
  /** True when this frame is the one `frame` names. */
  isFrame(frame: FrameRef): boolean;
}

declare global {
  /** Set by picker.js in the isolated world; the options page calls it by this name. */
  var __inflowPicker: PickerApi | undefined;
}
