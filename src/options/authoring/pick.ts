/**
 * "Pick on page" and "Check on page" from the editor: the picker script is injected into
 * the app's tab on demand (it is not part of the always-loaded overlay), and its answer is
 * validated before the editor uses it.
 */
import type { Target } from '../../aids/schema';

/** What the picker captured: the multi-signal target and what it saw, for the author. */
export interface PickResult {
  target: Target;
  /** What the element is, as a screen reader would say it, for the author to confirm. */
  description: { tag: string; role?: string; name?: string; label?: string };
  /** The page's URL without query and hash. */
  url: string;
}

/** How a target resolves on a live page now. */
export interface TargetCheck {
  found: boolean;
  foundBy?: string;
  failed: string[];
  ambiguous: boolean;
  /** "Found by label “Email”; the CSS selector no longer matches." */
  sentence: string;
}

/**
 * Brings tab `tabId` to the front, lets the author pick an element, and comes back to the
 * calling tab. Resolves to null when the author pressed Escape.
 */
export async function pickOnPage(_tabId: number): Promise<PickResult | null> {
  throw new Error('The element picker is not built yet.');
}

/** Resolves `target` in tab `tabId`, highlights what it found, and says how it found it. */
export async function checkOnPage(_tabId: number, _target: Target): Promise<TargetCheck> {
  throw new Error('Checking on the page is not built yet.');
}
