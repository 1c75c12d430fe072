/**
 * Sends the events queued by the recorder to a destination, in batches, oldest first. Two
 * destinations, each with its own queue, back-off state and alarm, so that one that fails
 * never holds up the other:
 *
 * - the analytics endpoint (`outbox`): the organisation's Learning Record Store as xAPI 1.0.3
 *   statements, or, with `analyticsFormat` 'json', plain JSON batches to an endpoint of the
 *   organisation's own;
 * - the organisation's hub (`hubOutbox`): batches of ../protocol/hub.ts to
 *   `<hubUrl>/api/events`, with the device token.
 *
 * Restart-safe: the queues and the back-off states are in IndexedDB, and a row leaves its
 * queue only once the destination has confirmed it. A service worker stopped mid-upload
 * sends the same events again when it wakes; their ids are the events' ids, so the LRS keeps
 * each once (it answers 409 Conflict for ids it already has, which counts as delivered) and
 * so does the hub (it answers 200 and counts them as duplicates).
 *
 * Runs on start-up (if rows wait), shortly after events are recorded, and on an alarm set
 * for the end of a back-off.
 */
import type { Table } from 'dexie';
import { HUB_MAX_BATCH, HUB_MAX_BODY_BYTES, HubEvent } from '../protocol/hub';
import type { StoredEvent } from '../protocol/messages';
import type {
  ExportStatus,
  HubExportStatus,
  ResolvedSettings,
  Settings,
} from '../protocol/settings';
import {
  type ExportState,
  getSetting,
  type InflowDb,
  type OutboxRow,
  type Settings as StoredSettings,
} from './db';
import { OUTBOX_LIMIT } from './recorder';
import { actorName, type StatementContext, statementsUrl, toStatement } from './xapi';

export const EXPORT_ALARM = 'inflow-export';
export const HUB_ALARM = 'inflow-hub';
/** Statements per request. */
export const BATCH_SIZE = 50;
/** Events per request to the hub: well under HUB_MAX_BATCH, and HUB_MAX_BODY_BYTES. */
export const HUB_BATCH_SIZE = Math.min(200, HUB_MAX_BATCH);
/** The path of the hub's ingest, under hubUrl. */
export const HUB_EVENTS_PATH = '/api/events';
/** First back-off after a failure; it doubles with each failure in a row, up to the max. */
export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 60 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

const FRESH_STATE: ExportState = { nextAttemptAt: 0, failures: 0, lastError: null };

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface UploaderOptions {
  db: InflowDb;
  /** Where to send: the analytics endpoint (the default) or the hub. */
  destination?: Destination;
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
  /** Events the destination confirmed in this run. */
  sent: number;
  /** Events the destination refused one by one (or that broke its contract): dropped. */
  refused?: number;
  state: ExportState;
}

/** Whether the settings ask for events to be sent to the analytics endpoint. */
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

/** Whether the settings name a hub to send events to: its address and a device token. */
export function hubConfigured(settings: Settings): boolean {
  return settings.hubUrl !== '' && settings.hubToken !== '';
}

/**
 * Notes whether sending to the hub is on, for the recorder; when it is off, forgets the
 * hub's queue, as for the analytics endpoint. Events recorded while no hub is set are never
 * queued for it, so they are not sent once one is.
 */
