/**
 * Inflow under churn: the console's floor view (tests/apps/console/floor.js), about 2,000 DOM
 * mutations a second, 50 agents in nested shadow roots, every one of them an aid's target.
 *
 * measureChurn: main-thread time over a fixed window once the page has settled, with the
 * extension and without it, one load of each side per round (two browsers, started back to
 * back, the first side moving on each round), as CDP Performance metrics count it. What
 * Inflow adds is the median of all with−without differences; the page's own time is the
 * without side's.
 *
 * soak: one tab with the extension and the same tab without it, moving between the floor's
 * routes and ticking agents' boxes while the churn goes on, their heaps sampled at intervals.
 * A renderer runs the page's main world and the extension's isolated world in one V8
 * isolate, so the isolate's heap figures (Runtime.getHeapUsage, Performance.getMetrics'
 * JSHeapUsedSize, performance.memory) are the page's and Inflow's together: the isolate's
 * used heap after a full garbage collection, with the extension less without it, is what
 * Inflow adds (its world's context and compiled code included), and the verdict's measure.
 * Beside it, the sampling heap profiler (HeapProfiler.startSampling) keeps, for each sampled
 * object still alive, the stack that allocated it; the live objects allocated with a frame of
 * the extension's scripts (chrome-extension://…) on that stack, scaled by V8 to bytes, are
 * its estimate of the content script's own objects, the DOM wrappers of its world and the
 * nodes it created. That estimate grew several times faster than the whole heap it samples
 * in long soaks, so it is printed, not judged.
 *
 * The soak also takes three heap snapshots of each tab, at a quarter, half and the end of its
 * time, and counts the objects allocated between the first two that are still there at the
 * third (bench/heap-snapshot.mjs): what the renderer retains, object by object, with the
 * extension and without it. Garbage is not in a snapshot, and a page session's objects end
 * with it, so the with−without difference is what Inflow keeps.
 */
import { retained, takeSnapshot } from './heap-snapshot.mjs';
import { shift, sleep, summarize } from './stats.mjs';

const METRICS = [
  'TaskDuration',
  'ScriptDuration',
  'LayoutDuration',
  'RecalcStyleDuration',
  'TaskOtherDuration',
  'LayoutCount',
  'RecalcStyleCount',
];

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const byName = Object.fromEntries(list.map((m) => [m.name, m.value]));
  return Object.fromEntries(METRICS.map((k) => [k, byName[k] ?? 0]));
}

const pageStats = (page) =>
  page.evaluate(() => {
    const s = /** @type {any} */ (window).floorStats;
    return { mutations: s.mutations, ticks: s.ticks, at: performance.now() };
  });

/** Loads the page with `overlay` expected or not, waits until settled; resolves the open tab. */
async function open(context, url, timeDomain) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain });
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response?.ok()) throw new Error(`${url} answered ${response?.status()}`);
  return { page, cdp };
}

async function windowStart(tab) {
  return { m: await metrics(tab.cdp), s: await pageStats(tab.page) };
}

async function windowEnd(tab, start) {
  const m = await metrics(tab.cdp);
  const s = await pageStats(tab.page);
  const overlay = await tab.page.evaluate(() => {
    const root = document.querySelector('inflow-overlay')?.shadowRoot;
    return {
      shown: !!root,
      // Tips' beacons and the checklist's steps drawn: the aids were really at work.
      buttons: root ? root.querySelectorAll('button').length : 0,
    };
  });
  const d = (k) => (k.endsWith('Count') ? 1 : 1000) * (m[k] - start.m[k]);
  const seconds = (s.at - start.s.at) / 1000;
  return {
    taskMs: d('TaskDuration'),
    scriptMs: d('ScriptDuration'),
    layoutMs: d('LayoutDuration'),
    styleMs: d('RecalcStyleDuration'),
    otherMs: d('TaskOtherDuration'),
    layouts: d('LayoutCount'),
    styleRecalcs: d('RecalcStyleCount'),
    seconds,
    mutationsPerSecond: (s.mutations - start.s.mutations) / seconds,
    // The page's own 20 ms timer: fewer ticks than 50 a second means its main thread was late.
    ticksPerSecond: (s.ticks - start.s.ticks) / seconds,
    overlay: overlay.shown,
    overlayButtons: overlay.buttons,
  };
}

