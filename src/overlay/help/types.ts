/** What the core hands the help panel's chunk (./panel.tsx), and what the chunk gives back. */
import type { VNode } from 'preact';

export interface HelpProps {
  /** The shortcut that opens the panel ("Alt+Shift+H"), '' when none is set. */
  shortcut: string;
  /** The page's URL: the list is asked again when it changes. */
  url: string;
  /** Goes up by one each time the person opens the panel, even while it is open. */
  opened: number;
  /** Shows the aid `key` on this page (see AidController.reveal); false when it cannot. */
  reveal(key: string): boolean;
  /** Closes the panel; with `refocus`, focus goes back to where it was before it opened. */
  close(refocus: boolean): void;
}

export interface HelpModule {
  view(props: HelpProps): VNode;
  styles: readonly string[];
}
