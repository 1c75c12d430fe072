/**
 * Launching Chromium with the built extension, and reading the background's state. Shared by
 * the e2e fixtures (tests/e2e/fixtures.ts), `npm start` and `npm test`, so that all three
 * launch the browser the same way.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const EXTENSION_DIR = resolve(ROOT, '.output/chrome-mv3');
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/** Id under which the background registers the overlay content script. */
export const OVERLAY_SCRIPT_ID = 'inflow-overlay';

export function chromiumPath() {
  return process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

export function extensionArgs(ext = EXTENSION_DIR) {
  return [
    `--disable-extensions-except=${ext}`,
    `--load-extension=${ext}`,
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
}

export async function launchWithExtension(userDataDir, options = {}) {
  const ext = options.ext ?? EXTENSION_DIR;
  if (!existsSync(resolve(ext, 'manifest.json'))) {
    throw new Error(`No built extension in ${ext}: run \`npx wxt build\` first.`);
  }
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}. Install it (Debian: apt-get install -y chromium) ` +
        'or set CHROMIUM_PATH to a Chromium or Chrome executable.',
    );
  }
  return chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: options.headless ?? true,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    args: extensionArgs(ext),
  });
}

const isExtensionWorker = (w) => w.url().startsWith('chrome-extension://');

/** The extension's service worker; waits for it to start if it has not yet. */
export async function extensionWorker(context, timeout = 15_000) {
  // Listen first, then look: a worker that starts in between is not missed.
  const waiting = context.waitForEvent('serviceworker', { predicate: isExtensionWorker, timeout });
  const running = context.serviceWorkers().find(isExtensionWorker);
  if (running) {
    waiting.catch(() => {});
    return running;
  }
  return waiting;
}

export function extensionIdOf(worker) {
  return new URL(worker.url()).host;
}

/**
 * All rows of one object store of the background's `inflow` database, read in the service
 * worker with the raw IndexedDB API (not through the background's own code). An absent
 * database reads as empty; it is never created here.
 */
export function readStore(worker, table) {
  return worker.evaluate(async (name) => {
    const dbs = await indexedDB.databases();
    if (!dbs.some((d) => d.name === 'inflow')) return [];
    const db = await new Promise((ok, fail) => {
      const req = indexedDB.open('inflow');
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
      req.onblocked = () => fail(new Error('opening inflow was blocked'));
    });
    // Never hold up a schema upgrade of the background.
    db.onversionchange = () => db.close();
    try {
      if (!db.objectStoreNames.contains(name)) {
        throw new Error(
          `no object store "${name}" in inflow (has: ${[...db.objectStoreNames].join(', ')})`,
        );
      }
      return await new Promise((ok, fail) => {
        const req = db.transaction(name, 'readonly').objectStore(name).getAll();
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
    } finally {
      db.close();
    }
  }, table);
}

/** Content scripts the background has registered with chrome.scripting. */
export function registeredScripts(worker) {
  return worker.evaluate(() => globalThis.chrome.scripting.getRegisteredContentScripts());
}

/** True once the bundled packs are stored and the overlay script is registered. */
export async function isReady(worker) {
  const [aids, scripts] = await Promise.all([readStore(worker, 'aids'), registeredScripts(worker)]);
  return aids.length > 0 && scripts.some((s) => s.id === OVERLAY_SCRIPT_ID);
}
