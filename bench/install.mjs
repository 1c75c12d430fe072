/**
 * Sync and install of a big signed pack, with page lookups asked all the while: bundles
 * bench/install-harness.ts (the background's own sync, packs and lookup modules) with
 * esbuild, and serves it and the pack from one local HTTP server; a Chromium page without
 * the extension runs it (real IndexedDB, real fetch over HTTP, WebCrypto's Ed25519), as the
 * lookup bench does. Each round installs version 1 into an empty store (first install),
 * then version 2 over it (update), once as the background does it (lookups answered from a
 * snapshot of the previous version while the install writes) and once as the reference
 * (no snapshot: a lookup that reads the store waits for the install's transaction).
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { bundleForPage } from './bundle.mjs';
import { summarize } from './stats.mjs';

const HARNESS = fileURLToPath(new URL('./install-harness.ts', import.meta.url));

export const INSTALL_OPTIONS = { aids: 5_000, hosts: 300, cachedHosts: 20, paceMs: 4 };

/** The page, the harness and the pack source, from one origin (no CORS, no private-network rules). */
async function serve(script) {
  const state = { pack: '', packRequests: 0 };
  const headers = {
    // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cache-Control': 'no-store',
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/harness.js') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' });
      return res.end(script);
    }
    if (path === '/pack.json') {
      state.packRequests++;
      const body = Buffer.from(state.pack);
      res.writeHead(200, {
        ...headers,
        'Content-Type': 'application/json',
        'Content-Length': body.length,
      });
      return res.end(body);
    }
    res.writeHead(200, { ...headers, 'Content-Type': 'text/html' });
    res.end(
      '<!doctype html><meta charset="utf-8"><title>install bench</title><script src="/harness.js"></script>',
    );
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    state,
    close: () => {
      // Keep-alive connections would hold close() up for minutes.
      server.closeAllConnections();
      return new Promise((ok) => server.close(ok));
    },
  };
}

/** What one sync did: its steps, and the lookups asked while it ran, by what they answered. */
function summarizeRun(run, previous, next) {
  const { steps } = run;
  const committed = steps.committed ?? Number.NaN;
  const during = run.asked.filter((a) => a.at < committed);
  const writing = during.filter((a) => a.at >= (steps.writing ?? Number.POSITIVE_INFINITY));
  const isVersion = (a, v) =>
    v === null ? a.aids === 0 : a.versions.length === 1 && a.versions[0] === v;
  const known = during.filter((a) => a.known);
  const lat = (xs) => summarize(xs.map((a) => a.ms));
  return {
    outcome: run.outcome,
    message: run.message,
    installedAids: run.installedAids,
    totalMs: committed,
    split: {
      fetchMs: steps.fetched,
      parseMs: steps.parsed - steps.fetched,
      signatureMs: steps.signature - steps.parsed,
      validationMs: steps.validated - steps.signature,
      rowsMs: steps.rows - steps.validated,
      snapshotMs: steps.writing - steps.rows,
      writeMs: committed - steps.writing,
    },
    lookups: {
      asked: during.length,
      duringWrite: writing.length,
      all: lat(during),
      cached: lat(during.filter((a) => a.kind === 'cached')),
      first: lat(during.filter((a) => a.kind === 'first')),
      write: lat(writing),
      /** Of the lookups on hosts with aids asked before the commit: */
      previous: known.filter((a) => isVersion(a, previous)).length,
      next: known.filter((a) => isVersion(a, next)).length,
      mixed: known.filter((a) => a.versions.length > 1).length,
      empty: previous === null ? 0 : known.filter((a) => a.aids === 0).length,
      known: known.length,
      after: run.asked.length - during.length,
    },
    raw: run,
  };
}

/**
 * @param {import('@playwright/test').BrowserContext} context a context without the extension
 * @param {{ rounds?: number, log?: (line: string) => void }} [opts]
 */
export async function measureInstall(context, { rounds = 5, log = () => {} } = {}) {
  const o = INSTALL_OPTIONS;
  const server = await serve(await bundleForPage(HARNESS, 'install harness'));
  log('install: harness bundled');
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${server.origin}/`);
    const ready = await page.evaluate(() => typeof globalThis.inflowInstallBench === 'object');
    if (!ready)
      throw new Error(`the install harness did not start: ${errors.join('; ') || 'no error'}`);
    const packs = await page.evaluate((p) => globalThis.inflowInstallBench.prepare(p), {
      aids: o.aids,
      hosts: o.hosts,
    });
    log(`install: two signed versions of a ${o.aids}-aid pack made`);
    const runs = { snapshot: { first: [], update: [] }, reference: { first: [], update: [] } };
    for (let r = 0; r < rounds; r++) {
      // Alternated, so that a slower moment of the machine falls on both.
      const order = r % 2 ? ['reference', 'snapshot'] : ['snapshot', 'reference'];
      for (const mode of order) {
        await page.evaluate(() => globalThis.inflowInstallBench.reset());
        const args = {
          url: `${server.origin}/pack.json`,
          publicKey: packs.publicKey,
          hosts: o.hosts,
          cachedHosts: o.cachedHosts,
          paceMs: o.paceMs,
          snapshot: mode === 'snapshot',
        };
        for (const [phase, body, previous, next] of [
          ['first', packs.v1, null, '1'],
          ['update', packs.v2, '1', '2'],
        ]) {
          server.state.pack = body;
          const run = await page.evaluate((a) => globalThis.inflowInstallBench.run(a), args);
          if (run.outcome !== 'installed' || run.installedAids !== o.aids) {
            throw new Error(`${phase} install (${mode}): ${run.outcome}: ${run.message}`);
          }
          runs[mode][phase].push(summarizeRun(run, previous, next));
          log(`install: round ${r + 1}, ${mode}, ${phase}: ${Math.round(run.steps.committed)} ms`);
        }
      }
    }
    const pick = (list) => {
      // The round of median total time, and every lookup of every round.
      const sorted = [...list].sort((a, b) => a.totalMs - b.totalMs);
      const mid = sorted[Math.floor((sorted.length - 1) / 2)];
      const sum = (key) => list.reduce((n, x) => n + x.lookups[key], 0);
      const all = (sub) =>
        summarize(
          list.flatMap((x) =>
            x.raw.asked
              .filter((a) => a.at < x.totalMs && (sub ? a.kind === sub : true))
              .map((a) => a.ms),
          ),
        );
      return {
        rounds: list.length,
        totalMs: summarize(list.map((x) => x.totalMs)),
        median: { ...mid, raw: undefined },
        lookups: {
          asked: sum('asked'),
          duringWrite: sum('duringWrite'),
          known: sum('known'),
          previous: sum('previous'),
          next: sum('next'),
          mixed: sum('mixed'),
          empty: sum('empty'),
          all: all(),
          cached: all('cached'),
          first: all('first'),
          write: summarize(
            list.flatMap((x) =>
              x.raw.asked
                .filter((a) => a.at < x.totalMs && a.at >= x.raw.steps.writing)
                .map((a) => a.ms),
            ),
          ),
        },
        raw: list.map((x) => x.raw),
      };
    };
    return {
      options: { ...o, rounds },
      packBytes: { v1: Buffer.byteLength(packs.v1), v2: Buffer.byteLength(packs.v2) },
      packRequests: server.state.packRequests,
      snapshot: { first: pick(runs.snapshot.first), update: pick(runs.snapshot.update) },
      reference: { first: pick(runs.reference.first), update: pick(runs.reference.update) },
    };
  } finally {
    await page.close();
    await server.close();
  }
}
