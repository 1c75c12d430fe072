/**
 * `npm run bench`: what the extension costs a page, and how fast it answers.
 *
 *   1. size: gzipped (level 9) size of what a page loads up front (the registered overlay
 *      script, the core, and its CSS), against a well-known tour library bundled with
 *      esbuild; each aid kind's chunk; and, for each sample page below, what it loaded in all
 *      (the core in each frame where the overlay ran, plus the chunks each frame loaded);
 *   2. main-thread time added to a page without aids, to the sample CRM, to the web-component
 *      sample (shadow roots the overlay observes, three iframes, one cross-origin) and to a
 *      page with iframes on a host without aids (CDP Performance metrics, with the extension
 *      versus without it; a cross-origin frame's own renderer is counted apart), and whether
 *      the overlay or any content script ran in any frame; and, in the same run, Inflow's
 *      added time on the CRM as a ratio to a peer's: driver.js loaded by the page itself,
 *      highlighting one field with a popover (bench/peer-page.mjs), loads interleaved;
 *   3. time from DOMContentLoaded to the first aid on screen, warm and cold service worker;
 *   4. lookup() with 10,000 aids in a real IndexedDB, for the first visit to a host and for a
 *      host already seen (cached), against a naive full scan;
 *   5. churn: main-thread time Inflow adds to the console's floor view (about 2,000 DOM
 *      mutations a second, 50 targets in nested shadow roots) over a fixed window, as a share
 *      of the page's own, with and without the extension in the same run (bench/churn.mjs);
 *   6. soak: a working day of route changes under that churn (10 minutes; 30 s with --quick),
 *      the content script's heap sampled as it goes: its largest, and its slope;
 *   7. install: sync and install of a signed 5,000-aid pack served by a local HTTP server
 *      (first install and update), split by step, with page lookups asked all the while:
 *      their latency and the version they answered from, against the reference where a
 *      lookup reads the store and waits for the install (bench/install.mjs).
 *
 * Prints one table (metric | value | target | peer/baseline | verdict) and writes every raw
 * figure to artifacts/bench.json. Exits 0 when everything was measured, whether or not the
 * targets were met; exits 1 when a measurement itself failed.
 *
 *   npm run bench [-- --quick] [-- --no-build | --ext DIR] [-- --fetch-peer] [-- --n 15]
 *   npm run bench -- --only lookup [--quick]    (only part 4: no build, no extension)
 *   npm run bench -- --only peer [--fetch-peer] (only Inflow against driver.js on the CRM)
 *   npm run bench -- --only hub [--quick]       (the hub alone: bench/hub.ts; PostgreSQL from
 *                                                DATABASE_URL, else a throwaway server)
 *   npm run bench -- --only churn [--quick]     (part 5 alone)
 *   npm run bench -- --only soak [--soak-minutes N] (part 6 alone, 10 minutes by default)
 *   npm run bench -- --only install [--quick]   (part 7 alone: no build, no extension)
 *   npm run bench -- --only first-aid [--quick] (part 3 alone)
 *   npm run bench -- --only trace [--quick]     (where the time of parts 1 and 5 goes, from a
 *                                                trace: bench/trace.mjs)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch, waitForBackground } from '../bench/browser.mjs';
import { leastSquares, measureChurn, soak } from '../bench/churn.mjs';
import { measureFirstAid } from '../bench/first-aid.mjs';
import { measureInstall } from '../bench/install.mjs';
import { measureLookup } from '../bench/lookup.mjs';
import { measurePage, pickTimeDomain } from '../bench/main-thread.mjs';
import { startNoAidsPage } from '../bench/no-aids-page.mjs';
import { findDriver, withPeer } from '../bench/peer-page.mjs';
import {
  CORE_BUDGET,
  chunkSizes,
  DEFAULT_PEER,
  overlaySize,
  PEER_PREFIX,
  pageLoads,
  peerSize,
  staticOverlayFiles,
} from '../bench/size.mjs';
import { kib, ms, shift, summarize } from '../bench/stats.mjs';
import { BUCKET_NAMES, traceSides } from '../bench/trace.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD_DIR = resolve(ROOT, 'artifacts/bench/build/chrome-mv3');
/** The same build, its bundled packs without field checks: the peer goal's checklist and tips. */
const LEAN_DIR = resolve(ROOT, 'artifacts/bench/build-checklist-tips/chrome-mv3');
const JSON_OUT = resolve(ROOT, 'artifacts/bench.json');

const TARGETS = {
  sizeBytes: CORE_BUDGET,
  firstAidMs: 100,
  lookupMs: 1,
  peerRatio: 1.5,
  /** Inflow's added main-thread time under churn, in % of the page's own. */
  churnPct: 2,
  /** The content script's heap during the soak. */
  soakHeapBytes: 3 * 1024 * 1024,
  /**
   * "Does not grow": a slope under this many KB a minute. At this rate a working day of
   * 8 hours adds 3 MB, the whole budget; anything steeper would leave a tab kept open all
   * day over it, anything below is within what the samples can tell from noise in minutes.
   */
  soakSlopeKbPerMin: (3 * 1024) / (8 * 60),
  /** Sync and install of a signed 5,000-aid pack, from the sync's start to the commit. */
  installMs: 2000,
  /**
   * The slowest page lookup asked during an install: one batch of the install's writes
   * (host-index.ts), not the whole install (over a second for 5,000 aids).
   */
  lookupDuringInstallMs: 250,
};

/** What the peer does on the CRM's New contact page: the job of Inflow's tip on the email field. */
const PEER_HIGHLIGHT = {
  selector: '#email',
  title: 'Email',
  description: 'Read the email address back letter by letter.',
};

