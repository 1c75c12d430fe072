/**
 * One page session: the aids that apply to one URL, the single DOM watcher that drives them,
 * and everything they registered. A navigation disposes the session (aborting its signal
 * removes every listener, the observer and the timers) and the overlay opens a new one.
 */
import { rootsAbove, shadowRootOf } from '../aids/composed';
import type { Target } from '../aids/schema';
import { isHealed, type Resolution, resolveTarget, stillResolves } from '../aids/target';
import type { ActiveAid, EventInput, FrameStepState, OverlayStatus } from '../protocol/messages';
import { type DomWatch, type PageChange, watchDom } from './dom-watch';
import { createController, type Kinds } from './kinds';
import type { AidController, SessionEnv } from './kinds/types';
import { ShadowRootTracker } from './shadow-roots';
import type { Ui } from './ui';

/** How long a page gets to render a target before the target counts as missing. */
export const SETTLE_MS = 1500;

export interface SessionDeps {
  url: string;
  aids: ActiveAid[];
  reloaded: boolean;
  ui: Ui;
  record(event: EventInput): void;
  resetProgress(aidKey: string): void;
  /** The person left an aid's pages at `at` with its run unfinished. */
  leaveRun(aidKey: string, at: number): void;
  /** Called on every DOM batch so URL changes are noticed without the Navigation API. */
  onBatch(): void;
  /** What sub-frames reported for steps addressed to a frame (top frame only). */
  frameStep?(aidKey: string, stepId: string): FrameStepState | undefined;
  /** Controllers that are not aids, driven like them (a sub-frame's reporter). */
  extra?(env: SessionEnv): AidController[];
  /**
   * The kind modules whose chunk ran in this frame. An aid of a kind not here yet shows
   * nothing; `refresh` once its chunk has run, and it does.
   */
  kinds: Kinds;
}

/** What resolving a target in another frame gives: nothing here, and no signal failed. */
const IN_A_FRAME: Resolution = Object.freeze({
  element: null,
  foundBy: null,
  failed: [],
  ambiguous: false,
}) as Resolution;

export class PageSession {
  private readonly abort = new AbortController();
  private readonly controllers: AidController[];
  /** Resolutions of this pass, by target content: a step's target and its completion
   *  rule's target are usually the same element described twice. */
  /** Target resolutions of this pass, by target; and of the pass before (see stillResolves). */
  private cache = new Map<string, Resolution>();
  private previous = new Map<string, Resolution>();
  private readonly cacheKeys = new WeakMap<Target, string>();
  /** "missing:<aid>#<step>" / "healed:…" already recorded in this session. */
  private readonly reported = new Set<string>();
  private settled = false;
  /** Set once the page is navigating away: the session only finishes what was done. */
  private leaving = false;
  /** The page's shadow roots, kept up to date by the watcher; read once per pass. */
  private readonly shadowRoots: ShadowRootTracker;
  private roots: ShadowRoot[] = [];
  private watch: DomWatch | null = null;
  private announcement = '';
  private renderQueued = false;

  constructor(private readonly deps: SessionDeps) {
    const self = this;
    // Drafts an author previews are shown like the others but never recorded.
    const previews = new Set(deps.aids.filter((a) => a.preview).map((a) => a.key));
    this.shadowRoots = new ShadowRootTracker({
      read: shadowRootOf,
      signal: this.abort.signal,
      ignore: () => deps.ui.host(),
      onRoots: (roots) => {
        for (const root of roots) this.watch?.observe(root, 'structure');
        this.watch?.schedule();
      },
    });
    const env: SessionEnv = {
      url: deps.url,
      signal: this.abort.signal,
      get settled() {
        return self.settled;
      },
      reloaded: deps.reloaded,
      resolve: (target) => {
        if (target.frame) return IN_A_FRAME;
        let key = this.cacheKeys.get(target);
        if (key === undefined) {
          key = JSON.stringify(target);
          this.cacheKeys.set(target, key);
        }
        let r = this.cache.get(key);
        if (!r) {
          // An element found before that still meets every signal is kept: no search.
          const before = this.previous.get(key);
          r =
            before && stillResolves(target, before, shadowRootOf)
              ? before
              : resolveTarget(target, document, { roots: this.roots, shadowRootOf });
          this.cache.set(key, r);
        }
        return r;
      },
      reportTarget: (aidKey, stepId, target, r, missing, unworkable) => {
        // The last pass before a navigation sees the next screen already drawn: what is
        // gone from it is not missing from this one.
        if (this.leaving) return;
        const where = `${aidKey}#${stepId ?? ''}`;
        const once = (what: string) =>
          !this.reported.has(`${what}:${where}`) && this.reported.add(`${what}:${where}`);
        if (missing && once('missing')) {
          env.record({ type: 'target_missing', aidKey, stepId, failedSignals: r.failed });
        }
        if (r.element && isHealed(target, r) && once('healed')) {
          env.record({
            type: 'target_healed',
            aidKey,
            stepId,
            foundBy: r.foundBy ?? undefined,
            failedSignals: r.failed,
          });
        }
        // A rule that can never hold on the element found: the step would never tick.
        const checks = this.settled && r.element && !this.reported.has(`unworkable:${where}`);
        const problem = checks ? unworkable?.() : null;
        if (problem && once('unworkable')) {
          env.record({ type: 'rule_unworkable', aidKey, stepId, problem });
        }
      },
      record: (event) => {
        if (!previews.has(event.aidKey))
          deps.record({ ...event, url: location.href, at: Date.now() });
      },
      announce: (text) => {
        // Alternate a trailing space so the same words are announced again.
        this.announcement = text === this.announcement.trim() ? `${text} ` : text;
        this.render();
      },
      render: () => this.render(),
      resetProgress: (key) => deps.resetProgress(key),
      leaveRun: (key) => {
        if (!previews.has(key)) deps.leaveRun(key, Date.now());
      },
      host: () => deps.ui.host(),
      frameStep: (aidKey, stepId) => deps.frameStep?.(aidKey, stepId),
    };
    this.controllers = deps.aids.map((a) => createController(a, env, deps.kinds));
    this.controllers.push(...(deps.extra?.(env) ?? []));
  }