/**
 * @param {Record<'with' | 'without', import('@playwright/test').BrowserContext>} contexts
 * @param {string} url
 * @param {{ n: number, warmup: number, settleMs: number, windowMs: number, timeDomain: string }} o
 */
export async function measureChurn(contexts, url, { n, warmup, settleMs, windowMs, timeDomain }) {
  const sides = Object.keys(contexts);
  const samples = Object.fromEntries(sides.map((s) => [s, []]));
  for (let i = 0; i < warmup + n; i++) {
    const order = sides.map((_, k) => sides[(i + k) % sides.length]);
    const tabs = [];
    try {
      for (const side of order) tabs.push(await open(contexts[side], url, timeDomain));
      await sleep(settleMs);
      const starts = [];
      for (const tab of tabs) starts.push(await windowStart(tab));
      await sleep(windowMs);
      const done = [];
      for (const [k, tab] of tabs.entries()) done.push(await windowEnd(tab, starts[k]));
      if (i >= warmup) for (const [k, side] of order.entries()) samples[side].push(done[k]);
    } finally {
      for (const tab of tabs) {
        await tab.cdp.detach().catch(() => {});
        await tab.page.close().catch(() => {});
      }
    }
  }
  const added = {};
  for (const key of ['taskMs', 'scriptMs', 'layoutMs', 'styleMs', 'otherMs']) {
    added[key] = shift(
      samples.with.map((s) => s[key]),
      samples.without.map((s) => s[key]),
    );
  }
  const own = summarize(samples.without.map((s) => s.taskMs));
  // The share as a ratio of the two sides' loads, every pair: its spread says how sure.
  const shares = shift(
    samples.with.map((s) => s.taskMs / own.median),
    samples.without.map((s) => s.taskMs / own.median),
  );
  return {
    ...samples,
    added,
    own,
    sharePct: {
      median: (100 * added.taskMs.median) / own.median,
      p25: 100 * shares.p25,
      p75: 100 * shares.p75,
    },
  };
}

// ---------------------------------------------------------------------------------------
// Soak

const EXTENSION = 'chrome-extension://';

/**
 * Live bytes allocated with a frame of the extension's scripts on the stack, from a sampling
 * heap profile (V8 scales each node's selfSize to an estimate of all its bytes).
 */
export function extensionBytes(profile) {
  let bytes = 0;
  let total = 0;
  const walk = (node, inExtension) => {
    const here = inExtension || String(node.callFrame?.url ?? '').startsWith(EXTENSION);
    total += node.selfSize;
    if (here) bytes += node.selfSize;
    for (const child of node.children ?? []) walk(child, here);
  };
  walk(profile.head, false);
  return { bytes, total };
}

/** Least-squares slope and intercept of y on x, with the slope's standard error. */
export function leastSquares(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ys[i] - intercept - slope * xs[i]) ** 2;
  const se = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : Number.NaN;
  return { slope, intercept, se, n };
}

const ROUTES = ['#/queue', '#/alerts', '#/teams'];

/** One step of the working day: the next route, and now and then an agent's box ticked. */
async function act(page, step, tickEvery) {
  await page.click(`.fl-nav a[href="${ROUTES[step % ROUTES.length]}"]`);
  if (step % tickEvery === tickEvery - 1) {
    const agent = Math.floor(step / tickEvery) % 40;
    // The box is in the tile's shadow root, two roots deep: Playwright's CSS pierces them.
    await page
      .locator(`agent-tile[ext="${2001 + agent}"] input[type="checkbox"]`)
      .click({ timeout: 2_000 })
      .catch(() => {});
  }
}

/**
 * A working day in a few minutes: `durationMs` of route changes every `navEveryMs` (a new
 * Inflow page session each time) under the floor's churn, in a tab with the extension and the
 * same in a tab without it, heap sampled every `sampleEveryMs`.
 * @param {Record<'with' | 'without', import('@playwright/test').BrowserContext>} contexts
 */
