/**
 * Pulling aid packs from the organisation's own servers (the `packSources` setting).
 *
 * Each source is one URL serving one pack as JSON. A sync of a source downloads it (with the
 * validators of the last success, a time limit, a size limit and a few retries with backoff
 * for network errors and 5xx), parses it, checks its signature, validates it (a slice at a
 * time, so the worker stays responsive), and installs it. Everything a sync changes for one
 * pack (the pack, its aids, the replaced version kept in `packHistory`, the source's status)
 * is written in one transaction at the very end: a service worker stopped mid-sync leaves
 * the old pack in force and nothing half-written, and the next sync starts over. Each
 * source's outcome is kept in `syncStatus`, in words a person understands (SYNC_MESSAGES).
 */
import { LIMITS } from '../aids/schema';
import { fromBase64, verifyPack } from '../aids/signature';
import type { Problem } from '../aids/validate';
import { parsePackInSlices } from '../aids/validate-sliced';
import type { SourceStatus } from '../protocol/messages';
import type { PackSource, Settings } from '../protocol/settings';
import type { InflowDb, PackRow, SyncStatusRow } from './db';
import { holdPreviousAids, type PreviousAids } from './lookup';
import { aidRowsInSlices, installValidPack, SNAPSHOT_FROM_AIDS } from './packs';

export const SYNC_LIMITS = {
  /** The whole download (headers and body) of one try. */
  timeoutMs: 15_000,
  /** A pack's own limit (docs/authoring.md, "Limits"): larger ones are refused unread. */
  maxBytes: LIMITS.packBytes,
  /** Tries per source and sync run, for network errors and 5xx answers. */
  tries: 3,
  /** Full-jitter backoff: a random wait up to min(maxDelayMs, baseDelayMs * 2^(try-1)). */
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
};
export type SyncLimits = typeof SYNC_LIMITS;

/**
 * Every result of a sync, in the words the options page and the popup show. Placeholders in
 * braces are filled in by `syncMessage`. docs/admin.md lists these: keep the two in step.
 */
export const SYNC_MESSAGES = {
  pending: 'Not synced yet',
  'up-to-date': 'Up to date',
  installed: 'Installed version {version}',
  'bad-url': 'The address must start with https:// or http://',
  'network-error': 'Could not reach the server ({detail})',
  timeout: 'The server did not answer in {seconds} s',
  'http-error': 'The server answered HTTP {status}',
  'too-large': 'The pack is larger than the {limit} limit',
  'not-json': 'The pack is not valid JSON',
  invalid: 'The pack is not a valid aid pack: {problems}',
  unsigned: 'The pack is not signed, and signatures are required',
  'unknown-key': 'No trusted key for this signature',
  'bad-signature': 'The signature does not match',
  'malformed-signature': 'The signature is malformed',
  older: 'Refused: version {version} is older than the installed {installed}',
  'store-error': 'The pack could not be saved ({detail})',
} as const;

export type SyncOutcome = keyof typeof SYNC_MESSAGES;

/** Outcomes that leave the source in good standing. */
const SUCCESS: ReadonlySet<SyncOutcome> = new Set(['up-to-date', 'installed']);

