/**
 * Which aids apply to a page. Candidates are the aids indexed under the page's host, its
 * wildcard suffixes and "*", so the cost depends on the aids of that host, not on how many
 * aids are installed. Only the candidates are tested against the full URL rules.
 *
 * They are read from the aids by host key (host-index.ts): one row per key, read with one
 * `get`, instead of walking the multiEntry `hostKeys` index of `aids` and reading every aid
 * row it names. When that index is stale or missing (its meta row says so), they are read
 * from `aids` itself, as before it existed.
 *
 * The candidates are kept in memory, per database instance: the set of index keys in use
 * (most pages have no aids of their own, and wildcard keys are rare, so most keys of a URL
 * need no read) and, for each key already looked up, the rows indexed under it. A read
 * costs more than matching, and an agent stays on the same app all day, so a page of a host
 * already seen reads only the progress of the aids that match it, and only of those that
 * may have some (`db.progressKeys`, the keys of the progress rows: an aid nobody has used has
 * none, and its read would find nothing).
 *
 * The cache never serves stale aids. It carries the `db.aidsGeneration` it was started at,
 * and a lookup starts a new one when that moved: every write to `aids` through this instance
 * moves it as soon as the write is issued, before it can commit (db.ts). A read that a write
 * overtook can only have filled a cache that is already obsolete. Writes from other contexts
 * are not seen: they must go through the background (see db.ts). Progress itself is never
 * cached, it changes all the time. The service worker stopping empties the cache with the
 * rest of its memory.
 */
import { inAudience, type Viewer } from '../aids/audience';
import type { Aid, FrameRef, Target } from '../aids/schema';
import { targetsOf } from '../aids/targets';
import { hostKeyOfPattern, hostKeysOfUrl } from '../aids/url-match';
import { urlMatcher } from '../aids/url-simple';
import type { ActiveAid, Progress } from '../protocol/messages';
import {
  type AidRow,
  type AidsHold,
  aidsByHostKey,
  claimAidsHold,
  HOST_INDEX_META,
  type HostIndexRow,
  type InflowDb,
  loadProgressKeys,
  mayHaveProgress,
} from './db';
import { readHostIndexMeta, readHostIndexRows } from './host-index';

export { inAudience, type Viewer } from '../aids/audience';

/** Index keys whose rows stay cached; past this the least recently used key is dropped. */
const MAX_CACHED_KEYS = 256;

/** Which index keys are in use, and where their rows are read from. */
interface KeysInUse {
  keys: Set<string>;
  /** True: from the aids by host key (it was whole); false: from the `aids` table. */
  indexed: boolean;
}

interface AidCache {
  /** `db.aidsGeneration` when this cache was started; it is valid only while they agree. */
  generation: number;
  /** Every index key of the installed aids; null until read. */
  inUse: KeysInUse | null;
  /** Index key -> the (frozen) rows indexed under it, least recently used first. */
  rows: Map<string, readonly AidRow[]>;
}

const caches = new WeakMap<InflowDb, AidCache>();

/** The snapshot of every aid taken for a hold (holdPreviousAids), once it was read. */
const snapshots = new WeakMap<AidsHold, AidCache>();

/**
 * The cache of `db`, emptied first if the aids may have changed since it was filled; while an
 * install holds the previous version, the snapshot of that version.
 */
function cacheOf(db: InflowDb): AidCache {
  const hold = db.aidsHold;
  const snapshot = hold && snapshots.get(hold);
  if (snapshot) return snapshot;
  let cache = caches.get(db);
  if (!cache || cache.generation !== db.aidsGeneration || !db.isOpen()) {
    cache = { generation: db.aidsGeneration, inUse: null, rows: new Map() };
    caches.set(db, cache);
  }
  return cache;
}

/**
 * Every aid of the store as one cache that needs no read: all keys in use, the rows of each.
 * One read transaction, so one state of the store.
 */
