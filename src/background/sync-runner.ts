/**
 * When syncs run: one at a time, on start-up, on the periodic alarm, when the pack sources
 * change (in policy or in the options page) and on demand. A requested sync is noted in
 * IndexedDB until it ends, so that one cut short by the service worker being stopped is
 * started over when the worker next wakes up.
 */
import type { Settings } from '../protocol/settings';
import type { InflowDb, PackRow } from './db';
import { type SyncDeps, type SyncReport, syncAll } from './sync';

export const SYNC_ALARM = 'inflow-sync';
/** Chrome (120+) refuses alarm periods under 30 s. */
export const MIN_ALARM_MINUTES = 0.5;
/** `settings` row that holds when an unfinished sync was requested. */
export const PENDING_KEY = 'syncPendingSince';

/** The part of the alarms API the schedule uses. */
export interface AlarmsApi {
  get(name: string): Promise<{ name: string; periodInMinutes?: number } | undefined>;
  create(name: string, info: { periodInMinutes: number; delayInMinutes?: number }): unknown;
}

/** Makes the sync alarm fire every `minutes` (never below the browser's minimum). */
export async function scheduleSync(
  alarms: AlarmsApi,
  minutes: number,
): Promise<'scheduled' | 'unchanged'> {
  const period = Math.max(MIN_ALARM_MINUTES, minutes);
  const current = await alarms.get(SYNC_ALARM);
  if (current?.periodInMinutes === period) return 'unchanged';
  await alarms.create(SYNC_ALARM, { periodInMinutes: period, delayInMinutes: period });
  return 'scheduled';
}

export interface RunnerOptions extends Omit<SyncDeps, 'db'> {
  db: InflowDb;
  /** The settings as resolved at the start of each run. */
  settings(): Promise<Settings>;
  /** Called after a run that installed packs (registration, open tabs). */
  afterInstall?(packs: PackRow[]): Promise<void>;
  /** Called after every run (to tell open pages). */
  afterRun?(report: SyncReport): Promise<void>;
}

export interface SyncRunner {
  /**
   * Runs a sync, or joins one: `fresh` (the settings changed) waits for a run that starts
   * after this call; otherwise a run in progress or queued will do.
   */
  run(reason: string, options?: { fresh?: boolean }): Promise<SyncReport>;
  /** Runs a sync if one was requested and did not end (the worker was stopped). */
  resumeIfPending(): Promise<SyncReport | null>;
}

export function createSyncRunner(options: RunnerOptions): SyncRunner {
  const { db } = options;
  const now = options.now ?? Date.now;
  let running: Promise<SyncReport> | null = null;
  let queued: Promise<SyncReport> | null = null;

  const job = async (reason: string): Promise<SyncReport> => {
    await db.settings.put({ key: PENDING_KEY, value: now() });
    const settings = await options.settings();
    const report = await syncAll(options, settings);
    console.info(
      `[inflow] sync (${reason}):`,
      report.sources.map((s) => `${s.url}: ${s.message}`),
    );
    if (report.installed.length && options.afterInstall) {
      await options.afterInstall(report.installed).catch((e) => {
        console.error('[inflow] after sync', e);
      });
    }
    await db.settings.delete(PENDING_KEY);
    await options.afterRun?.(report).catch((e) => console.error('[inflow] after sync', e));
    return report;
  };

  const begin = (reason: string): Promise<SyncReport> => {
    const p: Promise<SyncReport> = job(reason).finally(() => {
      if (running === p) running = null;
    });
    running = p;
    return p;
  };

  const run: SyncRunner['run'] = (reason, { fresh = false } = {}) => {
    if (!running) return begin(reason);
    if (!fresh) return queued ?? running;
    const after = running.then(
      () => undefined,
      () => undefined,
    );
    queued ??= after.then(() => {
      queued = null;
      return begin(reason);
    });
    return queued;
  };

  return {
    run,
    async resumeIfPending() {
      const pending = await db.settings.get(PENDING_KEY);
      if (pending === undefined || running) return null;
      return run('resume');
    },
  };
}