export async function applyHubSettings(db: InflowDb, settings: Settings): Promise<boolean> {
  const on = hubConfigured(settings);
  await db.transaction('rw', db.settings, db.hubOutbox, async () => {
    await db.settings.put({ key: 'hubOn', value: on });
    if (!on) await db.hubOutbox.clear();
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

/** What one request came to. */
export interface Attempt {
  ok: boolean;
  /**
   * How to go on when a batch was not taken as a whole: 'ones', one request per event,
   * and an event alone answered so counts as delivered (an LRS's 409: it has those ids);
   * 'halves', the batch in two halves, and an event alone answered so is refused and
   * dropped (the hub's 413 or 400). Absent: the attempt failed, the rows wait.
   */
  split?: 'ones' | 'halves';
  status: number;
  error?: string;
  retryAfterMs?: number;
}

/** A row of any destination's queue: what its encoder turns into an item to send. */
// biome-ignore lint/suspicious/noExplicitAny: each destination knows the rows of its own queue.
type AnyRow = OutboxRow<any>;

/** Where events go: its queue, its state in the settings table, how it is asked. */
export interface Destination {
  /** For logs: "export", "hub", "touchpoints". */
  name: string;
  queue(db: InflowDb): Table<AnyRow, string>;
  keys: {
    state: 'exportState' | 'hubState' | 'touchpointState';
    refused?: 'hubRefused' | 'touchpointRefused';
  };
  batchSize: number;
  /** Notes whether this destination is on (and forgets its queue when it is off). */
  apply(db: InflowDb, settings: Settings): Promise<boolean>;
  /** Fills the queue before a run that is on (touchpoints: seals the sums so far). */
  prepare?(db: InflowDb, now: number): Promise<void>;
  /** The items to send for rows; the format is read at each run. */
  encoder(settings: Settings, ctx: StatementContext): (row: AnyRow) => unknown;
  /** Why an item cannot be sent at all (it breaks the contract), or null. */
  invalid?(item: unknown): string | null;
  /** Rows that fit one request, from the first: at least one. */
  fit?(items: unknown[]): number;
  post(fetch: FetchLike, settings: Settings, items: unknown[]): Promise<Attempt>;
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

const titleCase = (text: string) => text[0]!.toUpperCase() + text.slice(1);

function failed(response: Response, who: string): Attempt {
  const attempt: Attempt = {
    ok: false,
    status: response.status,
    error: `${titleCase(who)} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
  };
  const wait =
    response.status === 429 || response.status === 503 ? retryAfter(response) : undefined;
  if (wait !== undefined) attempt.retryAfterMs = wait;
  return attempt;
}

async function postToAnalytics(
  fetch: FetchLike,
  settings: Settings,
  items: unknown[],
): Promise<Attempt> {
  const json = settings.analyticsFormat === 'json';
  const who = json ? 'the analytics endpoint' : 'the LRS';
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (!json) headers['X-Experience-API-Version'] = '1.0.3';
  if (settings.analyticsAuth) headers.Authorization = settings.analyticsAuth;
  let response: Response;
  try {
    // JSON batches go to the endpoint itself; xAPI to its statements resource.
    response = await fetch(
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
    return { ok: false, status: 0, error: `No answer from ${who} (${e})` };
  }
  // The body is not needed; reading it frees the connection.
  await response.text().catch(() => '');
  if (response.ok) return { ok: true, status: response.status };
  // Only an LRS gives 409 a meaning (ids it already has); to a JSON receiver it is an error.
  if (response.status === 409 && !json) return { ok: false, split: 'ones', status: 409 };
  return failed(response, who);
}

/** The analytics endpoint: the LRS (xAPI) or a JSON receiver of the organisation's own. */
export const analyticsDestination: Destination = {
  name: 'export',
  queue: (db) => db.outbox,
  keys: { state: 'exportState' },
  batchSize: BATCH_SIZE,
  apply: applyExportSettings,
  encoder: (settings, ctx) =>
    settings.analyticsFormat === 'json'
      ? (row) => toJsonEvent(row.event, ctx.actorName)
      : (row) => toStatement(row.event, ctx),
  post: postToAnalytics,
};

/** The hub's events resource under its address (a trailing slash or not). */
export function hubEventsUrl(hubUrl: string): string {
  return hubUrl.replace(/\/+$/, '') + HUB_EVENTS_PATH;
}

/**
 * One event as the hub takes it (../protocol/hub.ts): the stored event without its local
 * sequence number, with the pseudonymous actor, and the team and role when set.
 */
export function toHubEvent(event: StoredEvent, actor: string, settings: Settings): HubEvent {
  const { seq: _seq, ...rest } = event;
  const out: HubEvent = { ...rest, actor };
  if (settings.team) out.team = settings.team;
  if (settings.role) out.role = settings.role;
  return out;
}

const bytes = (text: string) => new TextEncoder().encode(text).length;

async function postToHub(fetch: FetchLike, settings: Settings, items: unknown[]): Promise<Attempt> {
  return postJsonToHub(fetch, settings, HUB_EVENTS_PATH, { events: items });
}

/**
 * POSTs a JSON body to a path of the hub with the device token, and says what came of it in
 * the uploader's terms: 200 confirms, 413 and 400 split the batch, anything else waits.
 */
export async function postJsonToHub(
  fetch: FetchLike,
  settings: Settings,
  path: string,
  body: unknown,
): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(settings.hubUrl.replace(/\/+$/, '') + path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${settings.hubToken}`,
      },
      body: JSON.stringify(body),
      credentials: 'omit',
      // The device token goes to hubUrl only, never to wherever a redirect points.
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (e) {
    return { ok: false, status: 0, error: `No answer from the hub (${e})` };
  }
  const text = await response.text().catch(() => '');
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    return {
      ok: false,
      status: response.status,
      error:
        'The hub answered with a redirect, which is not followed: set hubUrl to the address it redirects to',
    };
  }
  // Only 200 confirms a batch (the contract's answer); any other answer keeps the rows.
  if (response.status === 200) return { ok: true, status: 200 };
  const attempt = failed(response, 'the hub');
  if (response.status === 401 || response.status === 403) {
    attempt.error += ': the device token (hubToken) is missing, wrong or revoked';
  }
  // Too big: in halves. Invalid: in halves too, down to the one event the hub refuses.
  if (response.status === 413) attempt.split = 'halves';
  if (response.status === 400) {
    attempt.split = 'halves';
    const problems = text.trim().slice(0, 300);
    if (problems) attempt.error += ` (${problems})`;
  }
  return attempt;
}

/** The organisation's hub: every event type, with the device token. */
export const hubDestination: Destination = {
  name: 'hub',
  queue: (db) => db.hubOutbox,
  keys: { state: 'hubState', refused: 'hubRefused' },
  batchSize: HUB_BATCH_SIZE,
  apply: applyHubSettings,
  encoder: (settings, ctx) => (row) => toHubEvent(row.event, ctx.actorName, settings),
  invalid: (item) => {
    const result = HubEvent.safeParse(item);
    if (result.success) return null;
    return result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || 'event'}: ${i.message}`)
      .join('; ');
  },
  // Under the hub's limit of bytes per request, whatever the events hold.
  fit: (items) => {
    let n = items.length;
    while (n > 1 && bytes(JSON.stringify({ events: items.slice(0, n) })) > HUB_MAX_BODY_BYTES) {
      n = Math.ceil(n / 2);
    }
    return n;
  },
  post: postToHub,
};

export interface Uploader {
  /**
   * Sends what waits, or joins the run in progress. `force` ignores the back-off (the
   * alarm set for its end, or an explicit request).
   */
  run(reason: string, options?: { force?: boolean }): Promise<UploadReport>;
}

export function createUploader(options: UploaderOptions): Uploader {
  const { db } = options;
  const dest = options.destination ?? analyticsDestination;
  const queue = dest.queue(db);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  let running: Promise<UploadReport> | null = null;
  let again: { force: boolean } | null = null;

  const saveState = (state: ExportState) => db.settings.put({ key: dest.keys.state, value: state });

  /** Drops rows that can never be sent, and counts them: the queue must not stop on them. */
  const refuse = async (rows: AnyRow[], why: string) => {
    const key = dest.keys.refused;
    await db.transaction('rw', db.settings, queue, async () => {
      await queue.bulkDelete(rows.map((r) => r.id));
      if (!key) return;
      const before = await getSetting(db, key, 0 as StoredSettings[typeof key]);
      await db.settings.put({ key, value: before + rows.length });
    });
    console.warn(`[inflow] ${dest.name}: dropped ${rows.length} item(s): ${why}`);
  };

  interface Delivery {
    sent: number;
    refused: number;
    failure?: Attempt;
  }

  /**
   * Sends rows. A batch that the destination asks to split (see Attempt.split) goes again
   * in parts, so that one event never holds back the others; the rows of a failure wait.
   */
  const deliver = async (
    settings: Settings,
    rows: AnyRow[],
    items: unknown[],
  ): Promise<Delivery> => {
    const attempt = await dest.post(options.fetch, settings, items);
    if (attempt.ok || (attempt.split === 'ones' && rows.length === 1)) {
      await queue.bulkDelete(rows.map((r) => r.id));
      return { sent: rows.length, refused: 0 };
    }
    if (!attempt.split) return { sent: 0, refused: 0, failure: attempt };
    if (rows.length === 1) {
      // Refused alone: dropped and counted, and the run backs off all the same, so that a
      // destination that refuses everything is not asked in a tight loop.
      await refuse(rows, attempt.error ?? `answered ${attempt.status}`);
      return {
        sent: 0,
        refused: 1,
        failure: { ...attempt, error: `${attempt.error}; the event was dropped` },
      };
    }
    const size = attempt.split === 'ones' ? 1 : Math.ceil(rows.length / 2);
    const done: Delivery = { sent: 0, refused: 0 };
    for (let i = 0; i < rows.length; i += size) {
      const part = await deliver(settings, rows.slice(i, i + size), items.slice(i, i + size));
      done.sent += part.sent;
      done.refused += part.refused;
      if (part.failure) return { ...done, failure: part.failure };
    }
    return done;
  };

  const job = async (force: boolean): Promise<UploadReport> => {
    const settings = await options.settings();
    let state = await getSetting(db, dest.keys.state, FRESH_STATE);
    if (!(await dest.apply(db, settings))) {
      await options.schedule?.(null);
      return { outcome: 'off', sent: 0, state };
    }
    await dest.prepare?.(db, now());
    if ((await queue.count()) === 0) {
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
    const encode = dest.encoder(settings, ctx);
    let sent = 0;
    let refused = 0;
    for (;;) {
      let rows = await queue.orderBy('seq').limit(dest.batchSize).toArray();
      if (rows.length === 0) break;
      let items = rows.map(encode);
      if (dest.invalid) {
        const why = items.map((item) => dest.invalid!(item));
        const bad = rows.filter((_, i) => why[i] !== null);
        if (bad.length) {
          await refuse(bad, `not valid for the ${dest.name}: ${why.find((w) => w !== null)}`);
          refused += bad.length;
          items = items.filter((_, i) => why[i] === null);
          rows = rows.filter((_, i) => why[i] === null);
          if (!rows.length) continue;
        }
      }
      if (dest.fit) {
        const n = dest.fit(items);
        rows = rows.slice(0, n);
        items = items.slice(0, n);
      }
      const at = now();
      const result = await deliver(settings, rows, items);
      sent += result.sent;
      refused += result.refused;
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
        console.warn(`[inflow] ${dest.name}: ${state.lastError}; next attempt in ${wait} ms`);
        return { outcome: 'failed', sent, refused, state };
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
    return { outcome: 'delivered', sent, refused, state };
  };

  const run: Uploader['run'] = (reason, { force = false } = {}) => {
    if (running) {
      // Once the run in progress ends, one more picks up what was queued meanwhile.
      again = { force: force || (again?.force ?? false) };
      return running;
    }
    const p = job(force)
      .then((report) => {
        if (report.sent) console.info(`[inflow] ${dest.name} (${reason}): ${report.sent} sent`);
        return report;
      })
      .finally(() => {
        running = null;
        const next = again;
        again = null;
        if (next) void run('queued', next).catch((e) => console.error(`[inflow] ${dest.name}`, e));
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

/** Whether and how events are being sent to the hub, for the options page. */
export async function hubStatus(
  db: InflowDb,
  resolved: ResolvedSettings,
): Promise<HubExportStatus> {
  const { values } = resolved;
  let off: HubExportStatus['off'] = null;
  if (values.hubUrl === '') off = 'no-hub';
  else if (values.hubToken === '') off = 'no-token';
  const [queued, dropped, refused, state] = await Promise.all([
    db.hubOutbox.count(),
    getSetting(db, 'hubDropped', 0),
    getSetting(db, 'hubRefused', 0),
    getSetting(db, 'hubState', FRESH_STATE),
  ]);
  const status: HubExportStatus = {
    off,
    queued,
    dropped,
    refused,
    limit: OUTBOX_LIMIT,
    lastError: state.lastError,
  };
  if (state.lastStatus !== undefined && state.lastError !== null) {
    status.lastStatus = state.lastStatus;
  }
  if (state.lastSuccessAt) status.lastSuccessAt = state.lastSuccessAt;
  if (state.lastAttemptAt) status.lastAttemptAt = state.lastAttemptAt;
  if (queued && state.nextAttemptAt) status.nextAttemptAt = state.nextAttemptAt;
  if (values.touchpointHosts.length > 0) {
    const [tpQueued, tpDropped, tpRefused] = await Promise.all([
      db.touchpointOutbox.count(),
      getSetting(db, 'touchpointDropped', 0),
      getSetting(db, 'touchpointRefused', 0),
    ]);
    status.touchpoints = { queued: tpQueued, dropped: tpDropped, refused: tpRefused };
  }
  return status;
}
