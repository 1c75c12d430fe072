/**
 * What the picker script leaves on the isolated world's global object for the options page
 * to call through scripting.executeScript. Types only: the options page validates every
 * answer with zod, because it crosses from the page's context.
 */
import type { Target } from '../aids/schema';
import type { TargetDescription } from './capture';

/** The picker's answer to pick(), before validation. */
export interface RawPick {
  target: Target;
  description: TargetDescription;
  /** The page's address (the options page strips query and hash). */
  url: string;
}

/** The picker's answer to check(), before validation. */
export interface RawCheck {
  found: boolean;
  foundBy: string | null;
  failed: string[];
  ambiguous: boolean;
  description?: TargetDescription;
}

export interface PickerApi {
  /** Lets the author pick an element; null when they pressed Escape or left the page. */
  pick(): Promise<RawPick | null>;
  /** Resolves a target, frames what it found for a moment, and says how it was found. */
  check(target: Target): Promise<RawCheck>;
}

declare global {
  /** Set by picker.js in the isolated world; the options page calls it by this name. */
  var __inflowPicker: PickerApi | undefined;
}
