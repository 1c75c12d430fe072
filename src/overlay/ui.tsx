/**
 * Renders all controllers' views into the overlay host: checklists in one panel (kept in a
 * corner away from the field in use), tips and highlights in the floating layer, and one polite
 * live region. The host is created on first use and removed when nothing is shown.
 */
import { render, type VNode } from 'preact';
import { askBackground } from '../protocol/client';
import { createHost, type OverlayHost } from './host';
import type { AidController } from './kinds/types';
import { byPerson } from './person';

export interface Ui {
  render(controllers: AidController[], announcement: string): void;
  /**
   * Keeps the panel off the focused control: `el` is what just took focus (the first entry of
   * the focus event's composed path, so a field in a shadow root counts); without it, checks
   * again the control already known (after a scroll).
   */
  avoid(el?: EventTarget): void;
  /** True while the control the panel avoids still has focus. */
  focused(): boolean;
  /** The person's stored choice of the compact panel (from the page lookup). */
  prefer(compact: boolean): void;
  /** Shows a short-lived note (e.g. a checklist finished as the page moved on). */
  notice(text: string): void;
  /**
   * Puts the panel in the corner where it covers fewest controls, counting `targets` most,
   * never over the focused control.
   */
  arrange(targets: Element[]): void;
  host(): HTMLElement | null;
  /** Adds stylesheets (a kind's, once its chunk ran), each once, for as long as the UI lives. */
  addStyles(styles: readonly string[]): void;
  /** Shows the help panel's view (./help-opener.ts), or closes it (null). */
  help(view: (() => VNode) | null): void;
  clear(): void;
}

/** What the panel's Help button does, and the shortcut it names. */
export interface HelpButton {
  show(): void;
  shortcut(): string;
}

function Overlay({
  controllers,
  announcement,
  at,
  compact,
  toggle,
  notice,
  floats,
  help,
  helpView,
}: {
  controllers: AidController[];
  announcement: string;
  at: number;
  compact: boolean;
  toggle: () => void;
  notice: string | null;
  floats: boolean;
  help: HelpButton;
  helpView: (() => VNode) | null;
}) {
  const views = controllers.map((c) => c.views());
  const panel = views.map((v) => v.panel).filter(Boolean);
  return (
    <>
      {floats && views.map((v) => v.float)}
      {panel.length > 0 && (
        <aside class={`panel at${at}${compact ? ' compact' : ''}`} aria-label="Inflow">
          <div class="panel-brand">
            <span aria-hidden="true">Inflow</span>
            <button type="button" class="link" aria-pressed={compact} onClick={byPerson(toggle)}>
              Compact view
            </button>
            <button
              type="button"
              class="link"
              aria-keyshortcuts={help.shortcut() || undefined}
              onClick={byPerson(help.show)}
            >
              Help
            </button>
          </div>
          {panel}
        </aside>
      )}
      {helpView?.()}
      {notice && (
        // Away from the panel: the other edge of the same side.
        <div class={`toast at${panel.length ? at ^ 2 : at}`} aria-hidden="true">
          {notice}
        </div>
      )}
      <div class="sr-only" role="status" aria-live="polite">
        {notice ?? announcement}
      </div>
    </>
  );
}

/** What a person may need to reach under the panel, and what counts as the field in use. */
const CONTROLS =
  'input:not([type=hidden]),select,textarea,button,a[href],[role=button],[role=textbox],[role=combobox],[contenteditable=true]';

const NOTICE_MS = 6000;

/** A rectangle in viewport px; a DOMRect is one. */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Overlap (px) that does not count as covering: a panel's shadow on a field's edge. */
export const SLACK = 4;
/** Room (px) a corner must leave around the field before the panel moves there. */
export const CLEARANCE = 8;
/** The panel's distance from the viewport's edges (styles.css). */
const INSET = 16;

/**
 * The corner for a `w`×`h` panel in a `vw`×`vh` viewport (0 bottom right, 1 bottom left,
 * 2 top right, 3 top left), or -1 when none keeps clear of `field`.
 *
 * Hysteresis, so the panel does not jump about: the current corner `at` is kept while it
 * covers `field` by at most SLACK px and no other corner covers clearly less of `items`
 * (weights); another corner must leave CLEARANCE px around `field`. Top corners (`tops`, for
 * a compact panel) are a last resort: they cover the app's own header.
 */
export function pickCorner(
  at: number,
  w: number,
  h: number,
  vw: number,
  vh: number,
  field: Box | null,
  tops: boolean,
  items: [Box, number][] = [],
): number {
  let best = -1;
  let least = 1e9;
  for (let c = 0; c < (tops ? 4 : 2); c++) {
    const x = c & 1 ? INSET : vw - INSET - w;
    const y = c & 2 ? INSET : vh - INSET - h;
    /** `r` reaches more than `slack` px into the panel in this corner. */
    const hits = (r: Box, slack: number) =>
      r.left + slack < x + w &&
      r.right - slack > x &&
      r.top + slack < y + h &&
      r.bottom - slack > y;
    if (field && hits(field, c === at ? SLACK : -CLEARANCE)) continue;
    // Top corners cost most; staying costs least, then staying on the same side.
    let cost = (c & 2) * 500 - ((c ^ at) & 1 ? 0 : 0.5) - (c === at ? 1 : 0);
    for (const [r, weight] of items) if (r.right > r.left && hits(r, SLACK)) cost += weight;
    if (cost < least) {
      best = c;
      least = cost;
    }
  }
  return best;
}

