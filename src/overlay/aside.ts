/**
 * While an author picks an element (src/picker), the overlay's panels step aside in that
 * frame: a checklist drawn over the field the author points at would otherwise take the
 * click, and the picker does not pick Inflow's own UI.
 *
 * The picker and the overlay are separate scripts, but both run in the extension's isolated
 * world of the frame, which has one global object: the state is kept there, under a symbol
 * that the page's own scripts (another world) cannot reach. No imports: the picker's bundle
 * takes this module without the overlay.
 */

/** The overlay host's tag (src/overlay/host.ts). */
export const HOST_TAG = 'inflow-overlay';

const KEY = Symbol.for('inflow.aside');

type Holder = { [KEY]?: number };

/** True while a pick runs in this frame. */
export function isAside(): boolean {
  return !!(globalThis as Holder)[KEY];
}

/** Hides (or shows again) one overlay host; its inline style is !important, so is this. */
export function applyAside(host: HTMLElement, aside = isAside()): void {
  host.style.setProperty('display', aside ? 'none' : 'block', 'important');
}

/**
 * Steps the overlay's hosts in `doc` aside until the returned function is called. Hosts the
 * overlay creates meanwhile start hidden (createHost asks `isAside`).
 */
export function stepAside(doc: Document): () => void {
  const g = globalThis as Holder;
  g[KEY] = (g[KEY] ?? 0) + 1;
  const each = (aside: boolean) => {
    for (const host of doc.querySelectorAll<HTMLElement>(HOST_TAG)) applyAside(host, aside);
  };
  each(true);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    g[KEY] = Math.max(0, (g[KEY] ?? 1) - 1);
    if (!isAside()) each(false);
  };
}