function parseArgs(argv) {
  const o = {
    build: true,
    ext: null,
    quick: false,
    fetchPeer: false,
    n: null,
    only: null,
    soakMinutes: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-build') o.build = false;
    else if (a === '--quick') o.quick = true;
    else if (a === '--fetch-peer') o.fetchPeer = true;
    else if (a === '--ext') {
      o.ext = resolve(argv[++i] ?? '');
      o.build = false;
    } else if (a === '--n') o.n = Number(argv[++i]);
    else if (a === '--only') o.only = argv[++i] ?? '';
    else if (a === '--soak-minutes') o.soakMinutes = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: npm run bench [-- --quick] [-- --no-build | --ext DIR] [-- --fetch-peer] [-- --n N]\n' +
          '       npm run bench -- --only lookup [--quick]\n' +
          '       npm run bench -- --only install [--quick]\n' +
          '       npm run bench -- --only peer [--fetch-peer] [--no-build] [--quick] [--n N]\n' +
          '  --no-build    measure the last bench build (artifacts/bench/build) instead of building\n' +
          '  --ext DIR     measure a built extension, e.g. .output/chrome-mv3\n' +
          `  --fetch-peer  install ${DEFAULT_PEER} into artifacts/bench/peer as the size peer\n` +
          '  --quick       fewer samples (a smoke run, not figures to quote)\n' +
          '  --n N         page loads per measured series (default 15)\n' +
          '  --only lookup only the lookup() part: no build, no extension; writes artifacts/bench-lookup.json\n' +
          '  --only peer   only Inflow against driver.js on the CRM (main-thread time, same run);\n' +
          '                writes artifacts/bench-peer.json\n' +
          '  --only hub    only the hub: ingest from 1,000 browsers and the fleet views at 1 and 10 million\n' +
          '                events, on PGlite and PostgreSQL (DATABASE_URL, else a throwaway server);\n' +
          '                writes artifacts/bench-hub.json\n' +
          '  --only churn  only the main-thread time Inflow adds to the console floor view (2,000\n' +
          '                mutations/s, 50 targets); writes artifacts/bench-churn.json\n' +
          '  --only soak   only the soak: route changes under churn, the content script heap sampled;\n' +
          '                writes artifacts/bench-soak.json\n' +
          '  --only first-aid only the time from DOMContentLoaded to the first aid on the CRM, worker\n' +
          '                awake and stopped; writes artifacts/bench-first-aid.json\n' +
          '  --only install only the sync and install of a signed 5,000-aid pack, with page lookups\n' +
          '                asked meanwhile: no build, no extension; writes artifacts/bench-install.json\n' +
          '  --only trace  only a trace of where main-thread time goes, by kind of work (paint,\n' +
          '                compositing, GC… that the counters call "other") and by extension file: the\n' +
          '                CRM load (Inflow, its checklist and tips alone, driver.js if installed, the page\n' +
          '                alone) and 3 s of the churning floor view; writes artifacts/bench-trace.json\n' +
          '  --soak-minutes N  how long the soak runs (default 10; 0.5 with --quick; 0 skips it)',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (o.n !== null && !(Number.isInteger(o.n) && o.n >= 3))
    throw new Error('--n must be an integer >= 3');
  if (
    o.only !== null &&
    !['lookup', 'peer', 'hub', 'churn', 'soak', 'install', 'first-aid', 'trace'].includes(o.only)
  )
    throw new Error('--only takes: lookup, peer, hub, churn, soak, install, first-aid, trace');
  if (o.soakMinutes !== null && !(o.soakMinutes >= 0))
    throw new Error('--soak-minutes must be >= 0');
  return o;
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`${what} failed (exit ${r.status ?? r.signal}):\n${out || r.error?.message}`);
  }
  return r.stdout;
}

function build({ lean }) {
  const wxt = resolve(ROOT, 'node_modules/.bin/wxt');
  run(wxt, ['build', '-c', 'bench/wxt.config.ts'], '`wxt build` (into artifacts/bench/build)');
  if (lean) {
    run(
      wxt,
      ['build', '-c', 'bench/wxt.checklist-tips.config.ts'],
      '`wxt build` (into artifacts/bench/build-checklist-tips)',
    );
  }
  return BUILD_DIR;
}

/** Installs the size peer outside the project's dependencies (artifacts/ is not committed). */
async function fetchPeer() {
  await mkdir(PEER_PREFIX, { recursive: true });
  const pkg = resolve(PEER_PREFIX, 'package.json');
  if (!existsSync(pkg)) await writeFile(pkg, '{ "name": "bench-peer", "private": true }\n');
  run(
    'npm',
    [
      'install',
      '--prefix',
      PEER_PREFIX,
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--no-package-lock',
      DEFAULT_PEER,
    ],
    `npm install ${DEFAULT_PEER}`,
  );
  return { installed: DEFAULT_PEER };
}

async function startApps() {
  const url = pathToFileURL(resolve(ROOT, 'tests/apps/server.mjs')).href;
  const { startAppServer } = await import(url);
  return startAppServer({ port: 0 });
}

/** Waits until the overlay shows on the floor view without churn: the background is ready. */
async function floorReady(context, url) {
  const page = await context.newPage();
  const t0 = Date.now();
  try {
    await page.goto(url);
    await page.waitForSelector('inflow-overlay', { state: 'attached', timeout: 30_000 });
    return { ms: Date.now() - t0 };
  } finally {
    await page.close();
  }
}

/** "HeadlessChrome/…" from the user agent of a context's first page. */
async function browserOf(context) {
  const ua = await context.pages()[0]?.evaluate(() => navigator.userAgent);
  return /(?:Headless)?Chrome\/[\d.]+/.exec(ua ?? '')?.[0] ?? ua;
}

const log = (s) => process.stderr.write(`[bench] ${s}\n`);

/** Runs one section; a failure is recorded and reported, and the run goes on. */
async function section(results, name, fn, into = results, prefix = '') {
  const t0 = Date.now();
  log(`${prefix}${name}…`);
  try {
    into[name] = await fn();
  } catch (e) {
    results.errors.push({ section: `${prefix}${name}`, message: e?.stack ?? String(e) });
    log(`${prefix}${name} FAILED: ${e?.message ?? e}`);
  }
  results.seconds[`${prefix}${name}`] = (Date.now() - t0) / 1000;
}

function pct(n, d) {
  return d ? `${n}/${d}` : 'n/a';
}

const signed = (v) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${ms(Math.abs(v))}` : 'n/a');
const signedKb = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)} KB/min`;
const range = (a, b) => `${ms(a)}–${ms(b)}`;

/** A verdict on "with minus without": noise if the middle half of the differences spans 0. */
function addedVerdict(d) {
  if (!Number.isFinite(d.median)) return 'n/a';
  if (d.p25 <= 0 && d.p75 >= 0) return 'no measurable difference';
  return d.median > 0 ? `measurable: adds ${ms(d.median)}` : `measurable: ${ms(d.median)} less`;
}

/** Keys of a main-thread sample whose with−without difference is computed. */
const ADDED_KEYS = [
  'taskMs',
  'scriptMs',
  'compileMs',
  'layoutMs',
  'styleMs',
  'otherMs',
  'crossOriginTaskMs',
  'crossOriginScriptMs',
];

/**
 * Rows for one measured page. `expect.overlay`: the overlay shows in the top document;
 * `expect.frames`: the page has frames, so the cross-origin frames' renderers get a row and
 * the presence row counts every frame (with no aids, nothing may run in any of them).
 */
