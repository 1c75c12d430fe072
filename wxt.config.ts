import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'wxt';

/**
 * What a page loads: the overlay's content script, the aid kinds' chunks
 * (entrypoints/kind-<name>.ts), the help panel's (entrypoints/help.ts) and the touchpoint
 * meter's (entrypoints/touchpoints.ts). Their builds differ from the others in two ways:
 *
 * - `wxt/browser` is the browser's own API (`browser` in Firefox, `chrome` in Chromium, both
 *   promise-based), not webextension-polyfill: 9 KB that every page with aids would load,
 *   for the one thing the overlay needs of it (src/overlay/index.ts answers messages with
 *   sendResponse instead).
 * - In a chunk, `preact`, `preact/hooks` and `preact/jsx-runtime` are the core's copy, which
 *   the chunk reads from the kind slot when it runs (src/overlay/kinds/slot.ts): its
 *   components render into the core's tree, where only that copy's hooks work, and the chunk
 *   does not carry Preact again.
 */
const NATIVE: Record<string, string> = {
  './polyfills/SetLike.mjs': 'Set',
  './polyfills/array.from.mjs': 'Array.from',
};

function pageBuilds(): Plugin {
  const shim = fileURLToPath(new URL('src/overlay/kinds/preact-from-core.ts', import.meta.url));
  let page = false;
  let chunk = false;
  return {
    name: 'inflow:page-builds',
    enforce: 'pre',
    configResolved(config) {
      const name = String(config.build.lib ? config.build.lib.fileName : '');
      chunk = name.startsWith('kind-') || name === 'help' || name === 'touchpoints';
      page = chunk || name === 'overlay';
    },
    resolveId(source, importer) {
      // `wxt/browser`, as the polyfill module's alias has already rewritten it.
      if (page && source === '@wxt-dev/webextension-polyfill/browser') {
        return this.resolve('@wxt-dev/browser', importer, { skipSelf: true });
      }
      if (chunk && /^preact(\/hooks|\/jsx-runtime)?$/.test(source)) return shim;
      // dom-accessibility-api's fallbacks for browsers without Set and Array.from (its test
      // for Set is inverted, so it always takes the fallback).
      const fallback = /dom-accessibility-api\//.test(importer ?? '') && NATIVE[source];
      if (page && fallback) return `\0inflow:${fallback}`;
      return null;
    },
    load(id) {
      return id.startsWith('\0inflow:') ? `export default ${id.slice(8)};` : null;
    },
  };
}

/**
 * Chromium: the public half of an RSA key (base64 DER SPKI) fixes the extension id, so an
 * organisation's policy (3rdparty.extensions.<id>) reaches an unpacked build too:
 * kkobekcmkhdeommmdpoefojblpgledab. Only the public key: the private one is not needed.
 */
const CHROME_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2dy6YzRIV7RLGryz0cEUs0DR/gP0WOWV0utNJBlNrOfozznl' +
  'qEJytXXysV64TFozWFcrE9EMtXNtusSaG+mp+p9PCuGUNMe1fOWDRw2+vGNkE8niUAIwrG7jjgfXIVJgElnlBRedd9ls' +
  'KwQLi4m8DOHIhYqWvcp38m5+bDpf2jEIVBSx1T8dj7ZTwUAWfFph376zeHiwwXYWWZTe51XYnQFQ1p/cNrFV4G9juF1P' +
  '6fW4YGZtBoNWbnwqWPHW6Qyxdy+ombg51/6xSfSDfjC05dxgPynJwTIG0plqk8Lve1oLKxTlVKaNruaiYRlxFfjl9rfQ' +
  'btRpQ4bBM1zoID+5EQIDAQAB';

// Manifest and build settings. Entry points live in entrypoints/; all logic lives in src/.
export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  modules: ['@wxt-dev/webextension-polyfill'],
  manifest: ({ browser }) => ({
    name: 'Inflow',
    description: 'Checklists, tips and field checks in the flow of work on business web apps.',
    // storage: Dexie lives in the background; scripting: the overlay is registered only on
    // hosts that some aid can match, so pages without aids never load it; alarms: sync and
    // sending events on a schedule. No `tabs`: the host permissions already show the address
    // and title of web pages' tabs, and no code needs those of other tabs (browser pages).
    permissions: ['storage', 'scripting', 'alarms'],
    host_permissions: ['<all_urls>'],
    // Firefox: a fixed id (needed for managed storage and updates); URLPattern from 142.
    // Chromium: a fixed id, and the schema of the settings an organisation's policy may set
    // (public/managed_schema.json, mirroring src/protocol/settings.ts).
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: { id: 'inflow@job-aids', strict_min_version: '142.0' },
          },
        }
      : { key: CHROME_KEY, storage: { managed_schema: 'managed_schema.json' } }),
  }),
  vite: () => ({
    plugins: [pageBuilds(), preact()],
    // Terser packs the content script a little tighter than esbuild: every page with aids
    // downloads and parses it.
    build: { minify: 'terser', terserOptions: { compress: { passes: 3 }, ecma: 2020 } },
  }),
});
