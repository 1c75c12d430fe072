/**
 * The element picker, injected into an app's page (and every frame in it) on demand. While
 * it runs, a frame follows the element under the pointer (inside open and closed shadow roots
 * too) with a line saying what would be captured; a click captures that element and the page
 * never sees the click; Escape cancels. The frame also follows the keyboard focus, and Enter
 * captures the framed element. Afterwards nothing of it stays in the page.
 */
import { innerField } from '../aids/composed';
import type { Completion, Target } from '../aids/schema';
import { resolveTarget } from '../aids/target';
import { ruleProblem } from '../aids/values';
import { HOST_TAG, stepAside } from '../overlay/aside';
import type { PickerApi, PickOptions, RawCheck, RawEnd, RawPick } from './api';
import { captureTarget, describeElement, type TargetDescription } from './capture';
import { controlOf, elementAt, focusedIn } from './composed';
import { frameRefOf, isFrame } from './frame';
import { createLayer, PICKER_TAG, type PickerLayer } from './layer';

export const BANNER = 'Click the element to capture. Esc to cancel.';

/** The top frame's banner when the author points at or clicks into a frame it cannot read. */
export const CLOSED_FRAME =
  'Inflow cannot pick inside this frame: the browser does not let extensions into it. ' +
  'Click outside it to go on, or Esc to cancel.';

/** When the frame the element is in cannot be named: no address, no stable <iframe>. */
export const UNNAMED_FRAME =
  'This element is in a frame that has no address of its own and no title, name or id on ' +
  'its <iframe>: give the <iframe> a title in the app so the target can say which frame.';

/** How long check() keeps the found element framed. */
export const FLASH_MS = 2000;

/** The overlay's own host: its UI is not part of the app. */
const OURS = new Set([PICKER_TAG, HOST_TAG]);

const FRAMES = new Set(['iframe', 'frame']);

const quote = (s: string) => `“${s}”`;

/** "textbox “Account number” · label “Account number”", for the frame's label. */
export function summarize(d: TargetDescription): string {
  const what = d.role ?? `<${d.tag}>`;
  const parts = [d.name ? `${what} ${quote(d.name)}` : what];
  if (d.label) parts.push(`label ${quote(d.label)}`);
  return parts.join(' · ');
}

/**
 * The app element an event is about: the innermost one, inside open shadow roots (from the
 * event's path) and closed ones (composedPath stops at their host: the picker goes down with
 * the pointer's position, or to the element that has the focus).
 */
function pageElementOf(event: Event): Element | null {
  const path = event.composedPath();
  if (path.some((n) => n instanceof Element && OURS.has(n.localName))) return null;
  const first = path.find((n): n is Element => n instanceof Element);
  if (!first) return null;
  if (event instanceof MouseEvent) return controlOf(elementAt(first, event.clientX, event.clientY));
  if (event.type === 'focusin') return focusedIn(first);
  return first;
}

