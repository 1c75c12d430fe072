/**
 * The overlay's entry. In the top frame: asks the background which aids apply to this URL,
 * runs a page session for them, and starts a new session on every navigation. On a URL no
 * aid matches it keeps only its navigation listeners and does nothing else.
 *
 * In a sub-frame: asks the background what concerns this frame (frame.lookup, answered from
 * the browser's own idea of the frame and its tab), runs the aids of the frame's own page,
 * the tips addressed to it, and a reporter for checklist steps addressed to it, whose states
 * reach the top frame's checklist (see ./frame-agent.ts). A frame of a page without aids
 * gets nothing and does nothing more.
 */
import { browser } from 'wxt/browser';
import { askBackground, parseOverlayRequest } from '../protocol/client';
import type {
  ActiveAid,
  EventInput,
  FrameLookupResponse,
  LookupResponse,
  OverlayRequest,
} from '../protocol/messages';
import { addressesFrames, FrameAgent, isThisFrame, tipsHere, watchedSteps } from './frame-agent';
import { createFrameStates } from './frame-states';
import { watchUrl } from './navigation';
import { createOutbox } from './outbox';
import { PageSession } from './session';
import { createUi } from './ui';

const LOOKUP_RETRY_MS = [100, 400, 1500];

async function withRetry<T>(ask: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ask();
    } catch (e) {
      if (attempt >= LOOKUP_RETRY_MS.length) throw e;
      await new Promise((r) => setTimeout(r, LOOKUP_RETRY_MS[attempt]));
    }
  }
}

function domReady(): Promise<void> {
  if (document.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) =>
    document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }),
  );
}

function wasReloaded(): boolean {
  const navEntry = performance.getEntriesByType('navigation')[0] as
    | PerformanceNavigationTiming
    | undefined;
  return navEntry?.type === 'reload';
}

export interface OverlayContext {
  signal: AbortSignal;
}

type Listener = (message: unknown, sender: { id?: string }) => Promise<unknown> | undefined;

/** Listens to the extension's messages to this content script until `signal` aborts. */
function onOverlayRequest(
  signal: AbortSignal,
  handle: (request: OverlayRequest) => Promise<unknown> | undefined,
): void {
  const listener: Listener = (message, sender) => {
    if (sender.id !== browser.runtime.id) return undefined;
    const request = parseOverlayRequest(message);
    return request ? handle(request) : undefined;
  };
  browser.runtime.onMessage.addListener(listener);
  signal.addEventListener('abort', () => browser.runtime.onMessage.removeListener(listener));
}

export function startOverlay(ctx: OverlayContext): void {
  if (window.top === window) startTop(ctx);
  else startFrame(ctx);
}