async function readWholeCache(db: InflowDb): Promise<AidCache> {
  const generation = db.aidsGeneration;
  const rows = await db.transaction('r', db.aids, db.hostIndex, async () => {
    const meta = await readHostIndexMeta(db);
    if (!meta) return aidsByHostKey(await db.aids.toArray());
    const byKey = new Map<string, AidRow[]>(meta.keys.map((key) => [key, []]));
    // One request for all rows (a cursor would take a round trip per row).
    for (const row of await db.hostIndex.toArray()) {
      if (row.key !== HOST_INDEX_META) byKey.set(row.key, (row as HostIndexRow).rows);
    }
    return byKey;
  });
  const frozen = new Map<string, readonly AidRow[]>();
  for (const [key, list] of rows) frozen.set(key, deepFreeze(list));
  return { generation, inUse: { keys: new Set(rows.keys()), indexed: true }, rows: frozen };
}

/** A hold of the previous version (holdPreviousAids). */
export interface PreviousAids {
  /**
   * Runs `replace`, a write that replaces aids in one transaction, once the snapshot is
   * read, and ends the hold when it ends. `replace` calls `claim` first thing inside its
   * transaction: it names that transaction as the one whose writes the hold lets through.
   * A claim of a hold that another install took over does nothing, so that install's
   * writes end the other hold.
   */
  during<T>(replace: (claim: () => void) => Promise<T>): Promise<T>;
  /** Ends the hold (an install that will not happen). */
  release(): void;
}

/**
 * Starts answering lookups from the aids as they are now, for an install that is about to
 * replace some: a read transaction on `aids` or `hostIndex` would wait for its whole write.
 * The current aids are read now, whole, in one read transaction (committed rows, so never a
 * mix of two versions); lookups use that snapshot once it is read and until the install
 * ends, committed or not, then read the store again. The read may run while the caller
 * checks and validates the pack. A write to `aids` from any other transaction ends the hold
 * at once (db.ts), and lookups go back to the store.
 *
 * For big installs only: the snapshot costs a read of every aid and keeps them in memory
 * while the install runs.
 */
export function holdPreviousAids(db: InflowDb): PreviousAids {
  const hold: AidsHold = {};
  db.aidsHold = hold;
  const release = () => {
    if (db.aidsHold === hold) db.aidsHold = null;
  };
  const read = readWholeCache(db).then(
    (snapshot) => {
      if (db.aidsHold === hold) snapshots.set(hold, snapshot);
    },
    (e) => {
      // Lookups read the store, and wait for the install, as without a hold.
      release();
      console.warn('[inflow] no snapshot of the aids for the install', e);
    },
  );
  return {
    async during(replace) {
      try {
        await read;
        return await replace(() => claimAidsHold(db, hold));
      } finally {
        release();
      }
    },
    release,
  };
}

/** holdPreviousAids(db).during(replace): the snapshot is read, then `replace` runs. */
export function whileReplacingAids<T>(
  db: InflowDb,
  replace: (claim: () => void) => Promise<T>,
): Promise<T> {
  return holdPreviousAids(db).during(replace);
}

