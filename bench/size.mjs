/**
 * What a page downloads and parses when the overlay runs, gzipped at level 9: the registered
 * content script (the core: its JavaScript and CSS), which every frame on a host with aids
 * loads up front, and the aid kinds' chunks (kind-<name>.js), which a frame loads only for
 * the kinds of the aids it shows. `pageLoads` visits a page and adds up what its frames
 * loaded. The peer is a well-known tour library, bundled and minified here with esbuild (its
 * JS plus its stylesheet), when one is installed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where a peer library may be installed: the project, or the bench's own scratch prefix. */
export const PEER_PREFIX = resolve(ROOT, 'artifacts/bench/peer');
const SEARCH = [resolve(ROOT, 'node_modules'), resolve(PEER_PREFIX, 'node_modules')];

/** Tour libraries, in order of preference, with the stylesheet a page must load. */
const PEERS = [
  { name: 'driver.js', css: ['dist/driver.css'] },
  { name: 'shepherd.js', css: ['dist/css/shepherd.css'] },
  { name: 'intro.js', css: ['minified/introjs.min.css', 'introjs.css'] },
];
/** What `--fetch-peer` installs into PEER_PREFIX (MIT, no dependencies). */
export const DEFAULT_PEER = 'driver.js@1.8.0';

export function gzipBytes(buffer) {
  return gzipSync(buffer, { level: 9 }).length;
}

/**
 * Sizes of the overlay's files. `files` are paths relative to the extension root, e.g. the
 * js and css lists of the registered content script.
 */
export function overlaySize(extDir, files) {
  const parts = files.map((file) => {
    const path = join(extDir, file);
    if (!existsSync(path)) throw new Error(`${file} is not in the built extension`);
    const buffer = readFileSync(path);
    return { file, bytes: buffer.length, gzip: gzipBytes(buffer) };
  });
  return {
    files: parts,
    bytes: parts.reduce((a, p) => a + p.bytes, 0),
    gzip: parts.reduce((a, p) => a + p.gzip, 0),
  };
}

/** The core's budget: what a page with aids loads up front, JS and CSS, gzipped. */
export const CORE_BUDGET = 20 * 1024;

/**
 * The chunks in the build, each with its sizes: the aid kinds' (kind-<name>.js), and the
 * help panel's (help.js), which a top frame loads only when the person opens it.
 */
export function chunkSizes(extDir) {
  return readdirSync(extDir)
    .filter((file) => /^(kind-.+|help|regex)\.js$/.test(file))
    .sort()
    .map((file) => {
      const buffer = readFileSync(join(extDir, file));
      const chunk = file.replace(/^kind-/, '').slice(0, -'.js'.length);
      return { chunk, file, bytes: buffer.length, gzip: gzipBytes(buffer) };
    });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * What one visit of `url` loaded, in all frames: opens it in `context` (with the extension),
 * waits `settleMs`, then asks each frame, in the extension's isolated world, whether the
 * overlay ran there, which kinds' chunks (its kind slot, src/overlay/kinds/slot.ts) and
 * whether the regular-expression engine (src/aids/regex-slot.ts). A frame where the overlay
 * ran loaded the core (`coreGzip`) and those chunks (`chunks`, from chunkSizes).
 */
export async function pageLoads(context, worker, url, { coreGzip, chunks, settleMs = 2500 }) {
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: 'load' });
    await sleep(settleMs);
    const frames = await worker.evaluate(async (want) => {
      const tab = (await chrome.tabs.query({})).find((t) => t.url === want);
      if (tab?.id === undefined) throw new Error(`no tab shows ${want}`);
      const answers = await chrome.scripting.executeScript({
        target: { tabId: tab.id, allFrames: true },
        func: () => {
          const slot = globalThis[Symbol.for('inflow.kinds')];
          const regex = globalThis[Symbol.for('inflow.regexEngine')] !== undefined;
          const kinds = slot ? [...slot.kinds.keys()].sort() : null;
          return { url: location.href, kinds: kinds && regex ? [...kinds, 'regex'] : kinds };
        },
      });
      return answers.map((a) => a.result);
    }, page.url());
    const gzipOf = (name) => chunks.find((c) => c.chunk === name)?.gzip ?? 0;
    const withOverlay = frames.filter((f) => f.kinds !== null);
    const loaded = withOverlay.flatMap((f) => f.kinds);
    return {
      frames,
      overlayFrames: withOverlay.length,
      chunksLoaded: loaded,
      gzip: withOverlay.length * coreGzip + loaded.reduce((a, k) => a + gzipOf(k), 0),
    };
  } finally {
    await page.close();
  }
}

/** The overlay files a page loads, from the build alone (used when registration is unknown). */
export function staticOverlayFiles(extDir) {
  return ['overlay.js'].filter((f) => existsSync(join(extDir, f)));
}

function findPeer() {
  for (const peer of PEERS) {
    for (const base of SEARCH) {
      const dir = join(base, peer.name);
      const pkg = join(dir, 'package.json');
      if (existsSync(pkg)) {
        const { version } = JSON.parse(readFileSync(pkg, 'utf8'));
        const css = peer.css.map((c) => join(dir, c)).find((c) => existsSync(c));
        return { name: peer.name, version, dir, css, from: dirname(base) };
      }
    }
  }
  return null;
}

/**
 * The peer's gzipped size, or `{ skipped: reason }`. Bundles `export * from "<peer>"` (so
 * nothing is tree-shaken away) minified as an IIFE, plus its stylesheet minified.
 */
export async function peerSize() {
  const peer = findPeer();
  if (!peer) {
    return {
      skipped: `no tour library installed (looked for ${PEERS.map((p) => p.name).join(', ')}); \`npm run bench -- --fetch-peer\` installs ${DEFAULT_PEER} outside the project's dependencies`,
    };
  }
  let esbuild;
  try {
    esbuild = await import('esbuild');
    await esbuild.transform('let a = 1', { minify: true });
  } catch (e) {
    return { skipped: `esbuild does not run here: ${e.message}` };
  }
  const js = await esbuild.build({
    stdin: { contents: `export * from ${JSON.stringify(peer.name)};`, resolveDir: peer.from },
    nodePaths: SEARCH,
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Peer',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const jsBuffer = Buffer.from(js.outputFiles[0].contents);
  let cssBuffer = Buffer.alloc(0);
  if (peer.css) {
    const css = await esbuild.build({
      entryPoints: [peer.css],
      bundle: true,
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    cssBuffer = Buffer.from(css.outputFiles[0].contents);
  }
  return {
    name: `${peer.name}@${peer.version}`,
    installedIn: peer.from === ROOT ? 'node_modules' : 'artifacts/bench/peer',
    jsBytes: jsBuffer.length,
    cssBytes: cssBuffer.length,
    bytes: jsBuffer.length + cssBuffer.length,
    // Two files, as a page would fetch them.
    gzip: gzipBytes(jsBuffer) + (cssBuffer.length ? gzipBytes(cssBuffer) : 0),
  };
}
