#!/usr/bin/env node
/**
 * Builds the sample apps that are written as sources to bundle (today `desk`: React and
 * Radix, bundled with esbuild) into tests/apps/.build/<app>/, where the apps' server serves
 * them. `npm start`, `npm test` and the tests that open these apps call it first.
 *
 * It is cheap to call: an app is rebuilt only when its fingerprint changed (its sources, the
 * pinned package versions and the build options), which is kept next to its output.
 *
 *   node scripts/build-apps.mjs [--force] [--quiet]
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { APPS, BUILD_ROOT } from '../tests/apps/server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Apps with a build: where their sources are and which file is the entry point. */
export const APP_BUILDS = [{ app: 'desk', sources: 'tests/apps/desk/src', entry: 'main.jsx' }];

function esbuildOptions({ app, sources, entry }) {
  return {
    entryPoints: [join(ROOT, sources, entry)],
    outfile: join(BUILD_ROOT, app, APPS[app].build),
    bundle: true,
    format: 'esm',
    target: 'chrome120',
    jsx: 'automatic',
    // The repository's tsconfig.json sets up Preact for the extension; these apps use React.
    jsxImportSource: 'react',
    tsconfigRaw: {},
    minify: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
  };
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => join(f.parentPath, f.name))
    .sort();
}

/** What a build depends on: its sources, the pinned packages and its options. */
function fingerprint(build) {
  const hash = createHash('sha256');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  hash.update(JSON.stringify([pkg.dependencies, pkg.devDependencies, esbuildOptions(build)]));
  for (const file of filesUnder(join(ROOT, build.sources))) {
    hash.update(`\0${relative(ROOT, file)}\0`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

/** Writes a file whole or not at all, so a server never serves half of it. */
function writeAtomically(file, contents) {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, file);
}

/**
 * Builds every app in APP_BUILDS whose fingerprint changed (or all with `force`).
 * Resolves to one result per app; rejects with esbuild's messages when a build fails.
 * @param {{ force?: boolean }} [options]
 * @returns {Promise<{ app: string, file: string, built: boolean, bytes: number, ms: number }[]>}
 */
export async function buildApps({ force = false } = {}) {
  const results = [];
  for (const build of APP_BUILDS) {
    const start = performance.now();
    const options = esbuildOptions(build);
    const stampFile = join(BUILD_ROOT, build.app, '.fingerprint');
    const print = fingerprint(build);
    const fresh =
      !force &&
      existsSync(options.outfile) &&
      existsSync(stampFile) &&
      readFileSync(stampFile, 'utf8') === print;
    if (!fresh) {
      const { build: esbuild, formatMessages } = await import('esbuild');
      let out;
      try {
        out = await esbuild(options);
      } catch (e) {
        const messages = await formatMessages(e.errors ?? [], { kind: 'error' }).catch(() => []);
        throw new Error(`Building the ${build.app} app failed:\n${messages.join('\n') || e}`);
      }
      mkdirSync(dirname(options.outfile), { recursive: true });
      for (const file of out.outputFiles) writeAtomically(file.path, file.contents);
      writeAtomically(stampFile, print);
    }
    results.push({
      app: build.app,
      file: options.outfile,
      built: !fresh,
      bytes: readFileSync(options.outfile).length,
      ms: Math.round(performance.now() - start),
    });
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const quiet = args.includes('--quiet');
  buildApps({ force: args.includes('--force') }).then(
    (results) => {
      if (quiet) return;
      for (const r of results) {
        const what = r.built
          ? `built (${Math.round(r.bytes / 1024)} KB, ${r.ms} ms)`
          : 'up to date';
        console.log(`${r.app}: ${what}: ${relative(process.cwd(), r.file)}`);
      }
    },
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