/** The frame id of an <iframe>, as the extension knows it; undefined where it cannot say. */
function frameIdOf(iframe: Element): number | undefined {
  type Runtime = { getFrameId?: (target: Element) => number };
  const g = globalThis as { chrome?: { runtime?: Runtime }; browser?: { runtime?: Runtime } };
  const get = g.chrome?.runtime?.getFrameId ?? g.browser?.runtime?.getFrameId;
  if (typeof get !== 'function') return undefined;
  try {
    const id = get(iframe);
    return id >= 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Events of a click that the page must not see while picking. */
const SWALLOWED = ['pointerdown', 'pointerup', 'mousedown', 'mouseup', 'dblclick', 'auxclick'];

/** Resolves to the captured element's target, or to how the pick ended. */
function runPick(
  doc: Document,
  signal: AbortSignal,
  options: PickOptions,
): Promise<RawPick | RawEnd> {
  return new Promise((resolve) => {
    const win = doc.defaultView ?? window;
    const layer = createLayer(doc);
    // Inflow's own panels could sit over the field the author wants: they step aside.
    const back = stepAside(doc);
    const showBanner = options.banner !== false;
    if (showBanner) layer.banner(BANNER);
    const pickable = options.frames ? new Set(options.frames) : null;
    const stop = new AbortController();
    const on = { capture: true, signal: stop.signal } as const;
    let hovered: Element | null = null;
    let label = '';
    let frameRequest = 0;

    const finish = (result: RawPick | RawEnd) => {
      stop.abort();
      cancelAnimationFrame(frameRequest);
      layer.remove();
      back();
      resolve(result);
    };

    const redraw = () => {
      frameRequest = 0;
      layer.frame(hovered, label);
    };
    const schedule = () => {
      if (!frameRequest) frameRequest = requestAnimationFrame(redraw);
    };

    /** True for an <iframe> whose page the picker does not run in. */
    const closedFrame = (el: Element | null) => {
      if (!el || !pickable || !FRAMES.has(el.localName)) return false;
      const id = frameIdOf(el);
      return id === undefined || !pickable.has(id);
    };

    const show = (el: Element | null) => {
      // An <iframe> the picker runs in draws its own frame around what is under the pointer.
      const inner = el && FRAMES.has(el.localName) && !closedFrame(el);
      hovered = inner ? null : el;
      label = !hovered
        ? ''
        : closedFrame(hovered)
          ? 'Cannot pick inside this frame'
          : summarize(describeElement(hovered));
      if (showBanner) layer.banner(closedFrame(el) ? CLOSED_FRAME : BANNER);
      schedule();
    };

    const hover = (event: Event) => {
      const el = pageElementOf(event);
      if (el !== hovered) show(el);
    };

    const capture = (el: Element) => {
      try {
        const { target, description, problem } = captureTarget(el);
        const frame = frameRefOf(win);
        const framed: Target = frame ? { ...target, frame } : target;
        const why = frame === null ? UNNAMED_FRAME : problem;
        finish({
          target: framed,
          description,
          url: doc.location.href,
          ...(why ? { problem: why } : {}),
        });
      } catch (e) {
        // A page the picker cannot read must not leave it running with clicks swallowed.
        console.warn('[inflow] could not capture the element', e);
        finish({ ended: 'left' });
      }
    };

    const swallow = (event: Event) => {
      event.preventDefault();
      event.stopImmediatePropagation();
    };

    win.addEventListener('pointermove', hover, on);
    win.addEventListener('pointerover', hover, on);
    // The pointer left this document (into a frame, or out of the window): nothing framed here.
    win.addEventListener(
      'pointerout',
      (event) => {
        if (!(event as PointerEvent).relatedTarget && hovered) show(null);
      },
      on,
    );
    win.addEventListener('scroll', schedule, { capture: true, passive: true, signal: stop.signal });
    win.addEventListener('resize', schedule, { signal: stop.signal });
    for (const type of SWALLOWED) win.addEventListener(type, swallow, on);
    win.addEventListener(
      'click',
      (event) => {
        swallow(event);
        const el = pageElementOf(event);
        if (el && !closedFrame(el)) capture(el);
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
          finish({ ended: 'escape' });
        } else if (event.key === 'Enter' && hovered && !closedFrame(hovered)) {
          swallow(event);
          capture(hovered);
        }
      },
      on,
    );
    // A click into a frame the picker cannot run in moves the focus there: say so.
    win.addEventListener(
      'blur',
      () => {
        if (showBanner && closedFrame(doc.activeElement)) layer.banner(CLOSED_FRAME);
      },
      { signal: stop.signal },
    );
    // The author went elsewhere (another tab, another page): nothing was picked.
    doc.addEventListener(
      'visibilitychange',
      () => {
        if (doc.visibilityState === 'hidden') finish({ ended: 'left' });
      },
      { signal: stop.signal },
    );
    win.addEventListener('pagehide', () => finish({ ended: 'left' }), { signal: stop.signal });
    signal.addEventListener('abort', () => finish({ ended: 'cancelled' }), {
      signal: stop.signal,
    });
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

/** What a person sees as the element found: the field a component wraps, else the element. */
const seenAs = (el: Element) => innerField(el) ?? el;

/** The picker's functions for this document. One pick at a time: a new one ends the last. */
export function createPicker(doc: Document = document): PickerApi {
  let current: AbortController | null = null;
  return {
    pick(options = {}) {
      current?.abort();
      const mine = new AbortController();
      current = mine;
      return runPick(doc, mine.signal, options).finally(() => {
        if (current === mine) current = null;
      });
    },
    cancel() {
      current?.abort();
    },
    async check(target: Target, rule?: Completion) {
      const r = resolveTarget(target, doc);
      const result: RawCheck = {
        found: r.element !== null,
        foundBy: r.foundBy,
        failed: r.failed,
        ambiguous: r.ambiguous,
      };
      if (!r.element) return result;
      const description = describeElement(seenAs(r.element));
      const problem = rule ? ruleProblem(rule, r.element) : null;
      await flash(doc, r.element, summarize(description));
      return { ...result, description, ...(problem ? { ruleProblem: problem } : {}) };
    },
    isFrame(frame) {
      return isFrame(frame, doc.defaultView ?? window);
    },
  };
}

/** Installs the picker once per isolated world: injecting the script again reuses it. */
export function installPicker(): PickerApi {
  globalThis.__inflowPicker ??= createPicker();
  return globalThis.__inflowPicker;
}
