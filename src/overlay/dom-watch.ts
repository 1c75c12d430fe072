/**
 * The one DOM watcher of a page session: a single MutationObserver and a few capturing
 * listeners, coalesced so the session re-evaluates at most once per animation frame.
 * Everything is removed when the session's signal aborts.
 */

export interface PageChange {
  /** The interaction that caused this pass, if any (a click, an input, a focus change). */
  events: Event[];
}

export interface DomWatchOptions {
  signal: AbortSignal;
  /** Events whose composed path includes this element (our overlay) are ignored. */
  ignore: () => Element | null;
  onChange: (change: PageChange) => void;
}

const INTERACTIONS = ['input', 'change', 'click', 'focusin'] as const;

export function watchDom(root: Node, { signal, ignore, onChange }: DomWatchOptions): void {
  let scheduled = false;
  let raf = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let events: Event[] = [];
  const flush = () => {
    cancelAnimationFrame(raf);
    clearTimeout(timer);
    scheduled = false;
    if (signal.aborted) return;
    const batch = events;
    events = [];
    onChange({ events: batch });
  };
  const schedule = () => {
    if (scheduled || signal.aborted) return;
    scheduled = true;
    // rAF keeps the work off the mutation's own task; the timeout covers hidden tabs,
    // where animation frames do not run.
    raf = requestAnimationFrame(flush);
    timer = setTimeout(flush, 250);
  };
  signal.addEventListener('abort', () => {
    cancelAnimationFrame(raf);
    clearTimeout(timer);
  });

  const observer = new MutationObserver((records) => {
    const host = ignore();
    if (host && records.every((r) => host === r.target || host.contains(r.target))) return;
    schedule();
  });
  observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
  signal.addEventListener('abort', () => observer.disconnect());

  for (const type of INTERACTIONS) {
    root.addEventListener(
      type,
      (event) => {
        const host = ignore();
        if (host && event.composedPath().includes(host)) return;
        events.push(event);
        schedule();
      },
      { capture: true, passive: true, signal },
    );
  }
}
