/**
 * Main-thread time a page spends with the extension installed versus without it.
 *
 * Each sample is one fresh tab: CDP Performance metrics are read on about:blank just before
 * the navigation and again once the page has settled (load + settleMs, after the overlay's
 * settle timer), and the difference is the page's cost. Samples with and without the
 * extension come from two browsers and are taken in pairs, alternating which goes first,
 * so drift of the machine's load hits both sides alike.
 *
 * The page's renderer also runs its same-origin and srcdoc frames. A cross-origin frame runs
 * in a renderer of its own (site isolation): the page's session auto-attaches to such frames
 * and holds each one until its own Performance counters are on, so its time is counted from
 * its first task, apart from the page's. Once settled, every frame is checked for the
 * overlay element and for an extension's isolated world (a content script that ran there).
 */
import { sleep } from './stats.mjs';

const METRICS = [
  'TaskDuration',
  'ScriptDuration',
  'V8CompileDuration',
  'LayoutDuration',
  'RecalcStyleDuration',
  'TaskOtherDuration',
  'LayoutCount',
  'RecalcStyleCount',
];
const DURATIONS = METRICS.filter((k) => k.endsWith('Duration'));

async function readMetrics(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const byName = Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  return Object.fromEntries(METRICS.map((k) => [k, byName[k] ?? 0]));
}

/**
 * Cross-origin frames (child targets) of a page's CDP session, attached as they start and
 * held until their Performance counters are on. The flat protocol mode would need sessions
 * that Playwright does not give out, so messages go through Target.sendMessageToTarget.
 * Only the page's own children: a cross-origin frame inside a cross-origin frame is not seen.
 */
function childFrames(cdp, timeDomain) {
  let id = 0;
  const pending = new Map();
  const children = [];
  const send = (sessionId, method, params = {}) =>
    new Promise((ok, fail) => {
      const n = ++id;
      pending.set(n, { ok, fail });
      cdp
        .send('Target.sendMessageToTarget', {
          sessionId,
          message: JSON.stringify({ id: n, method, params }),
        })
        .catch((e) => {
          pending.delete(n);
          fail(e);
        });
    });
  cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    const msg = JSON.parse(message);
    const child = children.find((c) => c.sessionId === sessionId);
    if (msg.method === 'Runtime.executionContextCreated') child?.contexts.push(msg.params.context);
    const p = msg.id !== undefined && pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.fail(new Error(`${msg.error.message} (${msg.error.code})`));
    else p.ok(msg.result);
  });
  cdp.on('Target.attachedToTarget', async ({ sessionId, targetInfo }) => {
    const child = { sessionId, type: targetInfo.type, enabled: false, contexts: [] };
    children.push(child);
    if (targetInfo.type === 'iframe') {
      child.enabled = await send(sessionId, 'Performance.enable', { timeDomain }).then(
        () => true,
        () => false,
      );
    }
    await send(sessionId, 'Runtime.runIfWaitingForDebugger').catch(() => {});
  });
  return {
    attach: () =>
      cdp.send('Target.setAutoAttach', {
        autoAttach: true,
        waitForDebuggerOnStart: true,
        flatten: false,
      }),
    /** Metrics of the cross-origin frames that are still there, summed. */
    async metrics() {
      const sum = Object.fromEntries(METRICS.map((k) => [k, 0]));
      let count = 0;
      for (const c of children) {
        if (c.type !== 'iframe' || !c.enabled) continue;
        const r = await send(c.sessionId, 'Performance.getMetrics').catch(() => null);
        if (!r) continue;
        count++;
        const byName = Object.fromEntries(r.metrics.map((m) => [m.name, m.value]));
        for (const k of METRICS) sum[k] += byName[k] ?? 0;
      }
      return { count, sum };
    },
    /** Execution contexts of the cross-origin frames (Runtime.enable reports the existing). */
    async contexts() {
      const out = [];
      for (const c of children.filter((x) => x.type === 'iframe')) {
        c.contexts = [];
        if (
          await send(c.sessionId, 'Runtime.enable').then(
            () => true,
            () => false,
          )
        ) {
          out.push(...c.contexts);
        }
      }
      return out;
    },
  };
}

/** Execution contexts of the page's own renderer: its frames that are not cross-origin. */
async function pageContexts(cdp) {
  const contexts = [];
  const l = ({ context }) => contexts.push(context);
  cdp.on('Runtime.executionContextCreated', l);
  await cdp.send('Runtime.enable');
  cdp.off('Runtime.executionContextCreated', l);
  return contexts;
}

/**
 * Opens a tab and loads `url` in it; resolves once the load event has fired. `setup` prepares
 * the tab first (peer-page.mjs routes the page through it to add a peer library).
 */