/** Forgets what lookup() cached for `db` (the next lookup reads the store again). */
export function forgetCachedAids(db: InflowDb): void {
  caches.delete(db);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Distinct rows of several key lists (an aid may be indexed under more than one key). */
function union(lists: readonly (readonly AidRow[])[]): AidRow[] {
  if (lists.length === 1) return [...lists[0]!];
  const byKey = new Map<string, AidRow>();
  for (const list of lists) for (const row of list) byKey.set(row.key, row);
  return [...byKey.values()];
}

/** The candidates of `hostKeys` from the cache alone, or null if some must be read. */
function cachedCandidates(cache: AidCache, hostKeys: readonly string[]): AidRow[] | null {
  if (!cache.inUse) return null;
  const lists: (readonly AidRow[])[] = [];
  for (const key of hostKeys) {
    if (!cache.inUse.keys.has(key)) continue;
    const rows = cache.rows.get(key);
    if (!rows) return null;
    // Most recently used last.
    cache.rows.delete(key);
    cache.rows.set(key, rows);
    lists.push(rows);
  }
  return union(lists);
}

/**
 * The index keys in use: from the meta row of the aids by host key when it is current,
 * else from the `hostKeys` index of `aids` itself (its unique keys; ~60 ms with 10,000 aids
 * in Chromium, only while the derived index is stale).
 */
async function readKeysInUse(db: InflowDb): Promise<KeysInUse> {
  const meta = await readHostIndexMeta(db);
  if (meta) return { keys: new Set(meta.keys), indexed: true };
  const keys = (await db.aids.orderBy('hostKeys').uniqueKeys()) as string[];
  return { keys: new Set(keys), indexed: false };
}

/** Every index key of the installed aids (for registration: the hosts to load the overlay on). */
export async function keysInUse(db: InflowDb): Promise<Set<string>> {
  return (await readKeysInUse(db)).keys;
}

/** The rows indexed under each of `keys`, frozen: one read of the index, or one query per key. */
async function readKeys(
  db: InflowDb,
  keys: readonly string[],
  indexed: boolean,
): Promise<(readonly AidRow[])[]> {
  if (!keys.length) return [];
  // Exact queries, not anyOf(): anyOf walks one cursor over the whole key range between the
  // keys ("*" … "crm.example.com"), which grows with the number of hosts.
  const lists = indexed
    ? await readHostIndexRows(db, keys)
    : await db.transaction('r', db.aids, () =>
        Promise.all(keys.map((key) => db.aids.where('hostKeys').equals(key).toArray())),
      );
  return lists.map(deepFreeze);
}

/** The rows of a first visit and the progress of those that apply, read together. */
export interface FirstRead {
  lists: (readonly AidRow[])[];
  /** The aids that apply, of the candidates these rows made, and their progress. */
  applicable: AidRow[];
  progress: (Progress | undefined)[];
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * The rows of `keys` in the aids by host key, then, in the same read transaction, the
 * progress of the aids that `pick` keeps of the candidates they make: one transaction where
 * a first visit made two. On IndexedDB itself: a Dexie transaction around both reads cost
 * more than the second transaction it saves (the lookup bench measures both ways). Only
 * reads: Dexie's middleware (db.ts) is about writes to `aids`, which this never makes.
 * `db` must be open (Dexie opens it on the first read, the keys in use).
 */
export async function readRowsAndProgress(
  db: InflowDb,
  keys: readonly string[],
  pick: (lists: readonly (readonly AidRow[])[]) => AidRow[],
): Promise<FirstRead> {
  const tx = db.backendDB().transaction(['hostIndex', 'progress'], 'readonly');
  const index = tx.objectStore('hostIndex');
  const rows = await Promise.all(
    keys.map((key) => request(index.get(key) as IDBRequest<HostIndexRow | undefined>)),
  );
  const lists = rows.map((row) => deepFreeze(row && row.key !== HOST_INDEX_META ? row.rows : []));
  const applicable = pick(lists);
  const store = tx.objectStore('progress');
  // No request for an aid that has no progress row: none at all, often, and so no second
  // round trip.
  const progress = await Promise.all(
    applicable.map((row) =>
      mayHaveProgress(db, row.key)
        ? request(store.get(row.key) as IDBRequest<Progress | undefined>)
        : undefined,
    ),
  );
  return { lists, applicable, progress };
}

/**
 * The candidates of `hostKeys`, reading from the store what the cache lacks (the keys in
 * use, once per generation, then the rows of the keys in use that are not cached), and
 * keeping it. With `pick`, also the aids that apply of those candidates and their
 * progress, read with the rows when rows must be read (readRowsAndProgress); when `picked`
 * is absent, the caller matches and reads the progress itself.
 *
 * The keys and the rows are read in separate transactions, each of them one state of the
 * store. If a write to `aids` was issued meanwhile, they may be of two states, and what the
 * cache held may be older or newer: then every candidate is read again in one transaction,
 * so the answer is one state of the store (never a mix of two pack versions), and nothing is
 * kept (the cache is obsolete).
 */
async function readCandidates(
  db: InflowDb,
  cache: AidCache,
  hostKeys: readonly string[],
  pick?: (candidates: AidRow[]) => AidRow[],
): Promise<{ candidates: AidRow[]; picked?: FirstRead }> {
  const current = () => db.aidsGeneration === cache.generation && caches.get(db) === cache;
  const inUse = cache.inUse ?? (await readKeysInUse(db));
  const used = hostKeys.filter((key) => inUse.keys.has(key));
  // Taken now: a concurrent lookup may drop keys from the cache while this one reads.
  const held = new Map<string, readonly AidRow[]>();
  for (const key of used) {
    const rows = cache.rows.get(key);
    if (rows) held.set(key, rows);
  }
  const missing = used.filter((key) => !held.has(key));
  const all = (read: readonly (readonly AidRow[])[]) =>
    union(used.map((key) => held.get(key) ?? read[missing.indexOf(key)]!));
  let picked: FirstRead | undefined;
  let read: (readonly AidRow[])[];
  if (pick && missing.length && inUse.indexed && db.isOpen()) {
    picked = await readRowsAndProgress(db, missing, (lists) => pick(all(lists)));
    read = picked.lists;
  } else read = await readKeys(db, missing, inUse.indexed);
  if (!current()) {
    const candidates = await db.transaction('r', db.aids, db.hostIndex, async () => {
      const again = await readKeysInUse(db);
      const keys = hostKeys.filter((key) => again.keys.has(key));
      return union(await readKeys(db, keys, again.indexed));
    });
    return { candidates };
  }
  cache.inUse = inUse;
  // After this lookup's reads, not beside them (the first lookup after a start would wait for
  // it), and not waited for: until it is read, every aid may have progress and is read.
  if (!db.progressKeys.loaded) loadProgressKeys(db).catch(() => {});
  missing.forEach((key, i) => {
    held.set(key, read[i]!);
    cache.rows.set(key, read[i]!);
  });
  for (const key of cache.rows.keys()) {
    if (cache.rows.size <= MAX_CACHED_KEYS) break;
    cache.rows.delete(key);
  }
  return { candidates: all(read), picked };
}

/**
 * The aid rows whose index keys can match `url` (before URL rules and audience), from the
 * cache when it has them. The rows are frozen and shared with the cache.
 */
export async function candidateAids(db: InflowDb, url: string): Promise<AidRow[]> {
  const hostKeys = hostKeysOfUrl(url);
  if (!hostKeys.length) return [];
  const cache = cacheOf(db);
  return (
    cachedCandidates(cache, hostKeys) ?? (await readCandidates(db, cache, hostKeys)).candidates
  );
}

/** Pack and author order: by pack id, then the aid's place in its pack. */
export const packOrder = (a: AidRow, b: AidRow): number =>
  a.packId < b.packId ? -1 : a.packId > b.packId ? 1 : a.order - b.order;

/** The candidates that apply to `url` and `viewer`, in pack and author order. */
function applicable(rows: AidRow[], url: string, viewer: Viewer): AidRow[] {
  const matches = urlMatcher(url);
  return rows
    .filter((row) => matches(row.aid.match) && inAudience(row.aid.audience, viewer))
    .sort(packOrder);
}

function active(rows: AidRow[], progress: readonly (Progress | undefined)[]): ActiveAid[] {
  return rows.map((row, i) => ({
    key: row.key,
    packId: row.packId,
    packVersion: row.packVersion,
    aid: row.aid,
    progress: progress[i] ?? null,
  }));
}

/**
 * The aids that apply to `url` for `viewer`, in pack and author order, with progress.
 *
 * A host already seen costs one read (the progress of the aids that match), or none when
 * none of them may have progress. A first visit to a host reads its rows of the aids by host
 * key and the progress of the aids that match in one read transaction, whose second round
 * trip is left out when none of them may have progress (after a start, the keys in use
 * first; the keys of the progress rows are read after that first lookup). Progress is per
 * aid and changes on its own, so reading it apart from the aids, as a host already seen does,
 * mixes nothing. The returned aids are frozen: they are shared with the cache.
 */
export async function lookup(db: InflowDb, url: string, viewer: Viewer = {}): Promise<ActiveAid[]> {
  const hostKeys = hostKeysOfUrl(url);
  if (!hostKeys.length) return [];
  const cache = cacheOf(db);
  const match = (candidates: AidRow[]) => applicable(candidates, url, viewer);
  let candidates = cachedCandidates(cache, hostKeys);
  if (!candidates) {
    const read = await readCandidates(db, cache, hostKeys, match);
    if (read.picked) return active(read.picked.applicable, read.picked.progress);
    candidates = read.candidates;
  }
  const rows = match(candidates);
  if (!rows.length) return [];
  return active(rows, await readProgress(db, rows));
}

/** The progress of `rows`, reading only the rows that may exist. */
async function readProgress(db: InflowDb, rows: AidRow[]): Promise<(Progress | undefined)[]> {
  const keys = rows.filter((row) => mayHaveProgress(db, row.key)).map((row) => row.key);
  if (!keys.length) return rows.map(() => undefined);
  const read = await db.progress.bulkGet(keys);
  const found = new Map(keys.map((key, i) => [key, read[i]]));
  return rows.map((row) => found.get(row.key));
}

/** The settings row that keeps the person's choice of the compact checklist panel. */
const COMPACT_KEY = 'panelCompact';

/**
 * The person's choice, per database instance. Only setPanelCompact writes the row (the
 * router, on panel.setCompact), so the copy in memory stays true to the store.
 */
const compactChoice = new WeakMap<InflowDb, boolean>();

/**
 * Whether the person chose the compact checklist panel; false until they choose. Handed to
 * the overlay with each page lookup, so the panel is drawn in that form from the start.
 */
export async function panelCompact(db: InflowDb): Promise<boolean> {
  const known = compactChoice.get(db);
  if (known !== undefined) return known;
  const value = (await db.settings.get(COMPACT_KEY))?.value === true;
  // A choice written while this read ran wins over what the read saw.
  if (!compactChoice.has(db)) compactChoice.set(db, value);
  return compactChoice.get(db)!;
}

/** Keeps the person's choice of the compact panel, for every page and after a reload. */
export async function setPanelCompact(db: InflowDb, compact: boolean): Promise<void> {
  compactChoice.delete(db);
  await db.settings.put({ key: COMPACT_KEY, value: compact });
  compactChoice.set(db, compact);
}

/** Every target an aid uses: its conditions', a tip's own, its steps' and their rules'. */
export function targetsOfAid(aid: Aid): Target[] {
  return targetsOf(aid).map(([, target]) => target);
}

/**
 * The checklist steps whose element or completion rule is in an iframe, by step id, with
 * the frames they name: what a frame may report on. Empty for other kinds.
 */
export function framedSteps(aid: Aid): Map<string, FrameRef[]> {
  const steps = new Map<string, FrameRef[]>();
  if (aid.kind !== 'checklist') return steps;
  for (const step of aid.steps) {
    const refs = [step.target?.frame, step.done && 'target' in step.done && step.done.target.frame];
    const named = refs.filter((r): r is FrameRef => !!r);
    if (named.length) steps.set(step.id, named);
  }
  return steps;
}

/**
 * Index keys of the hosts that the installed aids' `frame.url` patterns name: a cross-origin
 * frame on such a host needs the overlay although no aid applies to its own pages. Reads
 * every aid, so it is for registration (after installs), not for page lookups.
 */
export async function frameHostKeys(db: InflowDb): Promise<Set<string>> {
  const keys = new Set<string>();
  await db.aids.each((row) => {
    for (const t of targetsOfAid(row.aid))
      if (t.frame?.url) keys.add(hostKeyOfPattern(t.frame.url));
  });
  return keys;
}