function startTop(ctx: OverlayContext): void {
  const outbox = createOutbox();
  const ui = createUi();
  const frames = createFrameStates();
  let session: PageSession | null = null;
  let generation = 0;
  let reloaded = wasReloaded();
  // Injected into a page that was already there (after an install): its frames may have
  // reported before this listened.
  let askFrames = document.readyState !== 'loading';

  const open = async (url: string) => {
    const gen = ++generation;
    session?.dispose();
    session = null;
    let found: LookupResponse;
    try {
      // Started at document_start: the question overlaps the page's parsing, and the
      // session starts once the DOM is there.
      const answer = withRetry(() => askBackground({ type: 'page.lookup', url }));
      await domReady();
      found = await answer;
    } catch (e) {
      console.warn('[inflow] no answer from the extension', e);
      return;
    }
    if (gen !== generation || ctx.signal.aborted) return;
    if (found.paused || found.aids.length === 0) {
      ui.clear();
      return;
    }
    if (found.aids.some((a) => addressesFrames(a.aid)) && askFrames) {
      // States from before this session may be of frames that are gone or of other aids:
      // drop them, and have the frames that are there report again.
      frames.clear();
      askBackground({ type: 'frame.resync' }).catch(() => {});
    }
    askFrames = true;
    session = new PageSession({
      url,
      aids: found.aids,
      reloaded,
      ui,
      record: (event) => outbox.send(event),
      resetProgress: (aidKey) => {
        askBackground({ type: 'progress.reset', aidKey }).catch(() => {});
      },
      onBatch: () => urls.check(),
      frameStep: (aidKey, stepId) => frames.get(aidKey, stepId),
    });
    reloaded = false;
    session.start();
  };

  const urls = watchUrl(ctx.signal, (url) => {
    const notes = session?.leave(url) ?? [];
    if (notes.length) ui.notice(notes.join('. '));
    void open(url);
  });

  const ok = Promise.resolve({ ok: true as const });
  onOverlayRequest(ctx.signal, (request) => {
    switch (request.type) {
      case 'overlay.status':
        return Promise.resolve(session?.status() ?? { aids: [] });
      case 'overlay.refresh':
        void open(location.href);
        return ok;
      case 'overlay.frameSteps':
        frames.set(request.frameId, request.aidKey, request.steps);
        session?.refresh();
        return ok;
      case 'overlay.frameGone':
        if (frames.drop(request.frameId)) session?.refresh();
        return ok;
      default:
        // overlay.frameResync is for the sub-frames.
        return undefined;
    }
  });

  ctx.signal.addEventListener('abort', () => {
    session?.dispose();
    ui.clear();
  });

  void open(location.href);
}

function startFrame(ctx: OverlayContext): void {
  const outbox = createOutbox();
  const ui = createUi();
  let session: PageSession | null = null;
  let generation = 0;
  let reloaded = wasReloaded();

  const open = async () => {
    const gen = ++generation;
    session?.dispose();
    session = null;
    let found: FrameLookupResponse;
    try {
      const answer = withRetry(() => askBackground({ type: 'frame.lookup' }));
      await domReady();
      found = await answer;
    } catch (e) {
      console.warn('[inflow] no answer from the extension (frame)', e);
      return;
    }
    if (gen !== generation || ctx.signal.aborted) return;
    const here = (ref: Parameters<typeof isThisFrame>[0]) => isThisFrame(ref);
    const tips = found.paused ? [] : tipsHere(found.framed, here);
    const watched = found.paused ? new Map() : watchedSteps(found.framed, here);
    const aids: ActiveAid[] = found.paused ? [] : [...found.own, ...tips];
    if (!aids.length && !watched.size) {
      ui.clear();
      return;
    }
    // Events of the top page's aids belong to the top page (a srcdoc frame has no URL).
    const topAids = new Set(tips.map((a) => a.key));
    const record = (event: EventInput) =>
      outbox.send(topAids.has(event.aidKey) ? { ...event, url: found.url } : event);
    session = new PageSession({
      url: location.href,
      aids,
      reloaded,
      ui,
      record,
      resetProgress: (aidKey) => {
        askBackground({ type: 'progress.reset', aidKey }).catch(() => {});
      },
      onBatch: () => urls.check(),
      extra: (env) =>
        watched.size
          ? [
              new FrameAgent(watched, env, {
                steps: (aidKey, steps) => {
                  askBackground({ type: 'frame.steps', aidKey, steps }).catch((e) =>
                    console.warn('[inflow] frame states not taken', e),
                  );
                },
                gone: () => {
                  askBackground({ type: 'frame.gone' }).catch(() => {});
                },
              }),
            ]
          : [],
    });
    reloaded = false;
    session.start();
  };

  const urls = watchUrl(ctx.signal, () => void open());

  onOverlayRequest(ctx.signal, (request) => {
    // The top frame started over (a navigation, new aids): look up and report again.
    if (request.type !== 'overlay.frameResync') return undefined;
    void open();
    return undefined;
  });

  ctx.signal.addEventListener('abort', () => {
    session?.dispose();
    ui.clear();
  });

  void open();
}
