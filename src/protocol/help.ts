/**
 * The help panel's list: every aid of the app the person is on (the aids whose URL patterns
 * name the page's host), as the background reads them from its store (message `help.list`),
 * so the list works offline. Field checks are not listed: there is nothing to start.
 */
import type { AidKind } from '../aids/schema';

export type HelpKind = Exclude<AidKind, 'checks'>;

export interface HelpEntry {
  key: string;
  kind: HelpKind;
  title: string;
  /** The aid's texts as plain text: its description and steps, or the tip's text. */
  texts: string[];
  keywords: string[];
  /** The aid's URL patterns match this page (its `when` conditions are the page's to judge). */
  here: boolean;
}

export interface HelpList {
  /** Inflow is paused on this site: nothing is listed. */
  paused: boolean;
  entries: HelpEntry[];
}
