/**
 * Sends the outbox (events queued by the recorder) to the organisation's Learning Record
 * Store as xAPI 1.0.3 statements, in batches, oldest first; or, with `analyticsFormat`
 * 'json', as plain JSON batches to an endpoint of the organisation's own.
 *
 * Restart-safe: the queue and the back-off state are in IndexedDB, and a row leaves the
 * queue only once the LRS has confirmed it. A service worker stopped mid-upload sends the
 * same statements again when it wakes; their ids are the events' ids, so the LRS keeps each
 * once (it answers 409 Conflict for ids it already has, which counts as delivered).
 *
 * Runs on start-up (if rows wait), shortly after events are recorded, and on an alarm set
 * for the end of a back-off.
 */
import type { StoredEvent } from '../protocol/messages';
import type { ExportStatus, ResolvedSettings, Settings } from '../protocol/settings';
import { type ExportState, getSetting, type InflowDb, type OutboxRow } from './db';
import { OUTBOX_LIMIT } from './recorder';
import { actorName, type StatementContext, statementsUrl, toStatement } from './xapi';

export const EXPORT_ALARM = 'inflow-export';
/** Statements per request. */
export const BATCH_SIZE = 50;
/** First back-off after a failure; it doubles with each failure in a row, up to the max. */
export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 60 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

const FRESH_STATE: ExportState = { nextAttemptAt: 0, failures: 0, lastError: null };

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface UploaderOptions {
  db: InflowDb;
  fetch: FetchLike;
  /** The settings as resolved at the start of each run. */
  settings(): Promise<Settings>;
  /** The actor's account home page (see xapi.ts). */
  homePage: string;
  /** Sets the alarm that runs the upload again at `at`, or clears it (null). */
  schedule?(at: number | null): Promise<void>;
  now?(): number;
  /** In [0, 1): the jitter of the back-off. */
  random?(): number;
}

export type UploadOutcome = 'off' | 'empty' | 'waiting' | 'delivered' | 'failed';

export interface UploadReport {
  outcome: UploadOutcome;
  /** Statements the LRS confirmed in this run. */
  sent: number;
  state: ExportState;
}

/** Whether the settings ask for events to be sent. */
export function exportConfigured(settings: Settings): boolean {
  return settings.analyticsEnabled && settings.analyticsEndpoint !== '';
}

/**
 * Notes whether export is on, for the recorder; when it is off, forgets the queue: turning
 * sending off means that nothing more is sent, not even what was waiting.
 */
export async function applyExportSettings(db: InflowDb, settings: Settings): Promise<boolean> {
  const on = exportConfigured(settings);
  await db.transaction('rw', db.settings, db.outbox, async () => {
    await db.settings.put({ key: 'exportOn', value: on });
    if (!on) await db.outbox.clear();
  });
  return on;
}

/** The back-off after `failures` failures in a row: exponential, with jitter. */
export function backoffMs(failures: number, random: number, retryAfterMs = 0): number {
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  // "Equal jitter": between half and all of the exponential delay.
  return Math.max(retryAfterMs, Math.round(exp / 2 + (exp / 2) * random));
}

async function fallbackActor(db: InflowDb): Promise<string> {
  return db.transaction('rw', db.settings, async () => {
    const id = await getSetting(db, 'exportActorFallback', '');
    if (id) return id;
    const fresh = crypto.randomUUID();
    await db.settings.put({ key: 'exportActorFallback', value: fresh });
    return fresh;
  });
}

interface Attempt {
  ok: boolean;
  /** 409: the LRS already has (some of) these ids. */
  conflict: boolean;
  status: number;
  error?: string;
  retryAfterMs?: number;
}

