/**
 * The overlay's home in the page: one <inflow-overlay> element with an open shadow root,
 * promoted to the top layer (popover) so no page z-index can cover it, and styled inline
 * with !important so page CSS cannot restyle the host. Everything inside is ours.
 */
import { applyAside, HOST_TAG } from './aside';
import css from './styles.css?inline';

export { HOST_TAG };

const HOST_STYLE = [
  'all: initial',
  'position: fixed',
  'inset: 0',
  'width: 100vw',
  'height: 100vh',
  'max-width: none',
  'max-height: none',
  'margin: 0',
  'padding: 0',
  'border: 0',
  'background: transparent',
  'overflow: visible',
  'pointer-events: none',
  'z-index: 2147483647',
  'display: block',
  'transform: none',
  'filter: none',
  'opacity: 1',
  'visibility: visible',
  'contain: none',
  'font-size: 14px',
]
  .map((d) => `${d} !important;`)
  .join(' ');

export interface OverlayHost {
  element: HTMLElement;
  /** Where Preact renders. */
  container: HTMLElement;
  /** Adds a stylesheet after those already there (a kind's, once its chunk ran). */
  addStyle(css: string): void;
  /** Put the host back in the top layer if the page displaced it. */
  raise(): void;
  remove(): void;
}

/** Creates and attaches the overlay host. */
export function createHost(doc: Document = document): OverlayHost {
  const element = doc.createElement(HOST_TAG);
  element.setAttribute('style', HOST_STYLE);
  // While an author picks in this frame (src/picker), the panels wait until the pick ends.
  applyAside(element);
  const supportsPopover = typeof element.showPopover === 'function';
  if (supportsPopover) element.setAttribute('popover', 'manual');
  const shadow = element.attachShadow({ mode: 'open' });
  const container = doc.createElement('div');
  container.className = 'root';
  shadow.append(container);
  const addStyle = (text: string) => {
    const style = doc.createElement('style');
    style.textContent = text;
    shadow.insertBefore(style, container);
  };
  addStyle(css);
  doc.documentElement.append(element);
  const raise = () => {
    if (!supportsPopover || !element.isConnected) return;
    try {
      if (element.matches(':popover-open')) element.hidePopover();
      element.showPopover();
    } catch {
      // Not fatal: the z-index still applies.
    }
  };
  raise();
  return {
    element,
    container,
    addStyle,
    raise,
    remove: () => element.remove(),
  };
}
