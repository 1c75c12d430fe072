/**
 * What a page downloads and parses when the overlay runs: the registered content script's
 * JavaScript and CSS, gzipped at level 9. The peer is a well-known tour library, bundled and
 * minified here with esbuild (its JS plus its stylesheet), when one is installed.
 */
import { existsSync, readFileSync } from 'node:fs';
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

/** The overlay files a page loads, from the build alone (used when registration is unknown). */
export function staticOverlayFiles(extDir) {
  return ['content-scripts/overlay.js', 'content-scripts/overlay.css'].filter((f) =>
    existsSync(join(extDir, f)),
  );
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