  start(): void {
    const { signal } = this.abort;
    const watch = watchDom(document.documentElement, {
      signal,
      ignore: () => this.deps.ui.host(),
      onChange: (change) => this.pass(change),
      onAdded: (nodes) => this.shadowRoots.added(nodes),
      onClick: (event) => {
        // Resolve against the page as it is now, not as the last pass saw it.
        this.cache.clear();
        for (const c of this.controllers) {
          try {
            c.click?.(event);
          } catch (e) {
            console.warn('[inflow] aid failed', c.key, e);
          }
        }
      },
    });
    this.watch = watch;
    // One walk over the page; later roots come from added nodes and upgrades.
    this.shadowRoots.added([document.documentElement]);
    const timer = setTimeout(() => {
      this.settled = true;
      this.pass({ events: [] });
      this.arrange();
    }, SETTLE_MS);
    signal.addEventListener('abort', () => clearTimeout(timer));
    // The panel follows the field in use: on focus at once; on resize, zoom (the visual
    // viewport) and scroll (any scroller: scroll does not bubble, so capture) once a frame.
    // Resizing weighs every control again; a scroll only re-checks a field that has focus.
    const { ui } = this.deps;
    let frame = 0;
    let all = false;
    const soon = (arrange: boolean) => {
      all ||= arrange;
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        if (all) this.arrange();
        else ui.avoid();
        all = false;
      });
    };
    const passive = { signal, passive: true };
    const resized = () => soon(true);
    window.addEventListener('resize', resized, passive);
    window.visualViewport?.addEventListener('resize', resized, passive);
    window.addEventListener('scroll', () => ui.focused() && soon(false), {
      ...passive,
      capture: true,
    });
    // The composed path's first entry is the field itself, even inside a shadow root (the
    // event's target is then the shadow host); it is only readable while the event runs.
    document.addEventListener('focusin', (e) => ui.avoid(e.composedPath()[0]), {
      ...passive,
      capture: true,
    });
    signal.addEventListener('abort', () => cancelAnimationFrame(frame));
    this.pass({ events: [] });
    // Once the first render is on screen, choose the panel's corner, away from a field that
    // had focus already (autofocus): the focus event came before this session.
    requestAnimationFrame(() => {
      if (signal.aborted) return;
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      if (el) ui.avoid(el);
      this.arrange();
    });
  }

  /** Evaluates every aid again now: what a sub-frame reported changed, a kind arrived. */
  refresh(): void {
    this.pass({ events: [] });
  }

  /** One evaluation of every aid against the page. */
  private pass(change: PageChange): void {
    if (this.abort.signal.aborted) return;
    this.shadowRoots.recheck();
    this.roots = this.shadowRoots.roots();
    this.previous = this.cache;
    this.cache = new Map();
    for (const c of this.controllers) {
      try {
        c.update(change);
      } catch (e) {
        // A broken aid never blocks the others or the page.
        console.warn('[inflow] aid failed', c.key, e);
      }
    }
    this.watchTargetRoots();
    this.deps.onBatch();
  }

  /**
   * Fully observes the shadow roots that hold a target found in this pass, and the roots above
   * them, until the next pass is planned (which names them again).
   */
  private watchTargetRoots(): void {
    if (!this.watch || this.roots.length === 0) return;
    for (const r of this.cache.values()) {
      if (r.element) for (const root of rootsAbove(r.element)) this.watch.observe(root, 'full');
    }
  }

  /** Re-render on the next microtask, once however many controllers asked. */
  private render(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    queueMicrotask(() => {
      this.renderQueued = false;
      if (this.abort.signal.aborted) return;
      this.deps.ui.render(this.controllers, this.announcement);
    });
  }

  private arrange(): void {
    this.deps.ui.arrange(this.controllers.flatMap((c) => c.targets()));
  }

  /** The page is navigating to `url` ('' when unknown); returns notes for the person, if
   *  any. `unloading`: the page goes away (see AidController.leave). */
  leave(url: string, unloading = false): string[] {
    // What happened just before the navigation (the click on Save) counts first.
    this.leaving = true;
    this.watch?.flush();
    return this.controllers.flatMap((c) => {
      try {
        return c.leave(url, unloading) ?? [];
      } catch (e) {
        console.warn('[inflow] aid failed', c.key, e);
        return [];
      }
    });
  }

  /** The person asked for the aid `key` (help panel): true if it is here and now shown. */
  reveal(key: string): boolean {
    try {
      return !!this.controllers.find((c) => c.key === key)?.reveal?.();
    } catch (e) {
      console.warn('[inflow] aid failed', key, e);
      return false;
    }
  }

  status(): OverlayStatus {
    return { aids: this.controllers.filter((c) => c.visible).map((c) => c.status()) };
  }

  dispose(): void {
    this.abort.abort();
    for (const c of this.controllers) c.dispose();
  }
}
