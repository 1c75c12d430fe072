/**
 * The overlay's entry: asks the background which aids apply to this URL, runs a page session
 * for them, and starts a new session on every navigation. On a URL no aid matches it keeps
 * only its navigation listeners and does nothing else.
 */
import { browser } from 'wxt/browser';
import { askBackground, parseOverlayRequest } from '../protocol/client';
import type { LookupResponse } from '../protocol/messages';
import { watchUrl } from './navigation';
import { createOutbox } from './outbox';
import { PageSession } from './session';
import { createUi } from './ui';

const LOOKUP_RETRY_MS = [100, 400, 1500];

async function lookup(url: string, reload: boolean): Promise<LookupResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await askBackground({ type: 'page.lookup', url, ...(reload ? { reload } : {}) });
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

export interface OverlayContext {
  signal: AbortSignal;
}

export function startOverlay(ctx: OverlayContext): void {
  if (window.top !== window) return;
  const outbox = createOutbox();
  const ui = createUi();
  let session: PageSession | null = null;
  let generation = 0;
  const navEntry = performance.getEntriesByType('navigation')[0] as
    | PerformanceNavigationTiming
    | undefined;
  let reloaded = navEntry?.type === 'reload';

  const open = async (url: string) => {
    const gen = ++generation;
    session?.dispose();
    session = null;
    let found: LookupResponse;
    // Only the first lookup of a reloaded page is a reload, whether it finds aids or not.
    const reload = reloaded;
    try {
      // Started at document_start: the question overlaps the page's parsing, and the
      // session starts once the DOM is there.
      const answer = lookup(url, reload);
      await domReady();
      found = await answer;
      reloaded = false;
    } catch (e) {
      console.warn('[inflow] no answer from the extension', e);
      return;
    }
    if (gen !== generation || ctx.signal.aborted) return;
    if (found.paused || found.aids.length === 0) {
      ui.clear();
      return;
    }
    ui.prefer(!!found.compact);
    session = new PageSession({
      url,
      aids: found.aids,
      reloaded: reload,
      ui,
      record: (event) => outbox.send(event),
      resetProgress: (aidKey) => {
        askBackground({ type: 'progress.reset', aidKey }).catch(() => {});
      },
      leaveRun: (aidKey, at) => {
        askBackground({ type: 'progress.leave', aidKey, at }).catch(() => {});
      },
      onBatch: () => urls.check(),
    });
    session.start();
  };

  const urls = watchUrl(ctx.signal, (url) => {
    const notes = session?.leave(url) ?? [];
    if (notes.length) ui.notice(notes.join('. '));
    void open(url);
  });

  // Runs (docs/authoring.md): a page that goes away leaves its checklists' runs unless it
  // goes to one of their pages. Where it goes is known only from the Navigation API's
  // navigate event (links, forms, scripts; a reload goes to this page); the browser's own
  // address bar, back button or closing the tab say nothing, and count as leaving. A reload
  // says so in its lookup, and the run goes on.
  let destination = '';
  const nav = (globalThis as { navigation?: EventTarget }).navigation;
  nav?.addEventListener?.(
    'navigate',
    (e) => {
      const to = (e as Event & { destination?: { url: string; sameDocument: boolean } })
        .destination;
      destination = to && !to.sameDocument ? to.url : '';
    },
    { signal: ctx.signal },
  );
  window.addEventListener(
    'pagehide',
    () => {
      session?.leave(destination, true);
      destination = '';
    },
    { signal: ctx.signal },
  );
  // Back from the back/forward cache: the page is as it was left, like a reload.
  window.addEventListener(
    'pageshow',
    (e) => {
      if (!e.persisted) return;
      reloaded = true;
      void open(location.href);
    },
    { signal: ctx.signal },
  );

  const onMessage = (message: unknown, sender: { id?: string }) => {
    if (sender.id !== browser.runtime.id) return undefined;
    const request = parseOverlayRequest(message);
    if (!request) return undefined;
    if (request.type === 'overlay.status')
      return Promise.resolve(session?.status() ?? { aids: [] });
    void open(location.href);
    return Promise.resolve({ ok: true as const });
  };
  browser.runtime.onMessage.addListener(onMessage);

  ctx.signal.addEventListener('abort', () => {
    browser.runtime.onMessage.removeListener(onMessage);
    session?.dispose();
    ui.clear();
  });

  void open(location.href);
}
