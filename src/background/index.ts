/**
 * Wires the background: every listener is registered synchronously when the service worker
 * starts (an event that wakes the worker is only delivered to listeners added in the first
 * turn). All state is in IndexedDB; nothing here survives the worker being stopped.
 */
import { browser } from 'wxt/browser';
import { SYNC_DONE_KEY } from '../protocol/signals';
import { clearPreviews, dropPreview } from './authoring';
import { bundledPacks } from './bundled';
import { getDb, type InflowDb, withReopen } from './db';
import { createFirstPaintWriter, type LocalArea } from './first-paint';
import { syncKindRegistrations } from './kind-registration';
import {
  applyExportSettings,
  applyHubSettings,
  createUploader,
  EXPORT_ALARM,
  HUB_ALARM,
  hubDestination,
} from './outbox-upload';
import { installBundledPacks } from './packs';
import {
  injectIntoOpenTabs,
  refreshOverlays,
  type ScriptingApi,
  syncRegistration,
  type TabsApi,
} from './registration';
import { handleMessage, type RouterDeps, type Sender } from './router';
import {
  AUDIENCE_KEYS,
  forgetPolicy,
  type ManagedArea,
  onLatePolicy,
  resolveSettings,
  SETTING_KEYS,
  SYNC_KEYS,
  viewerOf,
} from './settings';
import { type AlarmsApi, createSyncRunner, SYNC_ALARM, scheduleSync } from './sync-runner';
import {
  applyTouchpointSettings,
  TOUCHPOINT_ALARM,
  TOUCHPOINT_UPLOAD_MINUTES,
  touchpointDestination,
} from './touchpoints';
import { DEFAULT_HOME_PAGE } from './xapi';

/** Delay between an event being recorded and its upload: events come in bursts. */
const UPLOAD_DEBOUNCE_MS = 2_000;

/** Keys whose change turns export on or off, or changes where or as whom it sends. */
const EXPORT_KEYS: ReadonlySet<string> = new Set([
  'analyticsEndpoint',
  'analyticsEnabled',
  'analyticsAuth',
  'analyticsFormat',
  'actorId',
]);

/**
 * Keys whose change turns sending to the hub on or off, or changes where or with which token
 * it sends. (actorId, team and role are read at each upload: a change needs nothing now.)
 */
const HUB_KEYS: ReadonlySet<string> = new Set(['hubUrl', 'hubToken']);

/** Keys whose change turns touchpoint measuring on or off, or moves it to other hosts. */
const TOUCHPOINT_KEYS: ReadonlySet<string> = new Set(['touchpointHosts', 'hubUrl', 'hubToken']);

/** The homepage the manifest states, as the actor's account home page (xapi.ts). */
function homePage(): string {
  try {
    return browser.runtime.getManifest().homepage_url || DEFAULT_HOME_PAGE;
  } catch {
    return DEFAULT_HOME_PAGE;
  }
}

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
  await registerForAids(db, scripting);
}

/** Makes the overlay's and the chunks' registrations follow the installed aids. */
async function registerForAids(db: InflowDb, scripting: ScriptingApi): Promise<void> {
  log('overlay registration', await syncRegistration(db, scripting));
  log('chunk registrations', await syncKindRegistrations(db, scripting));
}

