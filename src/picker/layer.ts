/**
 * The picker's own layer on the page: one <inflow-picker> element with an open shadow root,
 * promoted to the top layer (popover) and styled inline with !important, like the overlay's
 * host, so neither z-index nor hostile page CSS can hide or restyle it. It never takes the
 * pointer: every event reaches the page's elements, where the picker reads it.
 */

export const PICKER_TAG = 'inflow-picker';

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
]
  .map((d) => `${d} !important;`)
  .join(' ');

const CSS = `
:host { all: initial; }
* { box-sizing: border-box; pointer-events: none; }
.box {
  position: fixed; display: none; border: 2px solid #1a56db; border-radius: 3px;
  background: rgba(26, 86, 219, 0.12);
  box-shadow: 0 0 0 1px #fff, 0 0 0 4px rgba(26, 86, 219, 0.25);
  transition: top 60ms, left 60ms, width 60ms, height 60ms;
}
.box.found { border-color: #0e7a3e; background: rgba(14, 122, 62, 0.14);
  box-shadow: 0 0 0 1px #fff, 0 0 0 4px rgba(14, 122, 62, 0.3); }
.tag {
  position: fixed; display: none; max-width: min(480px, calc(100vw - 16px));
  padding: 4px 8px; border-radius: 4px; background: #111827; color: #fff;
  font: 600 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.35);
}
.banner {
  position: fixed; top: 12px; left: 50%; transform: translateX(-50%);
  padding: 8px 16px; border-radius: 6px; background: #1a56db; color: #fff;
  font: 600 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  box-shadow: 0 4px 14px rgba(0, 0, 0, 0.3); white-space: nowrap;
}
.banner.low { top: auto; bottom: 12px; }
@media (prefers-reduced-motion: reduce) { .box { transition: none; } }
@media (forced-colors: active) {
  .box { border-color: Highlight; background: transparent; }
  .tag, .banner { border: 1px solid CanvasText; }
}
`;

export interface PickerLayer {
  host: HTMLElement;
  /** Frames `el` and shows `label` beside it; null hides the frame. */
  frame(el: Element | null, label?: string): void;
  /** Shows or hides the instruction banner. */
  banner(text: string | null): void;
  remove(): void;
}

/** Creates the layer and puts it in the top layer. */
export function createLayer(doc: Document = document, found = false): PickerLayer {
  const host = doc.createElement(PICKER_TAG);
  host.setAttribute('style', HOST_STYLE);
  const popover = typeof host.showPopover === 'function';
  if (popover) host.setAttribute('popover', 'manual');
  const shadow = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = CSS;
  const box = doc.createElement('div');
  box.className = found ? 'box found' : 'box';
  const tag = doc.createElement('div');
  tag.className = 'tag';
  const banner = doc.createElement('div');
  banner.className = 'banner';
  banner.setAttribute('role', 'status');
  banner.hidden = true;
  shadow.append(style, box, tag, banner);
  doc.documentElement.append(host);
  if (popover) {
    try {
      host.showPopover();
    } catch {
      // Still shown with the highest z-index.
    }
  }

  const frame = (el: Element | null, label?: string) => {
    const rect = el?.isConnected ? el.getBoundingClientRect() : null;
    if (!rect || (rect.width === 0 && rect.height === 0)) {
      box.style.display = 'none';
      tag.style.display = 'none';
      return;
    }
    const view = doc.documentElement;
    // The banner gets out of the way of what the author points at.
    if (!banner.hidden) {
      const h = banner.offsetHeight + 20;
      const nearTop = rect.top < h;
      const nearBottom = rect.bottom > view.clientHeight - h;
      if (nearTop !== nearBottom) banner.classList.toggle('low', nearTop);
    }
    Object.assign(box.style, {
      display: 'block',
      top: `${rect.top - 2}px`,
      left: `${rect.left - 2}px`,
      width: `${rect.width + 4}px`,
      height: `${rect.height + 4}px`,
    });
    if (!label) {
      tag.style.display = 'none';
      return;
    }
    tag.textContent = label;
    tag.style.display = 'block';
    // Above the frame when there is room, else below it; always inside the viewport.
    const height = tag.offsetHeight || 24;
    const width = tag.offsetWidth || 200;
    const above = rect.top - height - 6;
    const below = rect.bottom + 6;
    const top = above >= 4 ? above : Math.min(below, view.clientHeight - height - 4);
    const left = Math.max(4, Math.min(rect.left, view.clientWidth - width - 4));
    tag.style.top = `${Math.max(4, top)}px`;
    tag.style.left = `${left}px`;
  };

  return {
    host,
    frame,
    banner(text) {
      banner.hidden = text === null;
      banner.textContent = text ?? '';
    },
    remove: () => host.remove(),
  };
}
