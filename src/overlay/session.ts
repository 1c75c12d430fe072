/**
 * One page session: the aids that apply to one URL, the single DOM watcher that drives them,
 * and everything they registered. A navigation disposes the session (aborting its signal
 * removes every listener, the observer and the timers) and the overlay opens a new one.
 */
import type { Target } from '../aids/schema';
import { isHealed, type Resolution, resolveTarget } from '../aids/target';
import type { ActiveAid, EventInput, FrameStepState, OverlayStatus } from '../protocol/messages';
import { type PageChange, watchDom } from './dom-watch';
import { createController } from './kinds';
import type { AidController, SessionEnv } from './kinds/types';
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
  /** Called on every DOM batch so URL changes are noticed without the Navigation API. */
  onBatch(): void;
  /** What sub-frames reported for steps addressed to a frame (top frame only). */
  frameStep?(aidKey: string, stepId: string): FrameStepState | undefined;
  /** Controllers that are not aids, driven like them (a sub-frame's reporter). */
  extra?(env: SessionEnv): AidController[];
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
  private readonly cache = new Map<string, Resolution>();
  private readonly cacheKeys = new WeakMap<Target, string>();
  /** "missing:<aid>#<step>" / "healed:…" already recorded in this session. */
  private readonly reported = new Set<string>();
  private settled = false;
  private announcement = '';
  private renderQueued = false;

  constructor(private readonly deps: SessionDeps) {
    const self = this;
    // Drafts an author previews are shown like the others but never recorded.
    const previews = new Set(deps.aids.filter((a) => a.preview).map((a) => a.key));
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
          r = resolveTarget(target, document);
          this.cache.set(key, r);
        }
        return r;
      },
      reportTarget: (aidKey, stepId, target, r, missing) => {
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
      host: () => deps.ui.host(),
      frameStep: (aidKey, stepId) => deps.frameStep?.(aidKey, stepId),
    };
    this.controllers = deps.aids
      .map((a) => createController(a, env))
      .filter((c): c is AidController => c !== null);
    this.controllers.push(...(deps.extra?.(env) ?? []));
  }

  start(): void {
    const { signal } = this.abort;
    watchDom(document.documentElement, {
      signal,
      ignore: () => this.deps.ui.host(),
      onChange: (change) => this.pass(change),
    });
    const timer = setTimeout(() => {
      this.settled = true;
      this.pass({ events: [] });
      this.arrange();
    }, SETTLE_MS);
    signal.addEventListener('abort', () => clearTimeout(timer));
    let resizeFrame = 0;
    window.addEventListener(
      'resize',
      () => {
        cancelAnimationFrame(resizeFrame);
        resizeFrame = requestAnimationFrame(() => this.arrange());
      },
      { signal, passive: true },
    );
    signal.addEventListener('abort', () => cancelAnimationFrame(resizeFrame));
    this.pass({ events: [] });
    // Once the first render is on screen, choose the panel's side.
    requestAnimationFrame(() => {
      if (!signal.aborted) this.arrange();
    });
  }

  /** Evaluates every aid again now: what a sub-frame reported changed. */
  refresh(): void {
    this.pass({ events: [] });
  }

  /** One evaluation of every aid against the page. */
  private pass(change: PageChange): void {
    if (this.abort.signal.aborted) return;
    this.cache.clear();
    for (const c of this.controllers) {
      try {
        c.update(change);
      } catch (e) {
        // A broken aid never blocks the others or the page.
        console.warn('[inflow] aid failed', c.key, e);
      }
    }
    const focus = change.events.findLast((e) => e.type === 'focusin');
    if (focus?.target instanceof Element) this.deps.ui.avoid(focus.target);
    this.deps.onBatch();
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

  /** The page is navigating to `url`; returns notes for the person, if any. */
  leave(url: string): string[] {
    return this.controllers.flatMap((c) => c.leave(url) ?? []);
  }

  status(): OverlayStatus {
    return { aids: this.controllers.filter((c) => c.visible).map((c) => c.status()) };
  }

  dispose(): void {
    this.abort.abort();
    for (const c of this.controllers) c.dispose();
  }
}