/** The sentence for an outcome, with its placeholders filled in. */
export function syncMessage(
  outcome: SyncOutcome,
  params: Record<string, string | number> = {},
): string {
  return SYNC_MESSAGES[outcome].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** "2 MB", "512 KB", "100 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** A sync of one source that ended without installing anything. */
export class SyncFailure extends Error {
  override name = 'SyncFailure';
  constructor(
    readonly outcome: SyncOutcome,
    params: Record<string, string | number> = {},
    /** Worth another try in the same run: network errors and 5xx. */
    readonly retryable = false,
  ) {
    super(syncMessage(outcome, params));
  }
}

export interface SyncDeps {
  db: InflowDb;
  fetch: typeof fetch;
  now?: () => number;
  /** Waits between tries (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  limits?: Partial<SyncLimits>;
  /** Told as each step of a source's sync ends (the bench times them); nothing by default. */
  trace?: (step: SyncStep, url: string) => void;
  /**
   * From how many aids an install answers lookups from the previous version meanwhile
   * (SNAPSHOT_FROM_AIDS by default; the bench's reference turns it off with Infinity).
   */
  snapshotFromAids?: number;
}

/**
 * The steps of a source's sync that installs a pack, in order: downloaded, JSON parsed,
 * signature checked, validated, rows built, write started (inside the transaction; the
 * snapshot that lookups answer from meanwhile is read before it), committed.
 */
export type SyncStep =
  | 'fetched'
  | 'parsed'
  | 'signature'
  | 'validated'
  | 'rows'
  | 'writing'
  | 'committed';

interface Downloaded {
  notModified: boolean;
  bytes?: Uint8Array;
  etag?: string;
  lastModified?: string;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait before try `attempt + 1`: full jitter, bounded. */
export function backoffDelay(attempt: number, limits: SyncLimits, random: () => number): number {
  const ceiling = Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

function isHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

function errorDetail(e: unknown): string {
  const message = (e as Error)?.message || String(e);
  return message.length > 120 ? `${message.slice(0, 117)}…` : message;
}

/** One try: the response's body, within the time and size limits. */
async function downloadOnce(
  deps: SyncDeps,
  url: string,
  headers: Record<string, string>,
  limits: SyncLimits,
): Promise<Downloaded> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.timeoutMs);
  const timeout = () =>
    new SyncFailure('timeout', { seconds: Number((limits.timeoutMs / 1000).toFixed(2)) });
  const tooLarge = () => new SyncFailure('too-large', { limit: formatBytes(limits.maxBytes) });
  try {
    let response: Response;
    try {
      response = await deps.fetch(url, {
        headers,
        signal: controller.signal,
        // The validators are handled here; the browser's cache must not answer instead.
        cache: 'no-store',
        redirect: 'follow',
      });
    } catch (e) {
      if (timedOut) throw timeout();
      throw new SyncFailure('network-error', { detail: errorDetail(e) }, true);
    }
    if (response.status === 304) {
      controller.abort();
      return { notModified: true };
    }
    if (!response.ok) {
      controller.abort();
      throw new SyncFailure('http-error', { status: response.status }, response.status >= 500);
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      controller.abort();
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body) {
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > limits.maxBytes) {
            controller.abort();
            throw tooLarge();
          }
          chunks.push(value);
        }
      } catch (e) {
        if (e instanceof SyncFailure) throw e;
        if (timedOut) throw timeout();
        throw new SyncFailure('network-error', { detail: errorDetail(e) }, true);
      }
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return {
      notModified: false,
      bytes,
      etag: response.headers.get('etag') ?? undefined,
      lastModified: response.headers.get('last-modified') ?? undefined,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Downloads with retries (network errors and 5xx), bounded by `limits.tries`. */
export async function download(
  deps: SyncDeps,
  url: string,
  headers: Record<string, string>,
  limits: SyncLimits = { ...SYNC_LIMITS, ...deps.limits },
): Promise<Downloaded> {
  const sleep = deps.sleep ?? sleepFor;
  const random = deps.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await downloadOnce(deps, url, headers, limits);
    } catch (e) {
      if (!(e instanceof SyncFailure) || !e.retryable || attempt >= limits.tries) throw e;
      await sleep(backoffDelay(attempt, limits, random));
    }
  }
}