function retryAfter(response: Response): number | undefined {
  const value = response.headers.get('Retry-After');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * One event as the 'json' format sends it: the stored event without its local sequence
 * number, with the same pseudonymous actor as the xAPI statements (never the actorId). Its
 * `id` is fixed at recording, so a receiver can drop an event it already has.
 */
export type JsonEvent = Omit<StoredEvent, 'seq'> & { actor: string };

export function toJsonEvent(event: StoredEvent, actor: string): JsonEvent {
  const { seq: _seq, ...rest } = event;
  return { ...rest, actor };
}

async function post(
  options: UploaderOptions,
  settings: Settings,
  items: unknown[],
): Promise<Attempt> {
  const json = settings.analyticsFormat === 'json';
  const who = json ? 'the analytics endpoint' : 'the LRS';
  const Who = who[0]!.toUpperCase() + who.slice(1);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (!json) headers['X-Experience-API-Version'] = '1.0.3';
  if (settings.analyticsAuth) headers.Authorization = settings.analyticsAuth;
  let response: Response;
  try {
    // JSON batches go to the endpoint itself; xAPI to its statements resource.
    response = await options.fetch(
      json ? settings.analyticsEndpoint : statementsUrl(settings.analyticsEndpoint),
      {
        method: 'POST',
        headers,
        body: JSON.stringify(json ? { events: items } : items),
        credentials: 'omit',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      },
    );
  } catch (e) {
    return { ok: false, conflict: false, status: 0, error: `No answer from ${who} (${e})` };
  }
  // The body is not needed; reading it frees the connection.
  await response.text().catch(() => '');
  if (response.ok) return { ok: true, conflict: false, status: response.status };
  // Only an LRS gives 409 a meaning (ids it already has); to a JSON receiver it is an error.
  if (response.status === 409 && !json) return { ok: false, conflict: true, status: 409 };
  const attempt: Attempt = {
    ok: false,
    conflict: false,
    status: response.status,
    error: `${Who} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
  };
  const wait =
    response.status === 429 || response.status === 503 ? retryAfter(response) : undefined;
  if (wait !== undefined) attempt.retryAfterMs = wait;
  return attempt;
}

export interface Uploader {
  /**
   * Sends what waits, or joins the run in progress. `force` ignores the back-off (the
   * alarm set for its end, or an explicit request).
   */
  run(reason: string, options?: { force?: boolean }): Promise<UploadReport>;
}

export function createUploader(options: UploaderOptions): Uploader {
  const { db } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  let running: Promise<UploadReport> | null = null;
  let again: { force: boolean } | null = null;

  const saveState = (state: ExportState) => db.settings.put({ key: 'exportState', value: state });

  /** Sends rows; on a 409 for a batch, one at a time, so that no new statement is lost. */
  const deliver = async (
    settings: Settings,
    rows: OutboxRow[],
    items: unknown[],
  ): Promise<{ sent: number; failure?: Attempt }> => {
    const attempt = await post(options, settings, items);
    if (attempt.ok || (attempt.conflict && rows.length === 1)) {
      await db.outbox.bulkDelete(rows.map((r) => r.id));
      return { sent: rows.length };
    }
    if (!attempt.conflict) return { sent: 0, failure: attempt };
    let sent = 0;
    for (let i = 0; i < rows.length; i++) {
      const one = await deliver(settings, [rows[i]!], [items[i]]);
      sent += one.sent;
      if (one.failure) return { sent, failure: one.failure };
    }
    return { sent };
  };

  const job = async (force: boolean): Promise<UploadReport> => {
    const settings = await options.settings();
    let state = await getSetting(db, 'exportState', FRESH_STATE);
    if (!(await applyExportSettings(db, settings))) {
      await options.schedule?.(null);
      return { outcome: 'off', sent: 0, state };
    }
    if ((await db.outbox.count()) === 0) {
      await options.schedule?.(null);
      return { outcome: 'empty', sent: 0, state };
    }
    if (!force && state.nextAttemptAt > now()) {
      await options.schedule?.(state.nextAttemptAt);
      return { outcome: 'waiting', sent: 0, state };
    }
    const ctx: StatementContext = {
      homePage: options.homePage,
      actorName: await actorName(settings.actorId, await fallbackActor(db)),
    };
    // The format is read at each run: rows queued before a change go in the new one.
    const encode: (row: OutboxRow) => unknown =
      settings.analyticsFormat === 'json'
        ? (row: OutboxRow) => toJsonEvent(row.event, ctx.actorName)
        : (row: OutboxRow) => toStatement(row.event, ctx);
    let sent = 0;
    for (;;) {
      const rows = await db.outbox.orderBy('seq').limit(BATCH_SIZE).toArray();
      if (rows.length === 0) break;
      const at = now();
      const result = await deliver(settings, rows, rows.map(encode));
      sent += result.sent;
      if (result.failure) {
        const failures = state.failures + 1;
        const wait = backoffMs(failures, random(), result.failure.retryAfterMs);
        state = {
          ...state,
          failures,
          lastAttemptAt: at,
          nextAttemptAt: at + wait,
          lastStatus: result.failure.status,
          lastError: result.failure.error ?? `Answered ${result.failure.status}`,
        };
        await saveState(state);
        await options.schedule?.(state.nextAttemptAt);
        console.warn(`[inflow] export: ${state.lastError}; next attempt in ${wait} ms`);
        return { outcome: 'failed', sent, state };
      }
      state = {
        nextAttemptAt: 0,
        failures: 0,
        lastAttemptAt: at,
        lastSuccessAt: now(),
        lastError: null,
      };
      await saveState(state);
    }
    await options.schedule?.(null);
    return { outcome: 'delivered', sent, state };
  };

  const run: Uploader['run'] = (reason, { force = false } = {}) => {
    if (running) {
      // Once the run in progress ends, one more picks up what was queued meanwhile.
      again = { force: force || (again?.force ?? false) };
      return running;
    }
    const p = job(force)
      .then((report) => {
        if (report.sent) console.info(`[inflow] export (${reason}): ${report.sent} sent`);
        return report;
      })
      .finally(() => {
        running = null;
        const next = again;
        again = null;
        if (next) void run('queued', next).catch((e) => console.error('[inflow] export', e));
      });
    running = p;
    return p;
  };

  return { run };
}

/**
 * Whether and how events are being sent, for the options page: never silent about a queue
 * that waits, a failure, or events dropped because the queue was full.
 */
export async function exportStatus(
  db: InflowDb,
  resolved: ResolvedSettings,
): Promise<ExportStatus> {
  const { values, managed } = resolved;
  let off: ExportStatus['off'] = null;
  if (!values.analyticsEnabled) off = managed.includes('analyticsEnabled') ? 'policy' : 'setting';
  else if (values.analyticsEndpoint === '') off = 'no-endpoint';
  const [queued, dropped, state] = await Promise.all([
    db.outbox.count(),
    getSetting(db, 'exportDropped', 0),
    getSetting(db, 'exportState', FRESH_STATE),
  ]);
  const status: ExportStatus = {
    off,
    format: values.analyticsFormat,
    queued,
    dropped,
    limit: OUTBOX_LIMIT,
    lastError: state.lastError,
  };
  if (state.lastSuccessAt) status.lastSuccessAt = state.lastSuccessAt;
  if (state.lastAttemptAt) status.lastAttemptAt = state.lastAttemptAt;
  if (queued && state.nextAttemptAt) status.nextAttemptAt = state.nextAttemptAt;
  return status;
}
