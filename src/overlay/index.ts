/**
 * The overlay's entry. In the top frame: asks the background which aids apply to this URL,
 * runs a page session for them, and starts a new session on every navigation. On a URL no
 * aid matches it keeps only its navigation listeners and does nothing else.
 *
 * In a sub-frame: asks the background what concerns this frame (frame.lookup, answered from
 * the browser's own account of the frame and its tab), and runs the aids of the frame's own
 * page, the tips addressed to this frame, and an agent for the checklist steps addressed to
 * it, whose states reach the top frame's checklist (./frame-plan.ts, and the agent in
 * ./kinds/checklist-agent.ts). A frame of a page without aids gets nothing and does nothing
 * more.
 *
 * The code of each aid kind is a chunk of its own (./kinds/index.ts): once a frame knows
 * which kinds its aids are of, it asks for those chunks, and its session shows each aid when
 * its kind's chunk has run.
 *
 * Where the background's lookup says so (touchpoint coverage, set by policy), the top frame
 * also measures how long each route is visible (./touchpoints.ts, a chunk of its own that
 * only those pages load).
 */
import { browser } from 'wxt/browser';
import { whenRegexWanted } from '../aids/regex-slot';
import { addressesFrames } from '../aids/targets';
import { askBackground, parseOverlayRequest } from '../protocol/client';
import type { FrameLookupResponse, LookupResponse, OverlayRequest } from '../protocol/messages';
import type { OverlayContext } from './context';
import { readFirstPaint } from './first-paint';
import { isThisFrame, tipsHere, watchedSteps } from './frame-plan';
import { createFrameStates } from './frame-states';
import { type HeldAction, OF_THE_VIEW, sendHeld } from './held-actions';
import { createHelpOpener } from './help-opener';
import { createKindLoader, whenKind } from './kinds';
import { registeredTouchpoints } from './kinds/slot';
import { watchUrl } from './navigation';
import { createOutbox } from './outbox';
import { wantRegexEngine } from './regex-loader';
import { PageSession, type SessionDeps } from './session';
import type { TouchpointMeter } from './touchpoints';
import { createUi } from './ui';

const LOOKUP_RETRY_MS = [100, 400, 1500];
/** After a route change, how long an awake worker has to answer before the first paint. */
const ROUTE_GRACE_MS = 60;

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

/** Tells the background something; nothing to do if it cannot take it. Never rejects. */
const tell = (request: Parameters<typeof askBackground>[0]) =>
  askBackground(request).catch(() => {});

/**
 * What differs between a top frame's session and a sub-frame's. `kinds`: the aid kinds whose
 * chunks this frame needs.
 */
type Plan = Pick<SessionDeps, 'aids' | 'record' | 'frameStep' | 'extra'> & { kinds: string[] };

const kindsOf = (aids: readonly { aid: { kind: string } }[]) => aids.map(({ aid }) => aid.kind);