/** The first problems of an invalid pack, on one line. */
function problemsText(problems: Problem[]): string {
  const shown = problems.slice(0, 3).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
  const more = problems.length - shown.length;
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

/** Keys that may sign this source's packs: its own, then the trusted keys. */
export function keysFor(source: PackSource, settings: Settings): string[] {
  const keys = [source.publicKey, ...settings.trustedKeys].filter((k): k is string => !!k);
  return [...new Set(keys.map((k) => k.trim()))].filter((k) => {
    try {
      return fromBase64(k).length === 32;
    } catch {
      return false;
    }
  });
}

/**
 * Checks the signature of the pack as downloaded (the raw JSON: the signature covers it,
 * not what validation makes of it). When signatures are not required, an unsigned pack or
 * one signed with a key not known here is accepted, but a signature that a known key
 * refutes never is.
 */
async function checkSignature(
  raw: Record<string, unknown>,
  keys: string[],
  required: boolean,
): Promise<void> {
  const result = await verifyPack(raw, keys);
  if (result.ok) return;
  switch (result.reason) {
    case 'bad-signature':
      throw new SyncFailure('bad-signature');
    case 'malformed':
      throw new SyncFailure('malformed-signature');
    case 'unknown-key':
      if (required) throw new SyncFailure('unknown-key');
      return;
    case 'unsigned':
      if (required) throw new SyncFailure('unsigned');
      return;
  }
}

/** The status of a source that was never synced. */
export function pendingStatus(url: string): SourceStatus {
  return { url, outcome: 'pending', message: syncMessage('pending'), error: null };
}

/** The store's source name for a pack downloaded from `url`. */
export function sourceName(url: string): string {
  return `url:${url}`;
}

/**
 * Validators of the last success, only while the pack it gave is still installed as it
 * was: otherwise a 304 would confirm a pack that is no longer there.
 */
async function validatorsFor(
  db: InflowDb,
  previous: SyncStatusRow | undefined,
): Promise<Record<string, string>> {
  if (!previous?.packId || !previous.packVersion) return {};
  if (!previous.etag && !previous.lastModified) return {};
  const installed = await db.packs.get(previous.packId);
  if (installed?.version !== previous.packVersion) return {};
  if (installed.source !== sourceName(previous.url)) return {};
  const headers: Record<string, string> = {};
  if (previous.etag) headers['If-None-Match'] = previous.etag;
  if (previous.lastModified) headers['If-Modified-Since'] = previous.lastModified;
  return headers;
}

export interface SourceResult {
  status: SourceStatus;
  /** The pack this sync installed, if it installed one. */
  installed?: PackRow;
}

function publicStatus(row: SyncStatusRow): SourceStatus {
  const { etag: _etag, lastModified: _lastModified, ...status } = row;
  return status;
}

/** Syncs one source; never throws (a failure is its status). */
export async function syncSource(
  deps: SyncDeps,
  source: PackSource,
  settings: Settings,
): Promise<SourceResult> {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const url = source.url;
  const attemptAt = now();
  const previous = await db.syncStatus.get(url);
  const trace = (step: SyncStep) => deps.trace?.(step, url);
  // What a failure leaves: the last success as it was, and the problem.
  const failed = (e: SyncFailure): SyncStatusRow => ({
    ...(previous ?? pendingStatus(url)),
    url,
    lastAttemptAt: attemptAt,
    outcome: e.outcome,
    message: e.message,
    error: e.message,
  });
  const save = async (row: SyncStatusRow): Promise<SourceResult> => {
    await db.syncStatus.put(row);
    return { status: publicStatus(row) };
  };

  let held: PreviousAids | null = null;
  try {
    if (!isHttpUrl(url)) throw new SyncFailure('bad-url');
    const got = await download(deps, url, await validatorsFor(db, previous));
    trace('fetched');
    if (got.notModified) {
      return await save({
        ...(previous ?? pendingStatus(url)),
        url,
        lastAttemptAt: attemptAt,
        lastSuccessAt: now(),
        outcome: 'up-to-date',
        message: syncMessage('up-to-date'),
        error: null,
      });
    }

    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(got.bytes));
    } catch {
      throw new SyncFailure('not-json');
    }
    trace('parsed');
    // A big pack in a version this source did not install last time (a server without
    // validators sends the same pack again and again): from now until its install ends, page
    // lookups are answered from the aids installed now; the snapshot they use is read while
    // the pack is checked.
    const head = raw as { id?: unknown; version?: unknown; aids?: unknown } | null;
    const same = previous?.packId === head?.id && previous?.packVersion === head?.version;
    const big =
      Array.isArray(head?.aids) &&
      head.aids.length >= (deps.snapshotFromAids ?? SNAPSHOT_FROM_AIDS);
    if (big && !same) held = holdPreviousAids(db);
    // The signature first: it is checked on the JSON as downloaded, and a pack that no
    // trusted key vouches for (when one must) is refused before the costly validation.
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      await checkSignature(
        raw as Record<string, unknown>,
        keysFor(source, settings),
        settings.requireSignatures,
      );
    }
    trace('signature');
    // Validation gives the event loop back every few ms: a big pack does not hold up the
    // worker's other work.
    const parsed = await parsePackInSlices(raw);
    if (!parsed.ok) throw new SyncFailure('invalid', { problems: problemsText(parsed.problems) });
    const pack = parsed.value;
    trace('validated');
    // Made before the transaction, which must not wait for anything but the store.
    const rows = await aidRowsInSlices(pack);
    trace('rows');

    // The end: one transaction for the pack, its aids, its history and the status. Page
    // lookups meanwhile are answered from the version it replaces (a big pack's write takes
    // a while).
    const install = (claim?: () => void) =>
      db.transaction(
        'rw',
        [db.packs, db.aids, db.hostIndex, db.packHistory, db.syncStatus],
        async (): Promise<SourceResult> => {
          claim?.();
          trace('writing');
          const success = (outcome: SyncOutcome, params = {}): SyncStatusRow => ({
            url,
            packId: pack.id,
            packVersion: pack.version,
            lastSuccessAt: now(),
            lastAttemptAt: attemptAt,
            outcome,
            message: syncMessage(outcome, params),
            error: null,
            ...(got.etag ? { etag: got.etag } : {}),
            ...(got.lastModified ? { lastModified: got.lastModified } : {}),
          });
          const current = await db.packs.get(pack.id);
          if (
            current &&
            current.version === pack.version &&
            JSON.stringify(current.pack) === JSON.stringify(pack)
          ) {
            return save(success('up-to-date'));
          }
          const result = await installValidPack(
            db,
            pack,
            { source: sourceName(url), now: attemptAt, installed: current ?? null },
            rows,
          );
          if (result.status === 'skipped') {
            throw new SyncFailure('older', {
              version: pack.version,
              installed: result.installed.version,
            });
          }
          const saved = await save(success('installed', { version: pack.version }));
          return { ...saved, installed: result.pack };
        },
      );
    const done = await (held ? held.during(install) : install());
    trace('committed');
    return done;
  } catch (e) {
    held?.release();
    if (e instanceof SyncFailure) return save(failed(e));
    console.error('[inflow] sync of %s failed', url, e);
    return save(failed(new SyncFailure('store-error', { detail: errorDetail(e) })));
  }
}

