/**
 * The one DOM watcher of a page session: a single MutationObserver and a few capturing
 * listeners, coalesced so the session re-evaluates at most once per animation frame, and on
 * a page that keeps changing, within a time budget (see `schedule`). Everything is removed
 * when the session's signal aborts.
 *
 * Mutation observers do not see into shadow roots, so the session adds roots as it finds
 * them: fully (like the document) for roots that hold a target, and for their structure only
 * (added and removed nodes) for the others, so new roots and late targets are still noticed
 * while a component's own attribute and text churn does not cost a pass.
 *
 * Structure and detail (attributes and text) have an observer each. Once a pass is planned,
 * the detail observer lets go until the pass runs: the pass reads the page as it is then, so
 * records of what changed meanwhile would tell it nothing, and on a page that changes all the
 * time Blink would make one for each change (the structure observer stays, to find new
 * shadow roots). The pass then watches the document's details again, and the session names
 * again the roots that hold its targets now: a root that no longer holds one, or whose host
 * left the page, is let go.
 */

export interface PageChange {
  /** The interactions that caused this pass, if any (a click, an input, a focus change). */
  events: Event[];
}

export interface DomWatchOptions {
  signal: AbortSignal;
  /** Events whose composed path includes this element (our overlay) are ignored. */
  ignore: () => Element | null;
  onChange: (change: PageChange) => void;
  /**
   * Elements that mutations added, at the start of the pass they cause (to find new shadow
   * roots); some may have left the page since.
   */
  onAdded?: (nodes: Node[]) => void;
  /**
   * A click, while it is dispatched: before the app's own handlers run, when the element
   * clicked is still on the page (a Save button that changes the route is gone a frame later).
   */
  onClick?: (event: Event) => void;
}

/** What the session can do with a running watcher. */
export interface DomWatch {
  /**
   * Watches a shadow root: `structure` for added and removed nodes, from now until the
   * session ends; `full` also for attributes and text, until the next pass is planned (each
   * pass names again the roots that hold its targets).
   */
  observe(root: ShadowRoot, how: 'full' | 'structure'): void;
  /**
   * Asks for a pass (something changed that no mutation shows, e.g. an upgrade), within the
   * budget that page changes have.
   */
  schedule(): void;
  /** Runs the pass that is waiting for the next frame now, if any (before a navigation). */
  flush(): void;
}

const INTERACTIONS = ['input', 'change', 'click', 'focusin'] as const;
/** The share of the time that passes asked for by page changes alone may take, over time. */
const BUDGET = 0.005;
/** Pass time (ms) beyond the budget that runs without waiting: a page's ordinary bursts. */
const BURST_MS = 25;
/** The longest a change waits for its pass, however much the passes cost. */
const MAX_WAIT_MS = 1000;
const DETAIL = { subtree: true, attributes: true, characterData: true };
const STRUCTURE = { subtree: true, childList: true };

/**
 * Each event's composed path, taken while it is dispatched: afterwards `composedPath()` is
 * empty and the `target` of an event from a shadow root is retargeted (or cleared), but the
 * session looks at events a frame later. Listeners on the roots the session watches see
 * deeper paths (into closed roots) than the document's, and the deepest one is kept.
 */
const paths = new WeakMap<Event, EventTarget[]>();

function keepPath(event: Event): void {
  const path = event.composedPath();
  if (path.length > (paths.get(event)?.length ?? 0)) paths.set(event, path);
}

/** The element the person really acted on: inside a component, not the component. */
export function eventTarget(event: Event): EventTarget | null {
  return paths.get(event)?.[0] ?? event.target;
}

/** True if the event happened on `el` or inside it, shadow roots included. */
export function eventWithin(event: Event, el: Element): boolean {
  const path = paths.get(event);
  if (path) return path.includes(el);
  return event.target instanceof Node && el.contains(event.target);
}