function mainThreadRows(name, page, expect) {
  const rows = [];
  if (!page?.added) return rows;
  const expectOverlay = expect.overlay;
  const keys = [
    ['taskMs', 'task'],
    ['scriptMs', 'script'],
  ];
  if (expect.frames) keys.push(['crossOriginTaskMs', 'task, cross-origin iframe renderer']);
  for (const [key, label] of keys) {
    const w = summarize(page.with.map((s) => s[key]));
    const wo = summarize(page.without.map((s) => s[key]));
    const d = page.added[key];
    rows.push([
      `main thread ${label}, ${name}`,
      `${signed(d.median)} (with ${ms(w.median)}, p25–p75 ${range(w.p25, w.p75)})`,
      expectOverlay ? 'report' : 'no measurable difference',
      `without: ${ms(wo.median)}, p25–p75 ${range(wo.p25, wo.p75)}; diff p25–p75 ${signed(d.p25)}…${signed(d.p75)}`,
      addedVerdict(d),
    ]);
  }
  const seen = page.with.filter((s) => s.overlay).length;
  const seenWithout = page.without.filter((s) => s.overlay).length;
  const ok = expectOverlay ? seen === page.with.length : seen === 0;
  if (!expect.frames) {
    rows.push([
      `<inflow-overlay> on ${name}`,
      `${seen ? 'yes' : 'no'} (${pct(seen, page.with.length)} loads)`,
      expectOverlay ? 'yes' : 'no',
      `without extension: ${pct(seenWithout, page.without.length)}`,
      ok && seenWithout === 0 ? 'as expected' : 'UNEXPECTED',
    ]);
    return rows;
  }
  // Summed over the loads: frames seen, frames with the overlay element, frames where a
  // content script of the extension ran.
  const sum = (side, key) => page[side].reduce((a, s) => a + s[key], 0);
  const frames = sum('with', 'frames');
  const overlayFrames = sum('with', 'overlayFrames');
  const scriptFrames = sum('with', 'scriptFrames');
  const anyWithout = sum('without', 'overlayFrames') + sum('without', 'scriptFrames');
  const spread = (key) => {
    const xs = page.with.map((s) => s[key]);
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
    return lo === hi ? `${lo}` : `${lo}–${hi}`;
  };
  const framesOk = expectOverlay
    ? ok && overlayFrames === seen
    : overlayFrames === 0 && scriptFrames === 0;
  rows.push([
    `overlay / content script by frame, ${name}`,
    `<inflow-overlay> in top document ${pct(seen, page.with.length)} loads, in ${overlayFrames} of ${frames} frames; content script ran in ${scriptFrames} of ${frames} frames`,
    expectOverlay
      ? 'overlay in the top document only'
      : 'nothing in any frame (no overlay, no content script)',
    `frames per load ${spread('frames')} (cross-origin, own renderer: ${spread('crossOriginFrames')}); without extension: ${anyWithout} frames with either`,
    framesOk && anyWithout === 0 ? 'as expected' : 'UNEXPECTED',
  ]);
  return rows;
}

/** Kinds of main-thread time, as CDP Performance metrics tell them apart. */
const KINDS = [
  ['scriptMs', 'script'],
  ['styleMs', 'style'],
  ['layoutMs', 'layout'],
  ['otherMs', 'other (paint, compositing, parsing…)'],
];

/**
 * Inflow's and the peer's added main-thread time on the CRM, as ratios. The goal is judged on
 * Inflow doing the peer's job (the checklist and the tips: the `lean` build); the whole pack,
 * field checks included, is reported beside it.
 */
function peerRows(page) {
  const goal = 'main thread added, CRM /contacts/new: Inflow (checklist, 3 tips) / driver.js';
  if (!page) return [];
  if (page.skipped) return [[goal, 'not measured', `≤ ${TARGETS.peerRatio}×`, page.skipped, 'n/a']];
  const rows = [];
  if (page.leanAdded) rows.push(peerRow(page, 'lean', page.leanAdded, goal, true));
  else rows.push([goal, 'not measured', `≤ ${TARGETS.peerRatio}×`, page.leanSkipped, 'n/a']);
  rows.push(
    peerRow(
      page,
      'with',
      page.added,
      'the same, the whole pack: Inflow (checklist, 3 tips, field checks) / driver.js',
      false,
    ),
  );
  return rows;
}

/** One Inflow side against the peer; `judged`: the verdict is the goal's, else "reported". */
function peerRow(page, side, added, label, judged) {
  const inflow = added.taskMs.median;
  const peer = page.peerAdded.taskMs.median;
  const ratio = inflow / peer;
  const shown = (s, key) => pct(page[s].filter((x) => x[key]).length, page[s].length);
  const without = summarize(page.without.map((s) => s.taskMs));
  // The ratio as the middle halves of both differences allow: the peer's spread is wide.
  const a = added.taskMs;
  const b = page.peerAdded.taskMs;
  const spread = `${(a.p25 / b.p75).toFixed(2)}–${(a.p75 / b.p25).toFixed(2)}×`;
  let verdict;
  if (!(peer > 0)) verdict = "n/a: the peer's added time was not measurable";
  else if (a.p75 / b.p25 <= TARGETS.peerRatio) verdict = 'MET';
  else if (ratio <= TARGETS.peerRatio) {
    verdict = `MET at the medians, not beyond the noise (p25–p75 ratio ${spread})`;
  } else {
    // Where Inflow spends more than the peer, the biggest first (compile is within script).
    const excess = KINDS.map(([key, name]) => ({
      name,
      d: added[key].median - page.peerAdded[key].median,
    })).sort((x, y) => y.d - x.d);
    verdict = `MISSED: the excess is ${excess
      .filter((e) => e.d > 0)
      .map((e) => `${e.name} ${signed(e.d)}`)
      .join(', ')} over the peer`;
  }
  if (!judged) verdict = `reported (${verdict.split(':')[0]} if judged)`;
  return [
    label,
    `${Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a'}× (p25–p75 ${spread}; Inflow ${signed(inflow)}, ${page.peerName} ${signed(peer)}, ${page[side].length} loads per side)`,
    judged ? `≤ ${TARGETS.peerRatio}× the peer` : "none (not the goal's job)",
    `page without either: ${ms(without.median)}; Inflow's panel shown ${shown(side, 'overlay')} loads, the peer's popover ${shown('peer', 'peerShown')}; Inflow diff p25–p75 ${signed(a.p25)}…${signed(a.p75)}, peer ${signed(b.p25)}…${signed(b.p75)}`,
    verdict,
  ];
}

/** The trace's rows: each side less the page alone, by kind of work, and the extension's part. */
function traceRows(trace, cfg) {
  if (!trace) return [];
  const rows = [];
  const total = (t) => Object.values(t).reduce((a, b) => a + b, 0);
  const less = (a, b) =>
    BUCKET_NAMES.map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)])
      .filter(([, d]) => Math.abs(d) >= 0.05)
      .sort((x, y) => y[1] - x[1])
      .map(([k, d]) => `${k} ${signed(d)}`)
      .join(', ');
  const own = (t) =>
    `${BUCKET_NAMES.filter((k) => t.extension[k] >= 0.05)
      .sort((x, y) => t.extension[y] - t.extension[x])
      .map((k) => `${k} ${ms(t.extension[k])}`)
      .join(', ')}; by file: ${Object.entries(t.files)
      .sort((x, y) => y[1] - x[1])
      .map(([f, v]) => `${f} ${ms(v)}`)
      .join(', ')}`;
  const names = {
    with: 'Inflow (whole pack)',
    lean: 'Inflow (checklist, tips)',
    peer: trace.peerName,
  };
  const page = (label, sides, window) => {
    const base = sides.without;
    for (const side of Object.keys(sides).filter((s) => s !== 'without')) {
      const t = sides[side];
      rows.push([
        `trace, ${label}: ${names[side]} less the page alone (${window})`,
        `${signed(total(t.all) - total(base.all))}: ${less(t.all, base.all)}`,
        'reported',
        side === 'peer' ? '' : `under the extension's scripts: ${own(t)}`,
        'reported',
      ]);
    }
  };
  page('CRM /contacts/new', trace.crm, `load + ${cfg.loadWindowMs / 1000} s`);
  page('console floor under churn', trace.churn, `${cfg.churnWindowMs / 1000} s once settled`);
  return rows;
}

