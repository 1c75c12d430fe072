/**
 * The element picker, injected into an app's page on demand. While it runs, a frame follows
 * the element under the pointer (inside open shadow roots too) with a line saying what would
 * be captured; a click captures that element and the page never sees the click; Escape
 * cancels. The frame also follows the keyboard focus, and Enter captures the framed element.
 * Afterwards nothing of it stays in the page.
 */
import { resolveTarget } from '../aids/target';
import type { PickerApi, RawCheck, RawPick } from './api';
import { captureTarget, describeElement, type TargetDescription } from './capture';
import { createLayer, PICKER_TAG, type PickerLayer } from './layer';

export const BANNER = 'Click the element to capture. Esc to cancel.';

/** How long check() keeps the found element framed. */
export const FLASH_MS = 2000;

/** The overlay's own host: its UI is not part of the app. */
const OURS = new Set([PICKER_TAG, 'inflow-overlay']);

const quote = (s: string) => `“${s}”`;

/** "textbox “Account number” · label “Account number”", for the frame's label. */
export function summarize(d: TargetDescription): string {
  const what = d.role ?? `<${d.tag}>`;
  const parts = [d.name ? `${what} ${quote(d.name)}` : what];
  if (d.label) parts.push(`label ${quote(d.label)}`);
  return parts.join(' · ');
}

/** The app element an event is about: the innermost one, inside open shadow roots too. */
function pageElementOf(event: Event): Element | null {
  const path = event.composedPath();
  if (path.some((n) => n instanceof Element && OURS.has(n.localName))) return null;
  const first = path.find((n): n is Element => n instanceof Element);
  return first ?? null;
}

/** Events of a click that the page must not see while picking. */
const SWALLOWED = ['pointerdown', 'pointerup', 'mousedown', 'mouseup', 'dblclick', 'auxclick'];

/** Resolves to the captured element's target, or null when cancelled. */
function runPick(doc: Document, signal: AbortSignal): Promise<RawPick | null> {
  return new Promise((resolve) => {
    const win = doc.defaultView ?? window;
    const layer = createLayer(doc);
    layer.banner(BANNER);
    const stop = new AbortController();
    const on = { capture: true, signal: stop.signal } as const;
    let hovered: Element | null = null;
    let label = '';
    let frameRequest = 0;

    const finish = (result: RawPick | null) => {
      stop.abort();
      cancelAnimationFrame(frameRequest);
      layer.remove();
      resolve(result);
    };

    const redraw = () => {
      frameRequest = 0;
      layer.frame(hovered, label);
    };
    const schedule = () => {
      if (!frameRequest) frameRequest = requestAnimationFrame(redraw);
    };

    const hover = (event: Event) => {
      const el = pageElementOf(event);
      if (el === hovered) return;
      hovered = el;
      label = el ? summarize(describeElement(el)) : '';
      schedule();
    };

    const capture = (el: Element) => {
      try {
        finish({ ...captureTarget(el), url: doc.location.href });
      } catch (e) {
        // A page the picker cannot read must not leave it running with clicks swallowed.
        console.warn('[inflow] could not capture the element', e);
        finish(null);
      }
    };

    const swallow = (event: Event) => {
      event.preventDefault();
      event.stopImmediatePropagation();
    };

    win.addEventListener('pointermove', hover, on);
    win.addEventListener('pointerover', hover, on);
    win.addEventListener('scroll', schedule, { capture: true, passive: true, signal: stop.signal });
    win.addEventListener('resize', schedule, { signal: stop.signal });
    for (const type of SWALLOWED) win.addEventListener(type, swallow, on);
    win.addEventListener(
      'click',
      (event) => {
        swallow(event);
        const el = pageElementOf(event);
        if (el) capture(el);
      },
      on,
    );
    // Without a pointer: the frame follows the focus (Tab), and Enter captures.
    win.addEventListener('focusin', hover, on);
    win.addEventListener(
      'keydown',
      (event) => {
        if (event.key === 'Escape') {
          swallow(event);
          finish(null);
        } else if (event.key === 'Enter' && hovered) {
          swallow(event);
          capture(hovered);
        }
      },
      on,
    );
    // The author went elsewhere (another tab, another page): nothing was picked.
    doc.addEventListener(
      'visibilitychange',
      () => {
        if (doc.visibilityState === 'hidden') finish(null);
      },
      { signal: stop.signal },
    );
    win.addEventListener('pagehide', () => finish(null), { signal: stop.signal });
    signal.addEventListener('abort', () => finish(null), { signal: stop.signal });
  });
}

/** Frames `el` for FLASH_MS, then removes every trace. */
function flash(doc: Document, el: Element, label: string): Promise<void> {
  const layer: PickerLayer = createLayer(doc, true);
  el.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  layer.frame(el, label);
  return new Promise((done) =>
    setTimeout(() => {
      layer.remove();
      done();
    }, FLASH_MS),
  );
}

/** The picker's functions for this document. One pick at a time: a new one ends the last. */
export function createPicker(doc: Document = document): PickerApi {
  let current: AbortController | null = null;
  return {
    pick() {
      current?.abort();
      const mine = new AbortController();
      current = mine;
      return runPick(doc, mine.signal).finally(() => {
        if (current === mine) current = null;
      });
    },
    async check(target) {
      const r = resolveTarget(target, doc);
      const result: RawCheck = {
        found: r.element !== null,
        foundBy: r.foundBy,
        failed: r.failed,
        ambiguous: r.ambiguous,
      };
      if (!r.element) return result;
      const description = describeElement(r.element);
      await flash(doc, r.element, summarize(description));
      return { ...result, description };
    },
  };
}

/** Installs the picker once per isolated world: injecting the script again reuses it. */
export function installPicker(): PickerApi {
  globalThis.__inflowPicker ??= createPicker();
  return globalThis.__inflowPicker;
}
