import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// Manifest and build settings. Entry points live in entrypoints/; all logic lives in src/.
export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  modules: ['@wxt-dev/webextension-polyfill'],
  manifest: ({ browser }) => ({
    name: 'Inflow',
    description: 'Checklists, tips and field checks in the flow of work on business web apps.',
    // storage: Dexie lives in the background; scripting: the overlay is registered only on
    // hosts that some aid can match, so pages without aids never load it.
    permissions: ['storage', 'scripting', 'tabs', 'alarms'],
    host_permissions: ['<all_urls>'],
    // Firefox: a fixed id (needed for managed storage and updates); URLPattern from 142.
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: { id: 'inflow@job-aids', strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
  vite: () => ({
    plugins: [preact()],
  }),
});