/** The configured sources, each URL once. */
export function sourcesOf(settings: Settings): PackSource[] {
  const seen = new Set<string>();
  return settings.packSources.filter((s) => !seen.has(s.url) && !!seen.add(s.url));
}

export interface SyncReport {
  sources: SourceStatus[];
  installed: PackRow[];
}

/**
 * Syncs every configured source (in parallel; each ends in its own transaction), and
 * forgets the status of sources that are no longer configured.
 */
export async function syncAll(deps: SyncDeps, settings: Settings): Promise<SyncReport> {
  const sources = sourcesOf(settings);
  const results = await Promise.all(sources.map((s) => syncSource(deps, s, settings)));
  const urls = new Set(sources.map((s) => s.url));
  const stale = (await deps.db.syncStatus.toCollection().primaryKeys()).filter(
    (url) => !urls.has(url),
  );
  if (stale.length) await deps.db.syncStatus.bulkDelete(stale);
  return {
    sources: results.map((r) => r.status),
    installed: results.flatMap((r) => (r.installed ? [r.installed] : [])),
  };
}

/** The status of each configured source, in the order of the settings. */
export async function sourceStatuses(db: InflowDb, settings: Settings): Promise<SourceStatus[]> {
  const sources = sourcesOf(settings);
  const rows = await db.syncStatus.bulkGet(sources.map((s) => s.url));
  return sources.map((s, i) => {
    const row = rows[i];
    return row ? publicStatus(row) : pendingStatus(s.url);
  });
}

/** True when the last sync of this source went well. */
export function isHealthy(status: SourceStatus): boolean {
  return status.outcome === 'pending' || SUCCESS.has(status.outcome as SyncOutcome);
}
