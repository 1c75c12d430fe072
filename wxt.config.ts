import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

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
    plugins: [preact()],
    // Terser packs the content script a little tighter than esbuild: every page with aids
    // downloads and parses it.
    build: { minify: 'terser', terserOptions: { compress: { passes: 2 }, ecma: 2020 } },
  }),
});
