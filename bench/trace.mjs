/**
 * Where main-thread time goes, from a Chromium trace: CDP's Performance counters split a
 * page's time into script, style, layout and "other", and "other" (paint, compositing,
 * parsing, garbage collection…) is where the extension's cost is least explained. A trace
 * names every piece.
 *
 * Each sample is one fresh tab: tracing starts on about:blank, the page loads, and tracing
 * ends `windowMs` after the load (or covers a window of `windowMs` once the page has settled
 * `settleMs`, for a page whose DOM keeps changing). The renderers' main threads
 * (CrRendererMain) are kept, and every complete event's self time (its duration less its
 * children's) goes to a bucket by its name. Time spent under one of the extension's scripts
 * (an ancestor event names a chrome-extension:// URL) is also counted apart, whatever its
 * bucket: a layout the overlay forces counts as layout, and as the extension's.
 *
 * Tracing costs time of its own, more so with V8's compile events on, so its figures are
 * larger than the counters' and are compared between sides of the same run, never to them.
 */
import { sleep } from './stats.mjs';

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'blink',
  'loading',
].join(',');

/** Buckets by event name, first match wins; what matches none is "other". */
const BUCKETS = [
  ['gc', /GC|Garbage|V8\.Heap/],
  [
    'compile',
    /^V8\.(PreParse|Parse|Compile|FlushInstructionCache)|^v8\.compile|^v8\.produce|^v8\.consume/,
  ],
  [
    'script',
    /^(FunctionCall|EvaluateScript|v8\.|V8\.|RunMicrotasks|TimerFire|EventDispatch|FireAnimationFrame|FireIdleCallback)/,
  ],
  ['style', /Style|recalcStyle|UpdateLayoutTree|CSSParser|RuleSet|InvalidateStyle/],
  ['layout', /Layout|layout|InlineNode|ShapeText/],
  ['paint', /Paint|Layerize|CullRect|UpdateLayer|Raster|Decode|Image/],
  ['composite', /Commit|Composit|pushPaintArtifact|Animate|UpdateLifecycle|BeginMainFrame/],
  ['parse', /ParseHTML|HTMLDocumentParser|HTMLPreloadScanner|HTMLParser|Resource::appendData/],
];

export const BUCKET_NAMES = [...BUCKETS.map(([name]) => name), 'other'];

const bucketOf = (name) => BUCKETS.find(([, re]) => re.test(name))?.[0] ?? 'other';

const EXTENSION_URL = /chrome-extension:\/\/[a-p]{32}\/([\w.-]+)/;

/** The extension file an event names (a script's URL in its arguments), or null. */
function extensionFile(event) {
  const d = event.args?.data ?? {};
  const named = d.url ?? d.scriptName ?? d.stackTrace?.[0]?.url ?? event.args?.fileName ?? '';
  return EXTENSION_URL.exec(String(named))?.[1] ?? null;
}

/**
 * Self time per bucket on the renderers' main threads, in ms, and the part of it spent under
 * one of the extension's scripts, by bucket and by file.
 * @param {object[]} events trace events as CDP's Tracing.dataCollected gives them
 */
export function mainThreadTime(events) {
  const main = new Set();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') {
      main.add(`${e.pid}:${e.tid}`);
    }
  }
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !(e.dur > 0)) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!main.has(key)) continue;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
  }
  const zero = () => Object.fromEntries(BUCKET_NAMES.map((b) => [b, 0]));
  const all = zero();
  const extension = zero();
  const files = {};
  for (const list of byThread.values()) {
    // Parents before children: by start, the longer first when two start together.
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const stack = [];
    const nodes = [];
    for (const e of list) {
      while (stack.length && stack.at(-1).end <= e.ts) stack.pop();
      const parent = stack.at(-1);
      const node = { e, self: e.dur, end: e.ts + e.dur, file: parent?.file ?? extensionFile(e) };
      if (parent) parent.self -= Math.min(e.dur, parent.end - e.ts);
      stack.push(node);
      nodes.push(node);
    }
    for (const { e, self, file } of nodes) {
      const ms = Math.max(0, self) / 1000;
      const bucket = bucketOf(e.name);
      all[bucket] += ms;
      if (!file) continue;
      extension[bucket] += ms;
      files[file] = (files[file] ?? 0) + ms;
    }
  }
  return { all, extension, files };
}

/** One traced sample of `url` in a fresh tab of `context`. */
async function traceOnce(context, url, { settleMs, windowMs, setup }) {
  const page = await context.newPage();
  try {
    if (setup) await setup(page);
    const cdp = await context.newCDPSession(page);
    const events = [];
    cdp.on('Tracing.dataCollected', ({ value }) => {
      for (const e of value) events.push(e);
    });
    const complete = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
    const start = () =>
      cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
    if (!settleMs) await start();
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response?.ok()) throw new Error(`${url} answered ${response?.status()}`);
    if (settleMs) {
      await sleep(settleMs);
      await start();
    }
    await sleep(windowMs);
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach().catch(() => {});
    return mainThreadTime(events);
  } finally {
    await page.close().catch(() => {});
  }
}

/**
 * Traces `url` in each of `contexts` ({ side: context }), `n` samples each after `warmup`,
 * sides in turn (the first side rotating), and returns each side's mean per sample.
 * `settleMs`: 0 traces the load and `windowMs` after it; more traces a window of `windowMs`
 * that starts `settleMs` after the load. `setup`: per side, a function given the tab first.
 */
export async function traceSides(contexts, url, { n, warmup, settleMs = 0, windowMs, setup = {} }) {
  const sides = Object.keys(contexts);
  const sums = {};
  for (let i = 0; i < warmup + n; i++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length];
      const t = await traceOnce(contexts[side], url, { settleMs, windowMs, setup: setup[side] });
      if (i < warmup) continue;
      sums[side] ??= { all: {}, extension: {}, files: {} };
      for (const part of ['all', 'extension', 'files']) {
        for (const [key, ms] of Object.entries(t[part])) {
          sums[side][part][key] = (sums[side][part][key] ?? 0) + ms / n;
        }
      }
    }
  }
  return sums;
}