export async function soak(
  contexts,
  url,
  { durationMs, sampleEveryMs, navEveryMs, tickEvery = 3, samplingInterval = 4096, log },
) {
  const tabs = {};
  for (const side of ['with', 'without']) {
    const page = await contexts[side].newPage();
    const cdp = await contexts[side].newCDPSession(page);
    tabs[side] = { page, cdp };
  }
  const { with: w, without: wo } = tabs;
  try {
    // The profiler samples from its start: it starts on the page, which then reloads in the
    // same renderer, so the content script's allocations from document_start are seen.
    for (const tab of Object.values(tabs)) {
      const r = await tab.page.goto(url, { waitUntil: 'load' });
      if (!r?.ok()) throw new Error(`${url} answered ${r?.status()}`);
      await tab.cdp.send('HeapProfiler.enable');
    }
    await w.cdp.send('HeapProfiler.startSampling', { samplingInterval });
    for (const tab of Object.values(tabs)) await tab.page.reload({ waitUntil: 'load' });
    const t0 = Date.now();
    const samples = [];
    let step = 0;
    let nextNav = t0 + navEveryMs;
    let nextSample = t0 + sampleEveryMs;
    // Three snapshots a tab, at a quarter, half and the end of the time.
    const snapshots = { with: [], without: [] };
    const snapshotMinutes = [];
    const snapshotAt = [durationMs / 4, durationMs / 2];
    const snapshot = async () => {
      for (const [side, tab] of Object.entries(tabs))
        snapshots[side].push(await takeSnapshot(tab.cdp));
      snapshotMinutes.push((Date.now() - t0) / 60_000);
      log?.(
        `soak ${snapshotMinutes.at(-1).toFixed(1)} min: heap snapshot ${snapshotMinutes.length}`,
      );
    };
    const sample = async () => {
      const at = (Date.now() - t0) / 60_000;
      await w.cdp.send('HeapProfiler.collectGarbage');
      await wo.cdp.send('HeapProfiler.collectGarbage');
      const { profile } = await w.cdp.send('HeapProfiler.getSamplingProfile');
      const ext = extensionBytes(profile);
      const heapWith = await w.cdp.send('Runtime.getHeapUsage');
      const heapWithout = await wo.cdp.send('Runtime.getHeapUsage');
      const overlay = await w.page.evaluate(() => !!document.querySelector('inflow-overlay'));
      const s = {
        minutes: at,
        contentScriptBytes: ext.bytes,
        sampledBytes: ext.total,
        isolateUsedWith: heapWith.usedSize,
        isolateUsedWithout: heapWithout.usedSize,
        navigations: step,
        overlay,
      };
      samples.push(s);
      log?.(
        `soak ${at.toFixed(1)} min: content script ${(s.contentScriptBytes / 1024).toFixed(0)} KB, renderer heap ${(s.isolateUsedWith / 1048576).toFixed(1)} MB with / ${(s.isolateUsedWithout / 1048576).toFixed(1)} MB without, ${step} navigations`,
      );
    };
    await sample();
    while (Date.now() - t0 < durationMs) {
      const now = Date.now();
      if (snapshotAt.length && now - t0 >= snapshotAt[0]) {
        snapshotAt.shift();
        await snapshot();
      } else if (now >= nextSample) {
        await sample();
        nextSample += sampleEveryMs;
      } else if (now >= nextNav) {
        await Promise.all([act(w.page, step, tickEvery), act(wo.page, step, tickEvery)]);
        step++;
        nextNav += navEveryMs;
      } else await sleep(Math.min(nextSample, nextNav) - now);
    }
    await sample();
    await w.cdp.send('HeapProfiler.stopSampling').catch(() => {});
    let kept = null;
    if (snapshots.with.length === 2) {
      await snapshot();
      kept = { minutes: snapshotMinutes };
      for (const side of ['with', 'without']) {
        const [a, b, c] = snapshots[side];
        kept[side] = { ...retained(a, b, c), heapBytes: [a.bytes, b.bytes, c.bytes] };
      }
    }
    return { samples, navigations: step, samplingInterval, retained: kept };
  } finally {
    for (const tab of Object.values(tabs)) {
      await tab.cdp.detach().catch(() => {});
      await tab.page.close().catch(() => {});
    }
  }
}
