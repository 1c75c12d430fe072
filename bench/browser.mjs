/**
 * Chromium for the benchmark: a context with the built extension, launched exactly as the
 * end-to-end tests launch it, and a context without it that differs only by the two
 * extension flags.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import {
  chromiumPath,
  extensionArgs,
  extensionWorker,
  isReady,
  launchWithExtension,
  registeredScripts,
} from '../scripts/lib/extension.mjs';
import { sleep } from './stats.mjs';

const VIEWPORT = { width: 1280, height: 800 };

/**
 * Launches a fresh profile, with the extension in `ext` or without any extension.
 * @returns {Promise<{ context: import('@playwright/test').BrowserContext, close(): Promise<void> }>}
 */
export async function launch({ ext } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'inflow-bench-'));
  let context;
  try {
    if (ext) context = await launchWithExtension(dir, { ext, viewport: VIEWPORT });
    else {
      const args = extensionArgs('-').filter(
        (a) => !/^--(disable-extensions-except|load-extension)=/.test(a),
      );
      context = await chromium.launchPersistentContext(dir, {
        executablePath: chromiumPath(),
        headless: true,
        viewport: VIEWPORT,
        args,
      });
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until the background has stored its bundled packs and registered the overlay, and
 * returns the worker and the registered overlay script.
 */
export async function waitForBackground(context, timeout = 20_000) {
  const worker = await extensionWorker(context, timeout);
  const deadline = Date.now() + timeout;
  while (!(await isReady(worker).catch(() => false))) {
    if (Date.now() > deadline) {
      const scripts = await registeredScripts(worker).catch((e) => e.message);
      throw new Error(
        `the background was not ready within ${timeout} ms (no aids stored or overlay not registered): ${JSON.stringify(scripts)}`,
      );
    }
    await sleep(100);
  }
  const scripts = await registeredScripts(worker);
  return { worker, overlay: scripts.find((s) => s.id === 'inflow-overlay') };
}

/**
 * Control of the extension's service worker over CDP, from a page's session: its running
 * status as Chromium reports it, and a way to stop it. `ServiceWorker.stopWorker` is tried
 * first; `Target.closeTarget` on the worker's target is the fallback.
 */
export async function serviceWorkerControl(context, page, scriptPrefix) {
  const cdp = await context.newCDPSession(page);
  let version = null;
  const listeners = new Set();
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) {
      if (!v.scriptURL.startsWith(scriptPrefix)) continue;
      version = v;
      for (const l of listeners) l(v);
    }
  });
  await cdp.send('ServiceWorker.enable');
  const waitFor = (statuses, timeout) =>
    new Promise((ok, fail) => {
      if (version && statuses.includes(version.runningStatus)) return ok(version);
      const timer = setTimeout(() => {
        listeners.delete(l);
        fail(new Error(`service worker not ${statuses.join('/')} within ${timeout} ms`));
      }, timeout);
      const l = (v) => {
        if (!statuses.includes(v.runningStatus)) return;
        clearTimeout(timer);
        listeners.delete(l);
        ok(v);
      };
      listeners.add(l);
    });
  let method = null;
  return {
    status: () => version?.runningStatus ?? 'unknown',
    /** Records every status the worker passes through until the returned function is called. */
    trace() {
      const seen = [];
      const l = (v) => seen.push(v.runningStatus);
      listeners.add(l);
      return () => {
        listeners.delete(l);
        return seen;
      };
    },
    /** Stops the worker and resolves once Chromium reports it stopped; returns the method. */
    async stop() {
      await waitFor(['running', 'starting', 'stopped', 'stopping'], 5_000);
      if (version.runningStatus === 'stopped') return method ?? 'already stopped';
      if (method !== 'Target.closeTarget') {
        try {
          await cdp.send('ServiceWorker.stopWorker', { versionId: version.versionId });
          await waitFor(['stopped'], 3_000);
          method = 'ServiceWorker.stopWorker';
          return method;
        } catch {
          // Fall through to closing the worker's target.
        }
      }
      const targetId = version.targetId;
      if (!targetId) throw new Error('the service worker has no target to close');
      await cdp.send('Target.closeTarget', { targetId });
      await waitFor(['stopped'], 5_000);
      method = 'Target.closeTarget';
      return method;
    },
    detach: () => cdp.detach().catch(() => {}),
  };
}