async function start(context, url, timeDomain, reducedMotion, setup) {
  const page = await context.newPage();
  if (reducedMotion) await page.emulateMedia({ reducedMotion: 'reduce' });
  if (setup) await setup(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain });
  const children = childFrames(cdp, timeDomain);
  await children.attach();
  const before = await readMetrics(cdp);
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response?.ok()) throw new Error(`${url} answered ${response?.status()}`);
  return { page, cdp, children, before, loadedAt: Date.now() };
}

const EXTENSION_ORIGIN = 'chrome-extension://';

/** Waits until the page has settled, reads the metrics, checks every frame, closes. */
async function finish(sample, settleMs) {
  const { page, cdp, children, before, loadedAt } = sample;
  try {
    await sleep(Math.max(0, loadedAt + settleMs - Date.now()));
    const after = await readMetrics(cdp);
    const crossOrigin = await children.metrics();
    // A cross-process navigation starts the counters afresh in the page's new renderer.
    const swapped = after.TaskDuration < before.TaskDuration;
    const delta = Object.fromEntries(
      METRICS.map((k) => [
        k,
        (DURATIONS.includes(k) ? 1000 : 1) * (swapped ? after[k] : after[k] - before[k]),
      ]),
    );
    const frames = page.frames();
    const peerShown = await page
      .evaluate(() => document.querySelector('.driver-popover') !== null)
      .catch(() => false);
    const overlayIn = await Promise.all(
      frames.map((f) =>
        f.evaluate(() => document.querySelector('inflow-overlay') !== null).catch(() => false),
      ),
    );
    // A content script of the extension runs in an isolated world whose origin is the
    // extension's: one per frame it ran in.
    const worlds = [...(await pageContexts(cdp)), ...(await children.contexts())].filter((c) =>
      String(c.origin).startsWith(EXTENSION_ORIGIN),
    );
    const ms = (k) => 1000 * crossOrigin.sum[k];
    return {
      taskMs: delta.TaskDuration,
      scriptMs: delta.ScriptDuration,
      compileMs: delta.V8CompileDuration,
      layoutMs: delta.LayoutDuration,
      styleMs: delta.RecalcStyleDuration,
      // Task time outside script, style and layout: mostly paint and the rest of rendering.
      otherMs: delta.TaskOtherDuration,
      layouts: delta.LayoutCount,
      styleRecalcs: delta.RecalcStyleCount,
      // The cross-origin frames' own renderers, from their first task.
      crossOriginFrames: crossOrigin.count,
      crossOriginTaskMs: ms('TaskDuration'),
      crossOriginScriptMs: ms('ScriptDuration'),
      // The overlay element in the top document, and in how many frames of all.
      overlay: overlayIn[0],
      // The peer's popover (driver.js), on a page that loads it (peer-page.mjs).
      peerShown,
      frames: frames.length,
      overlayFrames: overlayIn.filter(Boolean).length,
      scriptFrames: new Set(worlds.map((c) => c.auxData?.frameId ?? c.uniqueId)).size,
      swapped,
    };
  } finally {
    await cdp.detach().catch(() => {});
    await page.close();
  }
}

/**
 * One sample per side and round, the sides' loads started back to back and the first side
 * moving on by one each round, so drift of the machine's load hits every side alike. The
 * sides are the contexts' keys: `with` and `without` the extension, and optionally a `peer`
 * (a browser without the extension whose tabs `setup.peer` prepares). Each side should be a
 * browser of its own: tabs of one site in one browser may share a renderer, and its counters.
 * @param {Record<string, import('@playwright/test').BrowserContext>} contexts
 * @param {string} url
 * @param {{ n: number, warmup: number, settleMs: number, timeDomain: 'threadTicks' | 'timeTicks', reducedMotion?: boolean, setup?: Record<string, (page: import('@playwright/test').Page) => Promise<void>> }} o
 */
export async function measurePage(
  contexts,
  url,
  { n, warmup, settleMs, timeDomain, reducedMotion = false, setup = {} },
) {
  const sides = Object.keys(contexts);
  const samples = Object.fromEntries(sides.map((side) => [side, []]));
  for (let i = 0; i < warmup + n; i++) {
    const order = sides.map((_, k) => sides[(i + k) % sides.length]);
    const started = [];
    for (const side of order) {
      started.push(await start(contexts[side], url, timeDomain, reducedMotion, setup[side]));
    }
    const done = [];
    for (const sample of started) done.push(await finish(sample, settleMs));
    if (i < warmup) continue;
    for (const [k, side] of order.entries()) samples[side].push(done[k]);
  }
  return samples;
}

/** Checks that the requested CDP time domain works; falls back to wall-clock task time. */
export async function pickTimeDomain(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    return 'threadTicks';
  } catch {
    return 'timeTicks';
  } finally {
    await cdp.detach().catch(() => {});
    await page.close();
  }
}