export function watchDom(
  root: Node,
  { signal, ignore, onChange, onAdded, onClick }: DomWatchOptions,
): DomWatch {
  let scheduled = false;
  /** The pass planned waits for the budget (see schedule). */
  let delayed = false;
  /** Pass time (ms) not yet paid back at BUDGET, as of `lastEnd`; see schedule. */
  let debt = 0;
  let lastEnd = 0;
  /** The earliest time a pass that only page changes ask for may run. */
  let nextAt = 0;
  let raf = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let events: Event[] = [];
  /** Elements that mutations added since the last pass. */
  const added: Node[] = [];
  const flush = () => {
    cancelAnimationFrame(raf);
    clearTimeout(timer);
    if (signal.aborted) return;
    const start = performance.now();
    // The nodes added since the last pass are searched for shadow roots now, once, whatever
    // the number of records that brought them (on a busy page many are gone again). The
    // roots found join this pass: `scheduled` still holds, so they ask for no other.
    onAdded?.(added.splice(0));
    scheduled = delayed = false;
    detail.observe(root, DETAIL);
    const batch = events;
    events = [];
    onChange({ events: batch });
    const end = performance.now();
    debt = Math.max(0, debt - (start - lastEnd) * BUDGET) + end - start;
    lastEnd = end;
    nextAt = end + Math.min(MAX_WAIT_MS, Math.max(0, debt - BURST_MS) / BUDGET);
  };
  const frame = () => {
    delayed = false;
    // rAF keeps the work off the mutation's own task; the timeout covers hidden tabs,
    // where animation frames do not run.
    raf = requestAnimationFrame(flush);
    timer = setTimeout(flush, 250);
  };
  /**
   * Plans a pass on the next frame. Passes are paid back at BUDGET of the time that passes:
   * while what they cost stays under BURST_MS more than that, a pass that only page changes
   * ask for (`input` false) runs on the next frame as well; beyond, it waits (at most
   * MAX_WAIT_MS), so on a page that changes all the time Inflow's share of the main thread
   * stays small. A person's input is never kept waiting: it moves a waiting pass to the next
   * frame.
   */
  const schedule = (input = false) => {
    if (signal.aborted || (scheduled && !(input && delayed))) return;
    cancelAnimationFrame(raf);
    clearTimeout(timer);
    scheduled = true;
    detail.disconnect();
    const wait = input ? 0 : nextAt - performance.now();
    if (wait > 0) {
      delayed = true;
      timer = setTimeout(frame, wait);
    } else frame();
  };
  const onRecords = (records: MutationRecord[]) => {
    const host = ignore();
    for (const r of records) {
      if (host?.contains(r.target)) continue;
      schedule();
      // Only a childList record adds nodes: the others' node lists cost a wrapper each.
      if (r.type === 'childList') for (const n of r.addedNodes) if (n.nodeType === 1) added.push(n);
    }
  };
  const detail = new MutationObserver(onRecords);
  const structural = new MutationObserver(onRecords);
  structural.observe(root, STRUCTURE);
  detail.observe(root, DETAIL);
  signal.addEventListener('abort', () => {
    cancelAnimationFrame(raf);
    clearTimeout(timer);
    detail.disconnect();
    structural.disconnect();
  });

  const seen = new WeakSet<Event>();
  const listen = (target: Node) => {
    for (const type of INTERACTIONS) {
      target.addEventListener(
        type,
        (event) => {
          const host = ignore();
          if (host && event.composedPath().includes(host)) return;
          keepPath(event);
          // A composed event reaches the document too; `change` is not composed and is
          // seen only in the shadow root it happens in.
          if (seen.has(event)) return;
          seen.add(event);
          events.push(event);
          if (event.type === 'click') onClick?.(event);
          schedule(true);
        },
        { capture: true, passive: true, signal },
      );
    }
  };
  listen(root);

  const watched = new WeakSet<ShadowRoot>();
  return {
    observe(shadow, how) {
      if (signal.aborted) return;
      if (!watched.has(shadow)) {
        watched.add(shadow);
        structural.observe(shadow, STRUCTURE);
        listen(shadow);
      }
      if (how === 'full') detail.observe(shadow, DETAIL);
    },
    schedule: () => schedule(),
    flush: () => {
      if (scheduled) flush();
    },
  };
}
