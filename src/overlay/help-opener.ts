/**
 * The help panel's side in the core: its shortcut (in the top frame) and the panel's Help
 * button open it, loading its chunk (./help/) the first time. The chunk lists every aid of
 * the app and shows one on this page through `reveal` (PageSession.reveal).
 */
import { askBackground } from '../protocol/client';
import { shortcutOf } from '../protocol/shortcut';
import { registeredHelp } from './kinds/slot';
import type { Ui } from './ui';

export interface HelpOpener {
  /** The shortcut from the latest page lookup ("Alt+Shift+H"); '' for none. */
  shortcut: string;
  show(): void;
}

/** The focused element, inside shadow roots too. */
function deepFocus(): Element | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

export function createHelpOpener(
  ui: Ui,
  reveal: (key: string) => boolean,
  signal: AbortSignal,
): HelpOpener {
  let opened = 0;
  let before: Element | null = null;
  let loading: Promise<unknown> | undefined;
  const close = (refocus: boolean) => {
    ui.help(null);
    if (refocus) (before as HTMLElement | null)?.focus?.();
    before = null;
  };
  const opener: HelpOpener = {
    shortcut: '',
    show() {
      before ??= deepFocus();
      loading ??= askBackground({ type: 'page.loadChunk', chunk: 'help' }).catch((e) => {
        loading = undefined;
        console.warn('[inflow] could not load the help panel', e);
      });
      void loading.then(() => {
        const help = registeredHelp();
        if (!help) return;
        ui.addStyles(help.styles);
        const n = ++opened;
        const { shortcut } = opener;
        ui.help(() => help.view({ shortcut, url: location.href, opened: n, reveal, close }));
      });
    },
  };
  // Only a person's key press (a page's script cannot open it), before the page sees it.
  window.addEventListener(
    'keydown',
    (e) => {
      if (!e.isTrusted || !opener.shortcut || shortcutOf(e) !== opener.shortcut) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      opener.show();
    },
    { capture: true, signal },
  );
  return opener;
}
