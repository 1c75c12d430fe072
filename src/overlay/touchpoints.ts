/**
 * Touchpoint coverage on the page (top frame only, and only where the background's lookup
 * says so): how long the page is visible under its route template, and whether an aid
 * applied. Events and timestamps only, no timer: time runs while `document.visibilityState`
 * is 'visible' (the tab's focus does not matter) and is told to the background when the page
 * is hidden, on pagehide and when the route changes (pushState, hash routes). The template
 * is folded here (../aids/route-template.ts): the rest of the URL is never told.
 */
import { routeTemplate } from '../aids/route-template';

/** What the meter tells the background (message `touchpoint.time`). */
export interface TouchpointTime {
  template: string;
  aided: boolean;
  ms: number;
  view: boolean;
}

export interface TouchpointMeter {
  /**
   * Measures the page at `url` from `since` (the clock's time the navigation began). The
   * same template and aided state as now goes on (a refresh of the aids is no new view).
   */
  begin(url: string, aided: boolean, since: number): void;
  /** Tells the time so far and stops: a route change, or measuring turned off. */
  end(): void;
}

interface View {
  template: string;
  aided: boolean;
  /** Visible time not yet told. */
  ms: number;
  /** When the page last became visible; null while hidden. */
  visibleSince: number | null;
  told: boolean;
}

export function createTouchpointMeter(
  tell: (time: TouchpointTime) => void,
  signal: AbortSignal,
  clock: () => number = () => performance.now(),
  doc: Document = document,
): TouchpointMeter {
  let view: View | null = null;
  const visible = () => doc.visibilityState === 'visible';

  /** Tells the visible time so far of the current view (nothing when there is none). */
  const flush = () => {
    if (!view) return;
    const at = clock();
    if (view.visibleSince !== null) {
      view.ms += Math.max(0, at - view.visibleSince);
      view.visibleSince = visible() ? at : null;
    }
    const ms = Math.round(view.ms);
    if (ms <= 0) return;
    tell({ template: view.template, aided: view.aided, ms, view: !view.told });
    view.told = true;
    view.ms = 0;
  };

  const end = () => {
    flush();
    view = null;
  };

  doc.addEventListener(
    'visibilitychange',
    () => {
      if (!view) return;
      if (visible()) {
        if (view.visibleSince === null) view.visibleSince = clock();
      } else flush();
    },
    { signal },
  );
  // The page goes away (or into the back/forward cache, whence pageshow starts a new view).
  globalThis.addEventListener?.('pagehide', end, { signal });
  signal.addEventListener('abort', end);

  return {
    begin(url, aided, since) {
      const template = routeTemplate(url);
      if (view && view.template === template && view.aided === aided) return;
      end();
      if (!template) return;
      view = {
        template,
        aided,
        ms: 0,
        visibleSince: visible() ? Math.min(since, clock()) : null,
        told: false,
      };
    },
    end,
  };
}