export function startOverlay(ctx: OverlayContext): void {
  const inFrame = window.top !== window;
  const outbox = createOutbox();
  /** What a person did in a first paint's session, until the background answers. */
  const held: HeldAction[] = [];
  const ui = createUi({ show: () => help.show(), shortcut: () => help.shortcut });
  const frames = createFrameStates();
  const kinds = createKindLoader((chunk) => askBackground({ type: 'page.loadChunk', chunk }));
  /** The top frame's touchpoint meter, once a lookup said to measure and its chunk ran. */
  let meter: TouchpointMeter | null = null;
  let session: PageSession | null = null;
  const help = createHelpOpener(ui, (key) => !!session?.reveal(key), ctx.signal);
  let generation = 0;
  const navEntry = performance.getEntriesByType('navigation')[0] as
    | PerformanceNavigationTiming
    | undefined;
  let reloaded = navEntry?.type === 'reload';
  // Injected into a page that was already there (after an install): its frames may have
  // reported before this listened.
  let askFrames = document.readyState !== 'loading';

  /**
   * The top frame's session: its aids, with what its frames report. `early`: a first paint,
   * which asks nothing of the frames and keeps what it records until the background answers.
   */
  const topPlan = (found: LookupResponse, early = false): Plan | null => {
    if (found.paused || !found.aids.length) return null;
    if (!early && askFrames && found.aids.some((a) => addressesFrames(a.aid))) {
      // States from before this session may be of frames that are gone or of other aids:
      // drop them, and have the frames that are there report again.
      frames.clear();
      tell({ type: 'frame.resync' });
    }
    if (!early) askFrames = true;
    ui.prefer(!!found.compact);
    // A tip on an element in an iframe is shown by that frame: not here, nor its chunk.
    const aids = found.aids.filter(({ aid }) => !(aid.kind === 'tip' && aid.target.frame));
    return {
      aids,
      record: early
        ? (event) => OF_THE_VIEW.test(event.type) || held.push(() => outbox.send(event))
        : (event) => outbox.send(event),
      frameStep: frames.get,
      kinds: kindsOf(aids),
    };
  };

  /** A sub-frame's session: its own page's aids, tips here, and the agent for steps here. */
  const framePlan = (found: FrameLookupResponse): Plan | null => {
    if (found.paused) return null;
    const here = (ref: Parameters<typeof isThisFrame>[0]) => isThisFrame(ref);
    const tips = tipsHere(found.framed, here);
    const watched = watchedSteps(found.framed, here);
    const aids = [...found.own, ...tips];
    if (!aids.length && !watched.size) return null;
    const tipKeys = new Set(tips.map((a) => a.key));
    return {
      aids,
      // The agent for checklist steps here is the checklist chunk's.
      kinds: [...kindsOf(aids), ...(watched.size ? ['checklist'] : [])],
      // Events of the top page's aids belong to the top page (a srcdoc frame has no URL).
      record: (event) =>
        outbox.send(tipKeys.has(event.aidKey) ? { ...event, url: found.url } : event),
      extra: (env) =>
        watched.size
          ? [
              whenKind('inflow:frame-agent', 'checklist', kinds, (checklist) =>
                checklist.frameAgent!(watched, env, {
                  steps: (aidKey, steps) => tell({ type: 'frame.steps', aidKey, steps }),
                  gone: () => tell({ type: 'frame.gone' }),
                }),
              ),
            ]
          : [],
    };
  };

  const isCurrent = (gen: number) => gen === generation && !ctx.signal.aborted;

  const end = () => {
    session?.dispose();
    session = null;
  };

  /** Measures the page's visible time (./touchpoints.ts), loading the meter the first time. */
  const measure = (url: string, aided: boolean, since: number, gen: number) => {
    if (meter) return meter.begin(url, aided, since);
    void askBackground({ type: 'page.loadChunk', chunk: 'touchpoints' })
      .then(() => {
        const create = registeredTouchpoints();
        if (!create || meter || !isCurrent(gen)) return;
        meter = create((time) => tell({ type: 'touchpoint.time', ...time }), ctx.signal);
        meter.begin(url, aided, since);
      })
      .catch((e) => console.warn('[inflow] could not load the touchpoint meter', e));
  };

  /** Starts the session of `plan`; an `early` one (a first paint) keeps what it asks. */
  const begin = (plan: Plan, url: string, reload: boolean, early: boolean) => {
    end();
    const ask = early ? (r: Parameters<typeof tell>[0]) => held.push(() => tell(r)) : tell;
    session = new PageSession({
      ...plan,
      url,
      reloaded: reload,
      ui,
      resetProgress: (aidKey) => ask({ type: 'progress.reset', aidKey }),
      leaveRun: (aidKey, at) => ask({ type: 'progress.leave', aidKey, at }),
      onBatch: () => urls.check(),
      kinds,
    });
    session.start();
  };

  const open = async (url: string) => {
    const gen = ++generation;
    const startedAt = performance.now();
    end();
    let plan: Plan | null;
    // Only the first lookup of a reloaded page is a reload, whether it finds aids or not.
    const reload = reloaded;
    let answered = false;
    const current = () => isCurrent(gen);
    try {
      // Started at document_start: the question overlaps the page's parsing, and the
      // session starts once the DOM is there.
      const answer = inFrame
        ? withRetry(() => askBackground({ type: 'frame.lookup' }))
        : withRetry(() =>
            askBackground({ type: 'page.lookup', url, ...(reload ? { reload } : {}) }),
          );
      void answer.then(
        () => (answered = true),
        () => {},
      );
      // A stopped service worker takes a few hundred milliseconds to answer. If it has not
      // answered by the time the DOM is there, the top frame shows what the first paint has
      // (./first-paint.ts), with the chunks registered for its pages, and the answer
      // replaces it. On a route change the DOM is there already: an awake worker gets a
      // moment to answer first, so its pages do not show the aids twice.
      if (!inFrame) {
        const early = readFirstPaint(url);
        const parsed = document.readyState !== 'loading';
        void domReady()
          .then(() => parsed && new Promise((r) => setTimeout(r, ROUTE_GRACE_MS)))
          .then(() => early)
          .then((found) => {
            const plan = found && !answered && current() && topPlan(found, true);
            if (!plan) return;
            loadKinds(plan.kinds, gen);
            begin(plan, url, reload, true);
          })
          .catch(() => {});
      }
      let found = await answer;
      reloaded = false;
      // What a person did in the first paint's session counts: sent first, then the lookup
      // again, for the progress it made. Meanwhile that session stays, and keeps what is new.
      while (!inFrame && held.length) {
        await sendHeld(held);
        found = await askBackground({ type: 'page.lookup', url });
      }
      if (!current()) return;
      if (!inFrame) {
        const top = found as LookupResponse;
        if (top.touchpoints)
          measure(
            url,
            top.aids.some((a) => !a.preview),
            startedAt,
            gen,
          );
        else meter?.end();
        help.shortcut = top.help ?? '';
      }
      plan = inFrame ? framePlan(found as FrameLookupResponse) : topPlan(found as LookupResponse);
      // The chunks load while the page is parsed; the session starts once the DOM is there.
      if (plan) loadKinds(plan.kinds, gen);
      await domReady();
      if (!current()) return;
    } catch (e) {
      // A first paint shown meanwhile goes too; what a person did there stays kept, for the
      // next answer (a route change, a reload from the back/forward cache).
      if (current()) end();
      console.warn('[inflow] no answer from the extension', e);
      return;
    }
    if (!plan) {
      end();
      ui.clear();
      return;
    }
    begin(plan, url, reload, false);
  };

  // The regular-expression engine, the first time a value is to be tested on it; once it is
  // here, the session then current evaluates again, so a value that matches completes its
  // step. A failure lets a later test ask again.
  whenRegexWanted(() => {
    void wantRegexEngine(
      () => askBackground({ type: 'page.loadRegex' }),
      () => {
        if (!ctx.signal.aborted) session?.refresh();
      },
    );
  });

  /**
   * Loads the chunks of `wanted` kinds that have not run in this frame; as each arrives, its
   * styles join the overlay and the session of generation `gen`, if still current, shows
   * its aids. A chunk that does not load leaves the other aids as they are.
   */
  const loadKinds = (wanted: string[], gen: number) => {
    for (const kind of new Set(wanted)) {
      // A registered chunk ran before any lookup (a top frame): only its styles to add.
      const ready = kinds.module(kind);
      if (ready) {
        ui.addStyles(ready.styles ?? []);
        continue;
      }
      void kinds.load(kind).then((loaded) => {
        if (!loaded) return;
        ui.addStyles(kinds.module(kind)?.styles ?? []);
        if (gen === generation) session?.refresh();
      });
    }
  };

  const urls = watchUrl(ctx.signal, (url) => {
    // A new route is a new view, even under the same template.
    meter?.end();
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

  const ok = Promise.resolve({ ok: true as const });
  /** Requests for the top frame; a sub-frame takes only overlay.frameResync. */
  const handle = (request: OverlayRequest) => {
    if (inFrame) {
      // The top frame started over (a navigation, new aids): look up and report again.
      if (request.type === 'overlay.frameResync') void open(location.href);
      return undefined;
    }
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
    }
    return undefined;
  };
  // The browser's own API here, not webextension-polyfill (wxt.config.ts): Chromium's
  // listeners answer through sendResponse, keeping the channel open by returning true.
  const onMessage = (
    message: unknown,
    sender: { id?: string },
    sendResponse: (answer: unknown) => void,
  ): true | undefined => {
    if (sender.id !== browser.runtime.id) return undefined;
    const request = parseOverlayRequest(message);
    const answer = request ? handle(request) : undefined;
    if (!answer) return undefined;
    void answer.then(sendResponse);
    return true;
  };
  browser.runtime.onMessage.addListener(onMessage);

  ctx.signal.addEventListener('abort', () => {
    browser.runtime.onMessage.removeListener(onMessage);
    whenRegexWanted(undefined);
    session?.dispose();
    ui.clear();
  });

  void open(location.href);
}
