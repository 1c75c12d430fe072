/**
 * Lookup time with many aids in the store: bundles bench/lookup-harness.ts (which imports the
 * background's db, packs and lookup modules as they are) with esbuild, serves it to a
 * Chromium page without the extension, and runs it there: real IndexedDB, native URLPattern.
 */
import { fileURLToPath } from 'node:url';
import { bundleForPage } from './bundle.mjs';
import { summarize } from './stats.mjs';

const HARNESS = fileURLToPath(new URL('./lookup-harness.ts', import.meta.url));
const ORIGIN = 'http://lookup-bench.localhost';

export const LOOKUP_OPTIONS = {
  aids: 10_000,
  hosts: 500,
  wildcardHosts: 5,
  aidsPerWildcardHost: 20,
  anyHostAids: 3,
  hostsPerPack: 10,
  seed: 20240601,
};

/** Bundles the harness; throws with esbuild's messages when a module cannot be bundled. */
export function bundleHarness() {
  return bundleForPage(HARNESS, 'lookup harness');
}

/**
 * @param {import('@playwright/test').BrowserContext} context a context without the extension
 * @param {{ count?: number, naiveEvery?: number, warmup?: number }} [opts]
 */
export async function measureLookup(context, { count = 200, naiveEvery = 10, warmup = 20 } = {}) {
  const script = await bundleHarness();
  const page = await context.newPage();
  // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
  const headers = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cache-Control': 'no-store',
  };
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/harness.js') {
      return route.fulfill({ status: 200, headers, contentType: 'text/javascript', body: script });
    }
    return route.fulfill({
      status: 200,
      headers,
      contentType: 'text/html',
      body: '<!doctype html><meta charset="utf-8"><title>lookup bench</title><script src="/harness.js"></script>',
    });
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${ORIGIN}/`);
    const ready = await page.evaluate(() => typeof globalThis.inflowBench === 'object');
    if (!ready)
      throw new Error(`the lookup harness did not start: ${errors.join('; ') || 'no error'}`);
    const setup = await page.evaluate((o) => globalThis.inflowBench.setup(o), LOOKUP_OPTIONS);
    if (setup.failed.length) throw new Error(`bench packs refused: ${setup.failed.join('; ')}`);
    if (setup.aids !== LOOKUP_OPTIONS.aids) {
      throw new Error(`store holds ${setup.aids} aids, wanted ${LOOKUP_OPTIONS.aids}`);
    }
    // A fresh page, as a service worker that just woke up: no URL pattern compiled yet.
    await page.reload();
    const run = await page.evaluate(
      ([o, c, n, w]) => globalThis.inflowBench.run(o, c, n, w),
      [LOOKUP_OPTIONS, count, naiveEvery, warmup],
    );
    await page.evaluate(() => globalThis.inflowBench.teardown());
    const hits = run.found.filter((n) => n > 0).length;
    const cold = run.firstPassMs.filter((_, i) => run.firstVisit[i]);
    const coldRead = run.firstPassMs.filter((_, i) => run.firstVisit[i] && run.readRows[i]);
    // Those whose aids have progress read it in a second round trip; the others ask none.
    const coldReadProgress = run.firstPassMs.filter(
      (_, i) => run.firstVisit[i] && run.readRows[i] && run.hadProgress[i],
    );
    return {
      store: { ...LOOKUP_OPTIONS, ...setup },
      urls: run.firstPassMs.length,
      hits,
      misses: run.firstPassMs.length - hits,
      aidsFound: summarize(run.found),
      candidateRows: summarize(run.candidates),
      crossOriginIsolated: run.crossOriginIsolated,
      firstLookupMs: run.firstLookupMs,
      cold: { urls: cold.length, ...summarize(cold) },
      coldRead: { urls: coldRead.length, ...summarize(coldRead) },
      coldReadProgress: { urls: coldReadProgress.length, ...summarize(coldReadProgress) },
      firstPass: summarize(run.firstPassMs),
      warm: { urls: run.warmMs.length, ...summarize(run.warmMs) },
      uncached: { urls: run.uncachedMs.length, ...summarize(run.uncachedMs) },
      keysInUse: summarize(run.keysInUseMs),
      keysFromIndex: summarize(run.keysFromIndexMs),
      storeOnly: summarize(run.storeMs),
      aidsQuery: summarize(run.aidsQueryMs),
      indexed: run.indexed,
      progressOnly: summarize(run.progressMs),
      firstRead: summarize(run.firstReadMs),
      twoReads: summarize(run.twoReadsMs),
      matchOnly: summarize(run.matchMs),
      emptyTransaction: summarize(run.emptyTxMs),
      naive: { urls: run.naiveUrls, ...summarize(run.naiveMs) },
      memoryScan: { urls: run.naiveUrls, ...summarize(run.memoryScanMs) },
      mismatches: run.mismatches,
      raw: {
        firstPassMs: run.firstPassMs,
        firstVisit: run.firstVisit,
        readRows: run.readRows,
        hadProgress: run.hadProgress,
        warmMs: run.warmMs,
        uncachedMs: run.uncachedMs,
        naiveMs: run.naiveMs,
      },
    };
  } finally {
    await page.close();
  }
}
