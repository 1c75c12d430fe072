/**
 * Main-thread time a page spends with the extension installed versus without it.
 *
 * Each sample is one fresh tab: CDP Performance metrics are read on about:blank just before
 * the navigation and again once the page has settled (load + settleMs, after the overlay's
 * settle timer), and the difference is the page's cost. Samples with and without the
 * extension come from two browsers and are taken in pairs, alternating which goes first,
 * so drift of the machine's load hits both sides alike.
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

/** Opens a tab and loads `url` in it; resolves once the load event has fired. */
async function start(context, url, timeDomain, reducedMotion) {
  const page = await context.newPage();
  if (reducedMotion) await page.emulateMedia({ reducedMotion: 'reduce' });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain });
  const before = await readMetrics(cdp);
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response?.ok()) throw new Error(`${url} answered ${response?.status()}`);
  return { page, cdp, before, loadedAt: Date.now() };
}

/** Waits until the page has settled, reads the metrics, checks for the overlay, closes. */
async function finish(sample, settleMs) {
  const { page, cdp, before, loadedAt } = sample;
  try {
    await sleep(Math.max(0, loadedAt + settleMs - Date.now()));
    const after = await readMetrics(cdp);
    // A cross-process navigation starts the counters afresh in the page's new renderer.
    const swapped = after.TaskDuration < before.TaskDuration;
    const delta = Object.fromEntries(
      METRICS.map((k) => [
        k,
        (DURATIONS.includes(k) ? 1000 : 1) * (swapped ? after[k] : after[k] - before[k]),
      ]),
    );
    const overlay = await page.evaluate(() => document.querySelector('inflow-overlay') !== null);
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
      overlay,
      swapped,
    };
  } finally {
    await cdp.detach().catch(() => {});
    await page.close();
  }
}

/**
 * @param {{ with: import('@playwright/test').BrowserContext, without: import('@playwright/test').BrowserContext }} contexts
 * @param {string} url
 * @param {{ n: number, warmup: number, settleMs: number, timeDomain: 'threadTicks' | 'timeTicks', reducedMotion?: boolean }} o
 */
export async function measurePage(
  contexts,
  url,
  { n, warmup, settleMs, timeDomain, reducedMotion = false },
) {
  const samples = { with: [], without: [] };
  for (let i = 0; i < warmup + n; i++) {
    const order = i % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
    const first = await start(contexts[order[0]], url, timeDomain, reducedMotion);
    const second = await start(contexts[order[1]], url, timeDomain, reducedMotion);
    const a = await finish(first, settleMs);
    const b = await finish(second, settleMs);
    if (i < warmup) continue;
    samples[order[0]].push(a);
    samples[order[1]].push(b);
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