export function startBackground(): void {
  const db = getDb();
  const scripting = browser.scripting as unknown as ScriptingApi;
  const tabs = browser.tabs as unknown as TabsApi;
  const alarms = browser.alarms as unknown as AlarmsApi;
  const managed = (browser.storage.managed as unknown as ManagedArea | undefined) ?? null;
  const settings = () => resolveSettings({ db, managed });
  const locale = globalThis.navigator?.language;
  // What a top frame shows before this worker answers it (first-paint.ts).
  const firstPaint = createFirstPaintWriter(
    db,
    browser.storage.local as unknown as LocalArea,
    async () => viewerOf((await withReopen(db, settings)).values, locale),
  );

  // Pack installs and registration changes run one at a time, in the order they were asked.
  let queue: Promise<void> = Promise.resolve();
  const serially = (what: string, job: () => Promise<void>) => {
    queue = queue
      .then(() => withReopen(db, job))
      .catch((e) => console.error(`[inflow] ${what} failed`, e));
    return queue;
  };

  const runner = createSyncRunner({
    db,
    fetch: (input, init) => globalThis.fetch(input, init),
    settings: async () => (await withReopen(db, settings)).values,
    afterInstall: (packs) =>
      serially('registration after sync', async () => {
        log(
          'installed from pack sources',
          packs.map((p) => `${p.id}@${p.version}`),
        );
        await registerForAids(db, scripting);
        void firstPaint.all();
        await injectIntoOpenTabs(db, tabs, scripting);
        await refreshOverlays(tabs);
      }),
    // Open options pages and popups show the new statuses.
    afterRun: () => browser.storage.local.set({ [SYNC_DONE_KEY]: Date.now() }),
  });
  // Export of events to the organisation's Learning Record Store, and to its hub: two
  // uploaders, each with its own queue, back-off and alarm (outbox-upload.ts).
  const alarmAt = (name: string) => async (at: number | null) => {
    if (at === null) await browser.alarms.clear(name);
    else await browser.alarms.create(name, { when: Math.max(at, Date.now() + 1_000) });
  };
  const uploaders = {
    export: createUploader({
      db,
      fetch: (input, init) => globalThis.fetch(input, init),
      settings: async () => (await withReopen(db, settings)).values,
      homePage: homePage(),
      schedule: alarmAt(EXPORT_ALARM),
    }),
    hub: createUploader({
      db,
      destination: hubDestination,
      fetch: (input, init) => globalThis.fetch(input, init),
      settings: async () => (await withReopen(db, settings)).values,
      homePage: homePage(),
      schedule: alarmAt(HUB_ALARM),
    }),
    // Touchpoint sums: sealed and sent every TOUCHPOINT_UPLOAD_MINUTES (its alarm is
    // periodic while measuring is on), with a back-off of their own.
    touchpoints: createUploader({
      db,
      destination: touchpointDestination,
      fetch: (input, init) => globalThis.fetch(input, init),
      settings: async () => (await withReopen(db, settings)).values,
      homePage: homePage(),
    }),
  };
  type Destination = keyof typeof uploaders;
  const uploadTo = (to: Destination, reason: string, force = false) =>
    withReopen(db, () => uploaders[to].run(reason, { force })).catch((e) => {
      console.error(`[inflow] ${to} (${reason}) failed`, e);
      return null;
    });
  /** Both destinations, side by side: neither waits for the other. */
  const upload = (reason: string) =>
    Promise.all([uploadTo('export', reason), uploadTo('hub', reason)]);
  let uploadTimer: ReturnType<typeof setTimeout> | undefined;
  /** An upload soon; if the worker stops first, the queues are sent when it next starts. */
  const uploadSoon = () => {
    clearTimeout(uploadTimer);
    uploadTimer = setTimeout(() => void upload('after recording'), UPLOAD_DEBOUNCE_MS);
  };
  const exportSettings = async () => {
    const values = (await withReopen(db, settings)).values;
    const on = await applyExportSettings(db, values);
    log('export to the LRS', on ? 'on' : 'off');
    const hub = await applyHubSettings(db, values);
    log('sending to the hub', hub ? 'on' : 'off');
  };

  /**
   * Touchpoint measuring follows the policy: where the overlay is registered, the periodic
   * upload, and open pages on those hosts start or stop measuring. One job in the queue, the
   * settings read when it runs: a start's job that read the settings before a late policy
   * came must not write its hosts over the policy's.
   */
  const touchpointSettings = () =>
    serially('touchpoint settings', async () => {
      const values = (await settings()).values;
      const { on, changed } = await applyTouchpointSettings(db, values);
      if (on) {
        const existing = await browser.alarms.get(TOUCHPOINT_ALARM);
        if (!existing) {
          await browser.alarms.create(TOUCHPOINT_ALARM, {
            periodInMinutes: TOUCHPOINT_UPLOAD_MINUTES,
          });
        }
      } else await browser.alarms.clear(TOUCHPOINT_ALARM);
      // Every start of the worker comes here: open pages are asked again only on a change.
      if (!changed) return;
      log('touchpoints', on ? `on for ${values.touchpointHosts.join(', ')}` : 'off');
      log('overlay registration', await syncRegistration(db, scripting));
      await injectIntoOpenTabs(db, tabs, scripting);
      await refreshOverlays(tabs);
    });

  const sync = (reason: string, fresh = false) =>
    runner.run(reason, { fresh }).catch((e) => {
      console.error(`[inflow] sync (${reason}) failed`, e);
      return null;
    });
  const schedule = async () => {
    const minutes = (await withReopen(db, settings)).values.syncIntervalMinutes;
    log('sync alarm', `${await scheduleSync(alarms, minutes)} (every ${minutes} min)`);
  };

  /** Applies a change of settings, from policy or from the options page. */
  const settingsChanged = async (keys: readonly string[]) => {
    const changed = SETTING_KEYS.filter((key) => keys.includes(key));
    if (changed.some((key) => SYNC_KEYS.has(key))) void sync('settings changed', true);
    if (changed.includes('syncIntervalMinutes')) {
      await schedule().catch((e) => console.error('[inflow] scheduling sync failed', e));
    }
    if (changed.some((key) => AUDIENCE_KEYS.has(key))) {
      void firstPaint.all();
      await refreshOverlays(tabs);
    }
    const toLrs = changed.some((key) => EXPORT_KEYS.has(key));
    const toHub = changed.some((key) => HUB_KEYS.has(key));
    if (toLrs || toHub) {
      await exportSettings().catch((e) => console.error('[inflow] export settings failed', e));
    }
    // A new address or token deserves a try now, whatever the back-off of the old one.
    if (toLrs) void uploadTo('export', 'settings changed', true);
    if (toHub) void uploadTo('hub', 'settings changed', true);
    if (changed.some((key) => TOUCHPOINT_KEYS.has(key))) {
      // A new hub address or token deserves a try now; with the hosts or the hub removed,
      // this forgets the sums instead (nothing more is sent).
      await uploadTo('touchpoints', 'settings changed', true);
      await touchpointSettings().catch((e) =>
        console.error('[inflow] touchpoint settings failed', e),
      );
    }
  };

  const deps: RouterDeps = {
    db,
    runtime: browser.runtime,
    tabs,
    locale,
    managed,
    syncNow: async () => (await runner.run('on demand')).sources,
    settingsChanged,
    scripting,
    // An aid an author published may need the overlay on a new host, also in open tabs.
    aidsChanged: () =>
      serially('registration after authoring', async () => {
        await registerForAids(db, scripting);
        void firstPaint.all();
        await injectIntoOpenTabs(db, tabs, scripting);
      }),
    firstPaintSettings: () => firstPaint.settings(),
  };

  // After the bundled packs: schedule the periodic sync and sync once.
  const startSyncing = async (reason: string) => {
    await schedule().catch((e) => console.error('[inflow] scheduling sync failed', e));
    await sync(reason);
  };

  browser.runtime.onInstalled.addListener(({ reason }) => {
    void serially('install', async () => {
      await refreshPacks(db, scripting, false);
      void firstPaint.all();
      if (reason === 'install' || reason === 'update') {
        const injected = await injectIntoOpenTabs(db, tabs, scripting);
        if (injected.length) log('overlay injected into open tabs', injected);
      }
    }).then(() => startSyncing(reason));
  });

  browser.runtime.onStartup.addListener(() => {
    // Tab ids start over with the browser: previews of the last session would land in
    // unrelated tabs.
    void withReopen(db, () => clearPreviews(db)).catch((e) =>
      console.error('[inflow] clearing previews failed', e),
    );
    void serially('startup', async () => {
      await refreshPacks(db, scripting, true);
      void firstPaint.all();
    }).then(() => startSyncing('startup'));
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SYNC_ALARM) void sync('alarm');
    // Set for the end of a back-off.
    if (alarm.name === EXPORT_ALARM) void uploadTo('export', 'alarm', true);
    if (alarm.name === HUB_ALARM) void uploadTo('hub', 'alarm', true);
    // Periodic: sends the sums so far (unless a back-off is running).
    if (alarm.name === TOUCHPOINT_ALARM) void uploadTo('touchpoints', 'alarm');
  });

  // Policy changes apply without a restart.
  const policyChanged = (keys: string[]) =>
    void settingsChanged(keys).catch((e) => console.error('[inflow] applying policy failed', e));
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'managed') return;
    forgetPolicy();
    policyChanged(Object.keys(changes));
  });
  // So does a first read that managed storage answered only after its kept copy was used.
  onLatePolicy(policyChanged);

  // A sync that the worker's stopping cut short starts over now.
  void withReopen(db, () => runner.resumeIfPending()).catch((e) =>
    console.error('[inflow] resuming sync failed', e),
  );

  // The policy may have changed while the worker was stopped; an upload cut short resumes.
  void exportSettings()
    .catch((e) => console.error('[inflow] export settings failed', e))
    .then(() => upload('start'));
  void touchpointSettings().catch((e) => console.error('[inflow] touchpoint settings failed', e));

  // A preview lives as long as its tab.
  browser.tabs.onRemoved.addListener((tabId) => {
    void withReopen(db, () => dropPreview(db, tabId)).catch((e) =>
      console.error('[inflow] removing a preview failed', e),
    );
  });

  browser.runtime.onMessage.addListener((message: unknown, sender: Sender) => {
    const answer = handleMessage(message, sender, deps);
    if ((message as { type?: unknown } | null)?.type === 'event.record') {
      void Promise.resolve(answer).then(uploadSoon, () => {});
    }
    return answer;
  });
}
