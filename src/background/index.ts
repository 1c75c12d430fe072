/**
 * Wires the background: every listener is registered synchronously when the service worker
 * starts (an event that wakes the worker is only delivered to listeners added in the first
 * turn). All state is in IndexedDB; nothing here survives the worker being stopped.
 */
import { browser } from 'wxt/browser';
import { bundledPacks } from './bundled';
import { getDb, type InflowDb, withReopen } from './db';
import { installBundledPacks } from './packs';
import {
  injectIntoOpenTabs,
  type ScriptingApi,
  syncRegistration,
  type TabsApi,
} from './registration';
import { handleMessage, type RouterDeps, type Sender } from './router';

function log(what: string, detail?: unknown): void {
  console.info(`[inflow] ${what}`, detail ?? '');
}

/** Installs bundled packs (when `onlyIfEmpty`, only into an empty store) and re-registers. */
export async function refreshPacks(
  db: InflowDb,
  scripting: ScriptingApi,
  onlyIfEmpty: boolean,
): Promise<void> {
  if (!onlyIfEmpty || (await db.packs.count()) === 0) {
    const report = await installBundledPacks(db, bundledPacks());
    if (report.failed.length) console.error('[inflow] bundled packs refused', report.failed);
    if (report.installed.length) log('installed packs', report.installed);
  }
  log('overlay registration', await syncRegistration(db, scripting));
}

export function startBackground(): void {
  const db = getDb();
  const scripting = browser.scripting as unknown as ScriptingApi;
  const tabs = browser.tabs as unknown as TabsApi;
  const deps: RouterDeps = {
    db,
    runtime: browser.runtime,
    tabs,
    locale: globalThis.navigator?.language,
  };

  // Pack installs and registration changes run one at a time, in the order they were asked.
  let queue: Promise<void> = Promise.resolve();
  const serially = (what: string, job: () => Promise<void>) => {
    queue = queue
      .then(() => withReopen(db, job))
      .catch((e) => console.error(`[inflow] ${what} failed`, e));
    return queue;
  };

  browser.runtime.onInstalled.addListener(({ reason }) => {
    void serially('install', async () => {
      await refreshPacks(db, scripting, false);
      if (reason === 'install' || reason === 'update') {
        const injected = await injectIntoOpenTabs(db, tabs, scripting);
        if (injected.length) log('overlay injected into open tabs', injected);
      }
    });
  });

  browser.runtime.onStartup.addListener(() => {
    void serially('startup', () => refreshPacks(db, scripting, true));
  });

  browser.runtime.onMessage.addListener((message: unknown, sender: Sender) =>
    handleMessage(message, sender, deps),
  );
}