const pctText = (v) => (Number.isFinite(v) ? `${v.toFixed(v >= 10 ? 0 : 1)} %` : 'n/a');
const kb = (bytes) => `${Math.round(bytes / 1024).toLocaleString('en')} KB`;

/** The rows of the churn window and of the soak. */
function churnRows(churn, soaked) {
  const rows = [];
  if (churn?.added) {
    const a = churn.added;
    const med = (side, key) => summarize(churn[side].map((x) => x[key])).median;
    const share = churn.sharePct;
    const window = (churn.with[0]?.seconds ?? Number.NaN).toFixed(0);
    const shown = churn.with.filter((x) => x.overlay).length;
    const byKind = KINDS.map(([key, name]) => `${name} ${signed(a[key].median)}`).join(', ');
    let verdict;
    if (shown < churn.with.length)
      verdict = `UNEXPECTED: the overlay showed in ${shown}/${churn.with.length} loads`;
    else if (share.median <= TARGETS.churnPct)
      verdict =
        share.p75 <= TARGETS.churnPct ? 'met' : `met at the median (p75 ${pctText(share.p75)})`;
    else {
      verdict = `MISSED: Inflow adds ${signed(a.taskMs.median)} over ${window} s (${byKind}): its observers' mutation records, made in the page's own calls, delivered in microtasks and collected as garbage (\`--only trace\` splits it; the README's Performance section says what would cut it)`;
    }
    rows.push([
      `main thread added under churn, console /floor (${Math.round(med('without', 'mutationsPerSecond')).toLocaleString('en')} mutations/s, 50 targets in nested shadow roots), ${window} s window`,
      `${pctText(share.median)} of the page's own (p25–p75 ${pctText(share.p25)}–${pctText(share.p75)}): ${signed(a.taskMs.median)} of tasks (script ${signed(a.scriptMs.median)}); ${churn.with.length} loads per side`,
      `≤ ${TARGETS.churnPct} % of the page's own`,
      `page without the extension: ${ms(churn.own.median)} (p25–p75 ${range(churn.own.p25, churn.own.p75)}); the page's 20 ms timer ran ${med('with', 'ticksPerSecond').toFixed(0)}/s with, ${med('without', 'ticksPerSecond').toFixed(0)}/s without; layouts ${med('with', 'layouts')} / ${med('without', 'layouts')}`,
      verdict,
    ]);
  }
  const samples = soaked?.samples ?? [];
  if (samples.length >= 3) {
    // The first minute (the first session, the chunks, compiled code, the outbox) is left out
    // of the fit of a long soak; a short one (--quick) fits from its second sample and is a
    // smoke run whose slope says nothing.
    const minutes = samples.at(-1).minutes;
    const long = minutes >= 5;
    const fit = long ? samples.filter((s) => s.minutes >= 1) : samples.slice(1);
    const xs = fit.map((s) => s.minutes);
    const slopeOf = (f) =>
      leastSquares(
        xs,
        fit.map((s) => f(s) / 1024),
      );
    // What the verdict is given on: everything the extension adds to the renderer's heap
    // after a full GC, as the with−without difference of the two tabs' isolates. Its world's
    // own context and compiled code are in it, so it bounds the content script's heap from
    // above; the page's own growth cancels out. The sampling profiler's live bytes of the
    // extension's stacks are printed beside it, but grew several times faster than that
    // whole difference in 20-minute soaks (and than the heap snapshots' objects, next row):
    // they are not what the heap keeps.
    const added = (s) => s.isolateUsedWith - s.isolateUsedWithout;
    const line = slopeOf(added);
    const sampled = slopeOf((s) => s.contentScriptBytes);
    const own = slopeOf((s) => s.isolateUsedWithout);
    const max = Math.max(...samples.map(added));
    const sampledMax = Math.max(...samples.map((s) => s.contentScriptBytes));
    const bound = line.slope + 1.96 * line.se;
    const under = max < TARGETS.soakHeapBytes;
    const lost = samples.filter((s) => !s.overlay).length;
    const medianOf = (key) => summarize(samples.map((s) => s[key])).median;
    let verdict;
    if (!long) verdict = `not judged: ${minutes.toFixed(1)} min is a smoke run`;
    else if (!under) verdict = 'MISSED: over 3 MB';
    else if (bound < TARGETS.soakSlopeKbPerMin) verdict = 'met';
    else if (line.slope < TARGETS.soakSlopeKbPerMin)
      verdict = `met at the estimate, not beyond its error (95 % bound ${signedKb(bound)})`;
    else verdict = 'MISSED: grows';
    rows.push([
      `content script heap, soak: ${minutes.toFixed(1)} min, ${soaked.navigations} route changes under churn`,
      `the renderer's heap with the extension less without it, after a full GC: max ${kb(max)}, slope ${signedKb(line.slope)} (± ${(1.96 * line.se).toFixed(1)}, 95 %; ${fit.length} samples)`,
      `< ${kb(TARGETS.soakHeapBytes)}, slope < ${TARGETS.soakSlopeKbPerMin.toFixed(1)} KB/min (3 MB over an 8-hour day)`,
      `renderer heap (page and content script, one V8 isolate): median ${(medianOf('isolateUsedWith') / 1048576).toFixed(1)} MB with, ${(medianOf('isolateUsedWithout') / 1048576).toFixed(1)} MB without, the page's own ${signedKb(own.slope)}; sampling heap profiler, live objects allocated by the extension's scripts: max ${kb(sampledMax)}, ${signedKb(sampled.slope)} (an overestimate, see the README)${lost ? `; overlay missing in ${lost} samples` : ''}`,
      verdict,
    ]);
  }
  const kept = soaked?.retained;
  if (kept) {
    // Objects allocated between the first two snapshots and still there at the third, with the
    // extension less without it, per minute between the first two; compiled code apart, as
    // V8 compiles and drops it on its own schedule.
    const [t1, t2, t3] = kept.minutes;
    const perMin = (bytes) => bytes / 1024 / (t2 - t1);
    const code = (side) => kept[side].code;
    const rest = (side) => kept[side].bytes - code(side).bytes;
    const codeGrowth = (side) => {
      const [a, , c] = code(side).totals;
      return (c - a) / 1024 / (t3 - t1);
    };
    const whole = (side) => {
      const [a, , c] = kept[side].heapBytes;
      return (c - a) / 1024 / (t3 - t1);
    };
    const top = (side) =>
      kept[side].largest
        .slice(0, 4)
        .map((g) => `${g.group} ${kb(g.bytes)} (whole group ${g.totals.map(kb).join(' → ')})`)
        .join(', ');
    rows.push([
      `renderer heap retained, soak: objects allocated from ${t1.toFixed(1)} to ${t2.toFixed(1)} min still there at ${t3.toFixed(1)} min (heap snapshots)`,
      `with less without: compiled code ${signedKb(perMin(code('with').bytes - code('without').bytes))}, everything else ${signedKb(perMin(rest('with') - rest('without')))}; whole snapshot from ${t1.toFixed(1)} to ${t3.toFixed(1)} min ${signedKb(whole('with') - whole('without'))}, compiled code alone ${signedKb(codeGrowth('with') - codeGrowth('without'))}`,
      'where the slope above comes from',
      `with ${kb(kept.with.bytes)} (${kept.with.count.toLocaleString('en')} objects): ${top('with')}; without ${kb(kept.without.bytes)} (${kept.without.count.toLocaleString('en')}): ${top('without')}`,
      t3 < 5
        ? `not judged: ${t3.toFixed(1)} min is a smoke run`
        : 'not judged: it explains the row above',
    ]);
  }
  return rows;
}