/** An element the panel should not cover, and how much covering it matters. */
type Weighted = [Element, number];

/** Creates the overlay's UI; nothing is added to the page until there is something to show. */
export function createUi(help: HelpButton): Ui {
  let host: OverlayHost | null = null;
  /** The panel's corner (see pickCorner). */
  let at = 0;
  /** The person's choice; `squeezed`: compact for now because no side had room. */
  let compact = false;
  let squeezed = false;
  /** The panel's height when last seen in full, to know when it fits again. */
  let fullH = 0;
  /** The control that last took focus, which the panel must not cover. */
  let field: Element | null = null;
  let last: { controllers: AidController[]; announcement: string } | null = null;
  let notice: string | null = null;
  let helpView: (() => VNode) | null = null;
  /** The kinds' stylesheets, in the order they came. */
  const styles: string[] = [];
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;

  // Tips are positioned against the page's layout; drawing them a frame after the panel
  // lets the first aid appear without waiting for that layout work.
  let floats = false;
  let floatsFrame = 0;

  const toggle = () => {
    compact = !(compact || squeezed);
    squeezed = false;
    draw();
    askBackground({ type: 'panel.setCompact', compact }).catch(() => {});
  };
  const draw = () => {
    if (!last && !notice && !helpView) return;
    if (!host) {
      host = createHost();
      for (const css of styles) host.addStyle(css);
    }
    const view = last ?? { controllers: [], announcement: '' };
    render(
      <Overlay
        {...view}
        at={at}
        compact={compact || squeezed}
        toggle={toggle}
        notice={notice}
        floats={floats}
        help={help}
        helpView={helpView}
      />,
      host.container,
    );
    if (!floats && !floatsFrame) {
      floatsFrame = requestAnimationFrame(() => {
        floats = true;
        draw();
      });
    }
  };
  // The document's or the shadow root's own active element: a field in a shadow root is
  // the active element of that root only.
  const focused = () =>
    !!field?.isConnected && (field.getRootNode() as Document).activeElement === field;
  /**
   * Moves the panel to the best corner (see pickCorner), weighing `items` when given. When
   * neither side has room beside the focused control the panel turns compact, and back when
   * one has room for it in full again. Each change renders at once (Preact renders
   * synchronously), so the next round measures the new panel before anything is painted.
   */
  const place = (items?: Weighted[], rounds = 3) => {
    const panel = host?.container.querySelector('.panel');
    if (!panel || !rounds) return;
    const p = panel.getBoundingClientRect();
    const { clientWidth: vw, clientHeight: vh } = document.documentElement;
    const f = focused() ? field!.getBoundingClientRect() : null;
    const boxes = items?.map(([el, w]): [Box, number] => [el.getBoundingClientRect(), w]);
    const full = !compact && !squeezed;
    if (full) fullH = p.height;
    else if (squeezed && pickCorner(-1, p.width, fullH, vw, vh, f, false) >= 0) {
      squeezed = false;
      draw();
      return place(items, rounds - 1);
    }
    const c = pickCorner(at, p.width, p.height, vw, vh, f, !full, boxes);
    if (c < 0) {
      if (full) {
        squeezed = true;
        draw();
        place(items, rounds - 1);
      }
    } else if (c !== at) {
      at = c;
      draw();
    }
  };
  const removeHost = () => {
    cancelAnimationFrame(floatsFrame);
    floatsFrame = 0;
    floats = false;
    if (!host) return;
    render(null, host.container);
    host.remove();
    host = null;
  };

  /** Draws what is left to show, or removes the host when nothing is. */
  const drawOrRemove = () => {
    if (last || notice || helpView) draw();
    else removeHost();
  };

  return {
    render(controllers, announcement) {
      last = { controllers, announcement };
      draw();
    },
    avoid(el) {
      if (el) {
        // Focus inside our own panel changes nothing: the field it came from stays put.
        if (!(el instanceof Element) || (el.getRootNode() as ShadowRoot).host === host?.element)
          return;
        field = el.matches(CONTROLS) ? el : null;
      }
      if (focused()) place();
    },
    focused,
    prefer(value) {
      compact = value;
    },
    arrange(targets) {
      // Every control under the panel counts; the aids' own targets count more.
      const controls = Array.from(document.querySelectorAll(CONTROLS), (el): Weighted => [el, 1]);
      place([...controls, ...targets.map((el): Weighted => [el, 3])]);
    },
    notice(text) {
      notice = text;
      clearTimeout(noticeTimer);
      noticeTimer = setTimeout(() => {
        notice = null;
        drawOrRemove();
      }, NOTICE_MS);
      draw();
    },
    host: () => host?.element ?? null,
    addStyles(more) {
      for (const css of more) {
        if (styles.includes(css)) continue;
        styles.push(css);
        host?.addStyle(css);
      }
    },
    help(view) {
      helpView = view;
      drawOrRemove();
    },
    clear() {
      last = null;
      drawOrRemove();
    },
  };
}