function firstAidRow(label, s, other, otherLabel) {
  const shown = s.samples.filter((x) => x.asideMs !== null).length;
  const met = s.stats.median <= TARGETS.firstAidMs;
  const p90met = s.stats.p90 <= TARGETS.firstAidMs;
  return [
    `first aid after DCL, ${label}`,
    `median ${ms(s.stats.median)}, p90 ${ms(s.stats.p90)} (${pct(shown, s.samples.length)} shown)`,
    `≤ ${TARGETS.firstAidMs} ms`,
    `${otherLabel}: median ${ms(other.stats.median)}, p90 ${ms(other.stats.p90)}`,
    shown < s.samples.length
      ? 'MISSED (not always shown)'
      : met && p90met
        ? 'met'
        : met
          ? 'median met, p90 missed'
          : 'MISSED',
  ];
}

function table(rows) {
  const head = ['metric', 'value', 'target', 'peer/baseline', 'verdict'];
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** The hub's bench is TypeScript over the hub's own modules: run it with tsx, as it prints. */
function benchHub(quick) {
  const out = resolve(ROOT, 'artifacts/bench-hub.json');
  const args = ['--import', 'tsx', resolve(ROOT, 'bench/hub.ts'), '--json', relative(ROOT, out)];
  const r = spawnSync(process.execPath, quick ? [...args, '--quick'] : args, {
    cwd: ROOT,
    stdio: 'inherit',
  });
  return r.status ?? 1;
}

/** The install rows: total time per case, and the lookups asked while it ran. */
function installRows(install) {
  if (!install) return [];
  const rows = [];
  const { aids, hosts } = install.options;
  for (const [phase, label] of [
    ['first', 'first install (empty store)'],
    ['update', 'update, version 1 → 2'],
  ]) {
    const mine = install.snapshot[phase];
    const ref = install.reference[phase];
    const t = mine.totalMs;
    const s = mine.median.split;
    const biggest = Object.entries(s).sort((a, b) => b[1] - a[1])[0];
    rows.push([
      `sync + install, signed ${aids.toLocaleString('en')}-aid pack / ${hosts} hosts, ${label}`,
      `median ${ms(t.median)}, max ${ms(t.max)} (${mine.rounds} rounds)`,
      `< ${TARGETS.installMs} ms, sync start to commit`,
      `lookups reading the store (reference): median ${ms(ref.totalMs.median)}`,
      t.median < TARGETS.installMs
        ? t.max < TARGETS.installMs
          ? 'met'
          : 'median met, max missed'
        : `MISSED: ${biggest[0].replace(/Ms$/, '')} takes ${ms(biggest[1])}`,
    ]);
    const l = mine.lookups;
    const r = ref.lookups;
    const wrong = l.known - l.previous;
    const answers =
      phase === 'first'
        ? `${l.previous}/${l.known} answered as before it (no aids)`
        : `${l.previous}/${l.known} from version 1, ${l.next} from version 2, ${l.mixed} mixed, ${l.empty} empty`;
    rows.push([
      `page lookups during that ${phase === 'first' ? 'first install' : 'update'} (cached hosts and first visits)`,
      `${l.asked} asked (${l.duringWrite} during the write): p50 ${ms(l.all.median)}, p95 ${ms(l.all.p95)}, max ${ms(l.all.max)}; ${answers}`,
      `from the previous version, none empty or mixed; max < ${TARGETS.lookupDuringInstallMs} ms`,
      `reference (no snapshot): ${r.asked} asked, p95 ${ms(r.all.p95)}, max ${ms(r.all.max)}; first visits max ${ms(r.first.max)}`,
      wrong
        ? `MISSED: ${wrong} not from the previous version`
        : l.all.max < TARGETS.lookupDuringInstallMs
          ? 'met'
          : `MISSED: max ${ms(l.all.max)} (the worker's thread was busy cloning rows)`,
    ]);
  }
  return rows;
}

function installNotes(install) {
  const split = (x) =>
    Object.entries(x.median.split)
      .map(([k, v]) => `${k.replace(/Ms$/, '')} ${ms(v)}`)
      .join(', ');
  const lat = (l) =>
    `cached hosts p95 ${ms(l.cached.p95)} / max ${ms(l.cached.max)}, first visits p95 ${ms(l.first.p95)} / max ${ms(l.first.max)}`;
  return [
    `install split, median round (from the sync's start: fetch over HTTP, JSON parse, signature check, validation, row building, waiting for the snapshot of the previous version (read while the pack is checked), the write transaction to its commit): ` +
      `first install ${split(install.snapshot.first)}; update ${split(install.snapshot.update)}; ` +
      `pack ${(install.packBytes.v2 / 1024 / 1024).toFixed(2)} MiB of JSON, ${install.options.rounds} rounds alternating with the reference`,
    `lookups during the install, one every ${install.options.paceMs} ms: first install ${lat(install.snapshot.first.lookups)}; update ${lat(install.snapshot.update.lookups)}; ` +
      `reference update ${lat(install.reference.update.lookups)}`,
  ];
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.only === 'hub') {
    await mkdir(resolve(ROOT, 'artifacts'), { recursive: true });
    return benchHub(opts.quick);
  }
  const n = opts.n ?? (opts.quick ? 5 : 15);
  const cfg = {
    mainThread: { n, warmup: opts.quick ? 1 : 2, settleMs: 2000 },
    reducedMotion: { n: Math.max(3, Math.ceil(n / 2)), warmup: 1 },
    firstAid: { n, warmup: 3 },
    lookup: { count: opts.quick ? 60 : 200, naiveEvery: opts.quick ? 20 : 10, warmup: 20 },
    install: { rounds: opts.quick ? 1 : 5 },
    churn: {
      n: opts.n ?? (opts.quick ? 3 : 8),
      warmup: 1,
      settleMs: 2500,
      windowMs: opts.quick ? 5000 : 10_000,
    },
    trace: {
      n: opts.n ?? (opts.quick ? 2 : 6),
      warmup: 1,
      loadWindowMs: 2000,
      churnWindowMs: 3000,
    },
    soak: {
      minutes: opts.soakMinutes ?? (opts.quick ? 0.5 : 10),
      sampleEveryMs: opts.quick ? 5000 : 20_000,
      navEveryMs: opts.quick ? 2000 : 5000,
    },
  };
  const results = {
    startedAt: new Date().toISOString(),
    config: cfg,
    machine: { cores: cpus().length, loadavgBefore: loadavg() },
    errors: [],
    seconds: {},
  };
  const started = Date.now();
  const closers = [];
  const ext = opts.ext ?? BUILD_DIR;
  /**
   * Inflow doing the peer's job and no more (the checklist and the tips), from the bench
   * build beside the one measured: its context, or why there is none (not with --ext, whose
   * code it may not match).
   */
  const launchLean = async () => {
    if (ext !== BUILD_DIR) return { skipped: '--ext: no build of that code without field checks' };
    if (!existsSync(resolve(LEAN_DIR, 'manifest.json')))
      return { skipped: `not built (${relative(ROOT, LEAN_DIR)}): run without --no-build` };
    const lean = await launch({ ext: LEAN_DIR });
    closers.push(() => lean.close());
    await waitForBackground(lean.context);
    return { context: lean.context };
  };

  try {
    if (opts.only === 'lookup' || opts.only === 'install') {
      // The lookup and the install need no build and no extension: a plain Chromium page.
      const without = await launch();
      closers.push(() => without.close());
      results.machine.browser = await browserOf(without.context);
      if (opts.only === 'lookup') {
        await section(results, 'lookup', () => measureLookup(without.context, cfg.lookup));
      } else {
        await section(results, 'install', () =>
          measureInstall(without.context, { ...cfg.install, log }),
        );
      }
    } else {
      const all = opts.only === null;
      if (opts.fetchPeer) await section(results, 'fetchPeer', fetchPeer);
      if (opts.build) {
        await section(results, 'build', async () => ({
          dir: relative(
            ROOT,
            build({ lean: all || opts.only === 'peer' || opts.only === 'trace' }),
          ),
        }));
        if (!results.build) throw new Error('the build failed; nothing to measure');
      }
      if (!existsSync(resolve(ext, 'manifest.json'))) {
        throw new Error(`no built extension in ${relative(ROOT, ext) || ext}`);
      }
      results.extension = relative(ROOT, ext);

      const apps = await startApps();
      closers.push(() => apps.close());
      const noAids = await startNoAidsPage({ crossOriginUrl: `${apps.origin('plain')}/` });
      closers.push(() => noAids.close());
      const urls = {
        plain: `${apps.origin('plain')}/`,
        crm: `${apps.origin('crm')}/contacts/new`,
        components: `${apps.origin('components')}/`,
        framesNoAids: noAids.url,
        floor: `${apps.origin('console')}/floor`,
      };
      results.urls = {
        plain: '/ (plain)',
        crm: '/contacts/new (crm)',
        components: '/ (components)',
        framesNoAids: 'bench/pages/frames-no-aids.html (noaids host; third frame: plain)',
        floor: '/floor (console)',
      };

      const withExt = await launch({ ext });
      closers.push(() => withExt.close());
      const bg = await waitForBackground(withExt.context);
      const extensionId = new URL(bg.worker.url()).host;
      const registered = bg.overlay;
      results.registration = registered
        ? {
            js: registered.js,
            css: registered.css ?? [],
            matches: registered.matches,
            allFrames: registered.allFrames ?? false,
            matchOriginAsFallback: registered.matchOriginAsFallback ?? false,
          }
        : null;
      results.machine.browser = await browserOf(withExt.context);

      if (all)
        await section(results, 'size', async () => {
          const files = registered
            ? [...(registered.js ?? []), ...(registered.css ?? [])]
            : staticOverlayFiles(ext);
          const overlay = overlaySize(ext, files);
          const chunks = chunkSizes(ext);
          // What each sample page loaded in all, one visit each.
          const pages = {};
          for (const name of ['plain', 'crm', 'components', 'framesNoAids']) {
            pages[name] = await pageLoads(withExt.context, bg.worker, urls[name], {
              coreGzip: overlay.gzip,
              chunks,
            });
          }
          return {
            overlay,
            chunks,
            pages,
            filesFrom: registered ? 'registered content script' : 'build',
            // With allFrames, every frame on a host with aids loads these same files.
            allFrames: registered?.allFrames ?? null,
            peer: await peerSize(),
          };
        });

      const without = await launch();
      closers.push(() => without.close());
      const contexts = { with: withExt.context, without: without.context };
      const timeDomain = await pickTimeDomain(without.context);
      cfg.mainThread.timeDomain = timeDomain;
      results.mainThread = {};
      // crmReducedMotion is a diagnostic: the same page with prefers-reduced-motion, which
      // turns the overlay's animations off, so the table can tell their cost from the rest.
      const series = [
        ['plain', urls.plain, cfg.mainThread],
        ['crm', urls.crm, cfg.mainThread],
        ['components', urls.components, cfg.mainThread],
        ['framesNoAids', urls.framesNoAids, cfg.mainThread],
        [
          'crmReducedMotion',
          urls.crm,
          { ...cfg.mainThread, ...cfg.reducedMotion, reducedMotion: true },
        ],
      ];
      for (const [name, url, o] of all ? series : []) {
        await section(
          results,
          name,
          async () => {
            const page = await measurePage(contexts, url, { ...o, timeDomain });
            const added = {};
            for (const key of ADDED_KEYS) {
              added[key] = shift(
                page.with.map((s) => s[key]),
                page.without.map((s) => s[key]),
              );
            }
            return { ...page, added };
          },
          results.mainThread,
          'mainThread.',
        );
      }

      // The peer in the same run: Inflow and driver.js on the same CRM page, against the page
      // without either, one load of each side per round (three browsers, interleaved).
      if (all || opts.only === 'peer')
        await section(
          results,
          'crmPeer',
          async () => {
            const driver = findDriver();
            if (!driver) {
              return {
                skipped: `driver.js is not installed: \`npm run bench -- --fetch-peer\` installs ${DEFAULT_PEER} into artifacts/bench/peer`,
              };
            }
            const peer = await launch();
            closers.push(() => peer.close());
            // The goal is in terms of the peer's job: the lean build does that and no more.
            const lean = await launchLean();
            const more = lean.context ? { lean: lean.context } : {};
            const page = await measurePage({ ...contexts, ...more, peer: peer.context }, urls.crm, {
              ...cfg.mainThread,
              timeDomain,
              setup: { peer: await withPeer(driver, urls.crm, PEER_HIGHLIGHT) },
            });
            const addedBy = (side) =>
              Object.fromEntries(
                ADDED_KEYS.map((key) => [
                  key,
                  shift(
                    page[side].map((s) => s[key]),
                    page.without.map((s) => s[key]),
                  ),
                ]),
              );
            return {
              ...page,
              peerName: `${driver.name}@${driver.version}`,
              added: addedBy('with'),
              leanAdded: more.lean ? addedBy('lean') : null,
              leanSkipped: lean.skipped ?? null,
              peerAdded: addedBy('peer'),
            };
          },
          results.mainThread,
          'mainThread.',
        );

      if (all || opts.only === 'first-aid')
        await section(results, 'firstAid', async () => {
          const r = await measureFirstAid(withExt.context, urls.crm, {
            ...cfg.firstAid,
            extensionId,
          });
          const stats = (xs) => summarize(xs.map((x) => x.asideMs ?? Number.NaN));
          if (!r.warm.some((x) => x.shown)) throw new Error('the CRM checklist never appeared');
          return {
            stopMethod: r.stopMethod,
            notCold: r.notCold,
            warm: {
              stats: stats(r.warm),
              host: summarize(r.warm.map((x) => x.hostMs ?? Number.NaN)),
              samples: r.warm,
            },
            cold: {
              stats: stats(r.cold),
              host: summarize(r.cold.map((x) => x.hostMs ?? Number.NaN)),
              samples: r.cold,
            },
          };
        });

      if (all) await section(results, 'lookup', () => measureLookup(without.context, cfg.lookup));
      if (all) {
        await section(results, 'install', () =>
          measureInstall(without.context, { ...cfg.install, log }),
        );
      }

      // Churn and a working day on the console's floor view. The background must have
      // finished starting (packs installed, first sync) first, or the first load would
      // measure that start.
      if (all || ['churn', 'soak', 'trace'].includes(opts.only)) {
        await section(results, 'floorReady', () =>
          floorReady(withExt.context, `${urls.floor}?rate=0`),
        );
      }
      if (all || opts.only === 'churn') {
        await section(results, 'churn', () =>
          measureChurn(contexts, urls.floor, { ...cfg.churn, timeDomain }),
        );
      }
      if (opts.only === 'trace') {
        await section(results, 'trace', async () => {
          const sides = { with: withExt.context };
          const setup = {};
          const lean = await launchLean();
          if (lean.context) sides.lean = lean.context;
          const driver = findDriver();
          if (driver) {
            const peer = await launch();
            closers.push(() => peer.close());
            sides.peer = peer.context;
            setup.peer = await withPeer(driver, urls.crm, PEER_HIGHLIGHT);
          }
          sides.without = without.context;
          const { n, warmup } = cfg.trace;
          const crm = await traceSides(sides, urls.crm, {
            n,
            warmup,
            windowMs: cfg.trace.loadWindowMs,
            setup,
          });
          const churn = await traceSides(contexts, urls.floor, {
            n,
            warmup,
            settleMs: cfg.churn.settleMs,
            windowMs: cfg.trace.churnWindowMs,
          });
          return { crm, churn, peerName: driver ? `${driver.name}@${driver.version}` : null };
        });
      }
      if ((all || opts.only === 'soak') && cfg.soak.minutes > 0) {
        await section(results, 'soak', () =>
          soak(contexts, urls.floor, {
            ...cfg.soak,
            durationMs: cfg.soak.minutes * 60_000,
            log,
          }),
        );
      }
    }
  } catch (e) {
    results.errors.push({ section: 'setup', message: e?.stack ?? String(e) });
    log(`FAILED: ${e?.message ?? e}`);
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
  results.machine.loadavgAfter = loadavg();
  results.seconds.total = (Date.now() - started) / 1000;

  // The table.
  const rows = [];
  const { size, mainThread, firstAid, lookup } = results;
  if (size) {
    const o = size.overlay;
    const p = size.peer;
    rows.push([
      'size a page loads up front, the core (gzip -9)',
      `${o.gzip.toLocaleString('en')} B = ${kib(o.gzip)} (${o.files.map((f) => f.file.split('/').pop()).join(' + ')}${size.filesFrom === 'build' ? ', from the build: no registration found' : ''}; raw ${kib(o.bytes)}${size.allFrames ? '; per document, each frame on a host with aids loads it' : ''})`,
      `<= 20 KiB (${TARGETS.sizeBytes.toLocaleString('en')} B)`,
      p.skipped
        ? `peer skipped: ${p.skipped}`
        : `${p.name}, min JS+CSS: ${p.gzip.toLocaleString('en')} B = ${kib(p.gzip)} (${(o.gzip / p.gzip).toFixed(1)}×)`,
      o.gzip <= TARGETS.sizeBytes ? 'met' : 'MISSED',
    ]);
    rows.push([
      'size of each chunk a frame loads when needed (gzip -9)',
      size.chunks.map((c) => `${c.chunk} ${c.gzip.toLocaleString('en')} B`).join(', ') +
        " (a kind's for the aids of that kind it shows; help when the help panel opens; regex with the first value to test on a pattern)",
      'report',
      '',
      '',
    ]);
    for (const [name, loads] of Object.entries(size.pages ?? {})) {
      const parts = loads.overlayFrames
        ? `core in ${loads.overlayFrames} frame(s)${loads.chunksLoaded.length ? ` + ${loads.chunksLoaded.join(', ')}` : ''}`
        : 'no overlay in any frame';
      rows.push([
        `size ${results.urls[name]} loaded in all`,
        `${loads.gzip.toLocaleString('en')} B = ${kib(loads.gzip)} (${parts})`,
        'report',
        '',
        '',
      ]);
    }
  }
  rows.push(...mainThreadRows('plain (no aids)', mainThread?.plain, { overlay: false }));
  rows.push(...mainThreadRows('CRM /contacts/new', mainThread?.crm, { overlay: true }));
  rows.push(
    ...mainThreadRows('components (shadow roots observed, 3 iframes)', mainThread?.components, {
      overlay: true,
      frames: true,
    }),
  );
  rows.push(
    ...mainThreadRows('iframes, no aids (bench page, 3 iframes)', mainThread?.framesNoAids, {
      overlay: false,
      frames: true,
    }),
  );
  rows.push(...peerRows(mainThread?.crmPeer));
  rows.push(...traceRows(results.trace, cfg.trace));
  const rm = mainThread?.crmReducedMotion;
  if (rm?.added) {
    const d = rm.added.taskMs;
    const full = mainThread?.crm?.added?.taskMs.median;
    rows.push([
      'main thread task, CRM, reduced motion',
      `${signed(d.median)} (${rm.with.length} loads per side)`,
      'report (diagnostic)',
      `diff p25–p75 ${signed(d.p25)}…${signed(d.p75)}`,
      Number.isFinite(full)
        ? `animations account for ≈ ${ms(full - d.median)} of the CRM figure`
        : addedVerdict(d),
    ]);
  }
  if (firstAid) {
    rows.push(firstAidRow('warm worker', firstAid.warm, firstAid.cold, 'cold'));
    rows.push(
      firstAidRow(`cold worker (${firstAid.stopMethod})`, firstAid.cold, firstAid.warm, 'warm'),
    );
  }
  if (lookup) {
    const verdict = (l) =>
      l.median < TARGETS.lookupMs
        ? l.p95 < TARGETS.lookupMs
          ? 'met'
          : 'median met, p95 missed'
        : 'MISSED';
    const naive = `naive full scan: median ${ms(lookup.naive.median)}, p95 ${ms(lookup.naive.p95)} (${lookup.naive.urls} URLs)`;
    const { cold, coldRead, coldReadProgress, warm, uncached } = lookup;
    const withProgress = coldReadProgress?.urls
      ? `; of those, the ${coldReadProgress.urls} whose aids have progress, read in a second round trip: median ${ms(coldReadProgress.median)}, p95 ${ms(coldReadProgress.p95)}`
      : '';
    rows.push([
      `lookup(), first visit to a host, ${lookup.store.aids.toLocaleString('en')} aids / ${lookup.store.hosts} hosts`,
      `median ${ms(cold.median)}, p95 ${ms(cold.p95)} (${cold.urls} URLs; the ${coldRead.urls} that read aid rows: median ${ms(coldRead.median)}, p95 ${ms(coldRead.p95)}${withProgress})`,
      `< ${TARGETS.lookupMs} ms (judged on the lookups that read aid rows)`,
      naive,
      verdict(coldRead),
    ]);
    rows.push([
      'lookup(), host already seen (cached)',
      `median ${ms(warm.median)}, p95 ${ms(warm.p95)} (${warm.urls} URLs, other pages of those hosts: ${lookup.hits} hits, ${lookup.misses} misses on the first pass)`,
      `< ${TARGETS.lookupMs} ms`,
      `${naive}; previous lookup (no cache), same URLs: median ${ms(uncached.median)}, p95 ${ms(uncached.p95)}`,
      verdict(warm),
    ]);
  }

  rows.push(...churnRows(results.churn, results.soak));
  rows.push(...installRows(results.install));

  console.log(table(rows));

  // Where the time goes, for the rows above.
  const notes = [];
  if (lookup) {
    const mp = (x) => `${ms(x.median)} / ${ms(x.p95)}`;
    notes.push(
      `lookup breakdown (median / p95): store part of a first visit (rows of the aids by host key for the URL's keys in use, one read${lookup.indexed ? '' : '; the index was STALE, lookups read the aids table'}) ${mp(lookup.storeOnly)} (the same from the aids table, one query per key: ${mp(lookup.aidsQuery)}); ` +
        `progress of the aids found (all a cached host reads) ${mp(lookup.progressOnly)}; ` +
        `both, as a first visit reads them, in one read transaction ${mp(lookup.firstRead)} (in two, through Dexie: ${mp(lookup.twoReads)}); ` +
        `matching only (URL rules, audience, sort over the candidates) ${mp(lookup.matchOnly)}; ` +
        `one empty read transaction ${mp(lookup.emptyTransaction)}; ` +
        `index keys in use, read once after a start from the index's meta row ${mp(lookup.keysInUse)} (from the aids table's hostKeys index: ${mp(lookup.keysFromIndex)}); ` +
        `candidate rows per URL: median ${lookup.candidateRows.median}; first lookup after opening ${ms(lookup.firstLookupMs)}`,
    );
    notes.push(
      `lookup peer: naive scan without the read (rows in memory, patterns compiled) ${mp(lookup.memoryScan)}; ` +
        `installing ${lookup.store.packs} packs (${lookup.store.aids} aids, ${lookup.store.hostKeys} index keys) took ${ms(lookup.store.installMs)}, plus ${lookup.store.progressRows} progress rows; ` +
        `timer resolution ${lookup.crossOriginIsolated ? '5 µs (cross-origin isolated)' : '100 µs'}; ` +
        (lookup.mismatches.length
          ? `${lookup.mismatches.length} URLs where lookup() and a peer DISAGREE`
          : 'lookup() agrees with both peers on every URL'),
    );
  }
  if (results.install) notes.push(...installNotes(results.install));
  if (firstAid) {
    const at = (side, key) =>
      ms(summarize(firstAid[side].samples.map((x) => x[key] ?? Number.NaN)).median);
    notes.push(
      `first aid, medians after DCL, warm / cold: overlay main() starts ${at('warm', 'scriptMs')} / ${at('cold', 'scriptMs')}, ` +
        `host element attached ${at('warm', 'hostMs')} / ${at('cold', 'hostMs')}, panel shown ${at('warm', 'asideMs')} / ${at('cold', 'asideMs')}; ` +
        `cold loads that found the worker stopped and started it: ${firstAid.cold.samples.filter((s) => s.workerWasStopped).length}/${firstAid.cold.samples.length}`,
    );
  }
  for (const [name, label] of [
    ['plain', 'plain'],
    ['crm', 'CRM'],
    ['components', 'components'],
    ['framesNoAids', 'iframes, no aids'],
    ['crmReducedMotion', 'CRM reduced motion'],
  ]) {
    const page = mainThread?.[name];
    if (!page?.added) continue;
    const a = page.added;
    const med = (side, key) => summarize(page[side].map((x) => x[key])).median;
    notes.push(
      `${label} added, by kind: script ${signed(a.scriptMs.median)} (compile ${signed(a.compileMs.median)}), ` +
        `style ${signed(a.styleMs.median)}, layout ${signed(a.layoutMs.median)}, other (paint…) ${signed(a.otherMs.median)}; ` +
        `style recalcs ${med('with', 'styleRecalcs')} with / ${med('without', 'styleRecalcs')} without, ` +
        `layouts ${med('with', 'layouts')} / ${med('without', 'layouts')}` +
        (med('with', 'crossOriginFrames') > 0
          ? `; cross-origin frame renderer: task ${ms(med('with', 'crossOriginTaskMs'))} with / ${ms(med('without', 'crossOriginTaskMs'))} without, script added ${signed(a.crossOriginScriptMs.median)}`
          : ''),
    );
  }
  const cp = mainThread?.crmPeer;
  if (cp?.added) {
    const counts = (xs) =>
      `${summarize(xs.map((x) => x.styleRecalcs)).median} / ${summarize(xs.map((x) => x.layouts)).median}`;
    const by = (added) =>
      [['compileMs', 'compile'], ...KINDS]
        .map(([key, name]) => `${name} ${signed(added[key].median)}`)
        .join(', ');
    notes.push(
      `CRM with the peer, added by kind (CDP Performance metrics, which do not tell paint from the rest of "other"; a trace would): ` +
        (cp.leanAdded ? `Inflow (checklist, tips) ${by(cp.leanAdded)}; ` : '') +
        `Inflow (whole pack) ${by(cp.added)}; ${cp.peerName} ${by(cp.peerAdded)}; ` +
        `style recalcs / layouts per load: ${cp.lean ? `Inflow (checklist, tips) ${counts(cp.lean)}, ` : ''}Inflow (whole pack) ${counts(cp.with)}, ${cp.peerName} ${counts(cp.peer)}, neither ${counts(cp.without)}`,
    );
  }
  if (mainThread && Object.keys(mainThread).length) {
    notes.push(
      `main-thread times are ${cfg.mainThread.timeDomain === 'threadTicks' ? 'thread CPU time' : 'wall-clock task time'} from navigation to load + ${cfg.mainThread.settleMs} ms, ` +
        `of the page's renderer (its same-origin and srcdoc frames included); a cross-origin frame's renderer is its own row, ` +
        `${cfg.mainThread.n} loads per side after ${cfg.mainThread.warmup} warm-up; added = median of all with−without differences`,
    );
  }
  const [l1] = results.machine.loadavgBefore;
  const [l2] = results.machine.loadavgAfter;
  notes.push(
    `${results.machine.browser ?? 'Chromium'}; ${results.machine.cores} cores, load average ${l1.toFixed(1)} before / ${l2.toFixed(1)} after` +
      (Math.max(l1, l2) > results.machine.cores
        ? ' — the machine was busy: wall-clock figures are noisy'
        : '') +
      `; ${results.seconds.total.toFixed(0)} s in all`,
  );
  console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);

  for (const e of results.errors)
    console.error(`\nmeasurement failed (${e.section}):\n${e.message}`);

  // A partial run must not overwrite the figures of the last full one.
  const out = opts.only ? JSON_OUT.replace(/\.json$/, `-${opts.only}.json`) : JSON_OUT;
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nraw figures: ${relative(ROOT, out)}`);
  return results.errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  },
);
