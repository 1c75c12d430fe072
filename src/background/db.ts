/**
 * The background's store: one IndexedDB database, "inflow", opened with Dexie.
 *
 * The MV3 service worker is stopped after about 30 s idle, so every piece of state that must
 * outlive one message lives here, never in module variables. Only the background and
 * extension pages open this database: a content script's IndexedDB belongs to the page.
 *
 * Table and index names are part of the contract with the end-to-end tests, which read this
 * database by name from the service worker.
 */
import Dexie, { type Table } from 'dexie';
import type { Aid, AidKind, Pack } from '../aids/schema';
import type { Progress, StoredEvent } from '../protocol/messages';

export const DB_NAME = 'inflow';

/** Where a pack came from: 'bundled' with the extension, or e.g. 'import', 'url:https://…'. */
export type PackSource = 'bundled' | (string & {});

export interface PackRow {
  id: string;
  version: string;
  title: string;
  source: PackSource;
  installedAt: number;
  /** The validated pack JSON, as installed. */
  pack: Pack;
  /**
   * An organisation's pack (bundled or from a source) that an author changed in this browser,
   * as the policy `authorsMayEditAdminPacks` allows (authoring.ts). Its version is kept, so
   * the organisation's next version replaces the local edits; absent on every other pack.
   */
  editedLocally?: boolean;
}

/** A version of a pack that a newer install replaced, kept so that an admin can roll back. */
export interface PackHistoryRow extends PackRow {
  replacedAt: number;
}

/**
 * What the last sync of one pack source did (see sync.ts); the options page shows it as the
 * protocol's SourceStatus. The validators are those of the last successful download, sent
 * back as If-None-Match / If-Modified-Since.
 */
export interface SyncStatusRow {
  url: string;
  packId?: string;
  packVersion?: string;
  lastSuccessAt?: number;
  lastAttemptAt?: number;
  outcome: string;
  message: string;
  error: string | null;
  etag?: string;
  lastModified?: string;
}

export interface AidRow {
  /** "<packId>/<aidId>". */
  key: string;
  packId: string;
  packVersion: string;
  aidId: string;
  kind: AidKind;
  /** Index keys of the aid's match.urls (see hostKeyOfPattern): multiEntry index. */
  hostKeys: string[];
  /** Position of the aid in its pack, so lookups list aids in the author's order. */
  order: number;
  aid: Aid;
}

/**
 * The aids indexed under one host key (see hostKeyOfPattern), copied from `aids`: what a
 * first lookup on a host reads, with one `get`. Derived data (host-index.ts): written only in
 * the transactions that write `aids`, and trusted only while the meta row says it is whole.
 */
export interface HostIndexRow {
  /** The host key: "crm.example.com", "*.example.com" or "*". */
  key: string;
  rows: AidRow[];
}

/**
 * The meta row of `hostIndex`, under the key HOST_INDEX_META, which no host key can be. Its
 * presence, with the current format, says that every other row of `hostIndex` holds exactly
 * the aids indexed under its key. Any write to `aids` deletes it in the same transaction (the
 * middleware below); host-index.ts writes it back after updating the rows it derives.
 */
export interface HostIndexMeta {
  key: typeof HOST_INDEX_META;
  /** HOST_INDEX_FORMAT when written; a row of another format is never read. */
  format: number;
  /** Every host key of the installed aids, sorted. */
  keys: string[];
  /** The host keys of each pack's aids, so that an install rewrites only those rows. */
  packs: Record<string, string[]>;
}

export const HOST_INDEX_META = '#';
/** The format of `hostIndex` rows: moves when their shape changes, so old rows are rebuilt. */
export const HOST_INDEX_FORMAT = 1;

/** `aids` grouped by host key: an aid is in the list of each of its keys. */
export function aidsByHostKey(aids: readonly AidRow[]): Map<string, AidRow[]> {
  const byKey = new Map<string, AidRow[]>();
  for (const row of aids) {
    for (const key of row.hostKeys) {
      const list = byKey.get(key);
      if (list) list.push(row);
      else byKey.set(key, [row]);
    }
  }
  return byKey;
}

/** The host keys of each pack's aids, sorted. */
function hostKeysByPack(byKey: ReadonlyMap<string, readonly AidRow[]>): Record<string, string[]> {
  const packs: Record<string, string[]> = {};
  for (const key of [...byKey.keys()].sort()) {
    for (const packId of new Set(byKey.get(key)!.map((row) => row.packId))) {
      const keys = packs[packId];
      if (keys) keys.push(key);
      else packs[packId] = [key];
    }
  }
  return packs;
}

/** The rows of `hostIndex` for `aids`, all of them: the index built from scratch. */
export function hostIndexOf(aids: readonly AidRow[]): {
  rows: HostIndexRow[];
  meta: HostIndexMeta;
} {
  const byKey = aidsByHostKey(aids);
  return {
    rows: [...byKey].map(([key, rows]) => ({ key, rows })),
    meta: {
      key: HOST_INDEX_META,
      format: HOST_INDEX_FORMAT,
      keys: [...byKey.keys()].sort(),
      packs: hostKeysByPack(byKey),
    },
  };
}

/**
 * An event waiting to be sent to the organisation's Learning Record Store (outbox-upload.ts),
 * keyed by the event's id. `seq` is the event's order of arrival: the oldest go first, and
 * are the ones dropped when the queue is full.
 */
export interface OutboxRow<T = StoredEvent> {
  id: string;
  seq: number;
  /** What is sent: an event, or a sealed touchpoint aggregate (touchpoints.ts). */
  event: T;
}

/**
 * Visible time and views summed in this browser for one UTC day, route template and whether
 * an aid applied (touchpoints.ts), until the next upload seals it into `touchpointOutbox`.
 */
export interface TouchpointRow {
  day: string;
  template: string;
  /** 1 when some aid applied on the page, 0 otherwise (booleans cannot be keys). */
  aided: 0 | 1;
  ms: number;
  views: number;
}

/** A touchpoint aggregate sealed for the hub, without the actor, team and role (added when sent). */
export interface SealedTouchpoint {
  id: string;
  day: string;
  template: string;
  aided: boolean;
  ms: number;
  views: number;
}

/** The state of sending to one destination (the LRS, the hub), kept between runs of the service worker. */
export interface ExportState {
  /** No attempt before this time (ms since epoch): the back-off after a failure. */
  nextAttemptAt: number;
  /** Failures in a row since the last delivery. */
  failures: number;
  lastAttemptAt?: number;
  lastSuccessAt?: number;
  /** HTTP status of the last failed attempt (0: no response). */
  lastStatus?: number;
  /** The last failure in words; null after a delivery. */
  lastError: string | null;
}

/** An author's unpublished edit of an aid, keyed like the aid ("<packId>/<aidId>"). */
export interface DraftRow {
  key: string;
  packId: string;
  /** The aid as the author left it; validated only when published. */
  aid: unknown;
  updatedAt: number;
  /** The history note of the next publish when not "published": "restored from version 2"… */
  note?: string;
}

/** One published version of an aid (authoring.ts): all are kept, for diff and restore. */
export interface AidVersionRow {
  key: string;
  /** 1, 2, 3… per aid key. */
  rev: number;
  aid: Aid;
  packVersion: string;
  publishedAt: number;
  /** "published", "imported", "restored from version 2"… */
  note: string;
}

/** A draft shown in one tab without being published (authoring.preview). */
export interface PreviewRow {
  tabId: number;
  /** The key of the aid the draft is for: the preview takes its place in that tab. */
  key: string;
  aid: Aid;
  createdAt: number;
}

export interface SettingRow<V = unknown> {
  key: string;
  value: V;
}

/** Known settings and the type of their values. */
export interface Settings {
  pausedHosts: string[];
  /**
   * The organisation's policy as managed storage last gave it (settings.ts): what settings
   * use while a read of managed storage is slow to answer.
   */
  policy: Record<string, unknown> | null;
  role: string;
  team: string;
  locale: string;
  /**
   * Whether events are queued for the LRS: analyticsEndpoint set and analyticsEnabled, as
   * last resolved by the background (index.ts). Derived, so that the recorder can read it
   * inside its transaction, where the policy cannot be read.
   */
  exportOn: boolean;
  /** Events dropped, oldest first, because the outbox was full: never silently. */
  exportDropped: number;
  exportState: ExportState;
  /** Random id that stands in for an empty actorId in the actor's hash (xapi.ts). */
  exportActorFallback: string;
  /**
   * Whether events are queued for the organisation's hub (`hubOutbox`): hubUrl and hubToken
   * set, as last resolved by the background. Derived, like `exportOn`.
   */
  hubOn: boolean;
  /** Events dropped, oldest first, because the hub's queue was full. */
  hubDropped: number;
  /** Events the hub refused one by one (400, 413) or that broke the contract: dropped. */
  hubRefused: number;
  hubState: ExportState;
  /**
   * Index keys of the hosts where touchpoints are measured (`touchpointHosts`), or none when
   * measuring is off: derived by touchpoints.ts, read by registration.ts.
   */
  touchpointHostKeys: string[];
  /** Aggregates dropped because the store or the queue was full. */
  touchpointDropped: number;
  /** Aggregates the hub refused one by one: dropped. */
  touchpointRefused: number;
  touchpointState: ExportState;
}

export class InflowDb extends Dexie {
  declare packs: Table<PackRow, string>;
  declare aids: Table<AidRow, string>;
  declare progress: Table<Progress, string>;
  declare events: Table<StoredEvent, number>;
  declare settings: Table<SettingRow, string>;
  declare packHistory: Table<PackHistoryRow, [string, string]>;
  declare syncStatus: Table<SyncStatusRow, string>;
  declare outbox: Table<OutboxRow, string>;
  /** Events waiting to be sent to the organisation's hub: a queue of its own (outbox-upload.ts). */
  declare hubOutbox: Table<OutboxRow, string>;
  declare drafts: Table<DraftRow, string>;
  /** Touchpoint time being summed (touchpoints.ts), and the sealed sums waiting for the hub. */
  declare touchpoints: Table<TouchpointRow, [string, string, number]>;
  declare touchpointOutbox: Table<OutboxRow<SealedTouchpoint>, string>;
  declare aidVersions: Table<AidVersionRow, [string, number]>;
  declare previews: Table<PreviewRow, number>;
  /** The aids by host key, and its meta row: derived from `aids` (host-index.ts). */
  declare hostIndex: Table<HostIndexRow | HostIndexMeta, string>;

  /**
   * Moves on whenever the `aids` table may have changed under this instance: on every write
   * to it made through this instance (any path: put, delete, clear, modify), and every time
   * the database opens (another context may have written while it was closed). The
   * background's lookup cache (lookup.ts) is valid only for the value it was read at.
   *
   * A write from another JavaScript context (an extension page with its own Dexie instance)
   * is not seen here: such writes must go through the background by message. A write to
   * `aids` that does not also update `hostIndex` (packs.ts does) leaves that index marked
   * stale, and lookups read `aids` itself until the next install rebuilds it.
   */
  aidsGeneration = 0;

  /**
   * While a big install replaces aids, lookups are answered from a snapshot of the aids as
   * they were before it (lookup.ts, holdPreviousAids), instead of waiting for its
   * transaction. The hold names that transaction once it has started (claimAidsHold). Any
   * write to `aids` from another transaction, and every opening of the database, ends the
   * hold: the snapshot would no longer be the previous version.
   */
  aidsHold: AidsHold | null = null;

  /**
   * The aids that may have a progress row: every key in the store when it was last read
   * (`loadProgressKeys`, once after the database opens), and every key written to `progress`
   * through this instance since it opened, added when the write is issued, before it can
   * commit. A superset: a key stays after its row is deleted. Lookups read the progress of the
   * aids named here and no other (lookup.ts): the other reads would find nothing. Until it is
   * loaded, every aid may have progress. A fresh object at every opening, like
   * aidsGeneration; writes from other contexts are not seen, and must go through the
   * background.
   */
  progressKeys: ProgressKeys = { keys: new Set(), loaded: false };

  constructor(name: string = DB_NAME) {
    super(name);
    this.version(1).stores({
      packs: 'id',
      aids: 'key, *hostKeys, packId',
      progress: 'aidKey',
      events: '++seq, &id, type, aidKey, recordedAt',
      settings: 'key',
    });
    // Pack sources: former versions of packs ([id+version]) and the status of each source.
    this.version(2).stores({
      packHistory: '[id+version], id',
      syncStatus: 'url',
    });
    // Events waiting to be sent to the organisation's Learning Record Store.
    this.version(3).stores({
      outbox: 'id, seq',
    });
    // Authoring: drafts, every published version of each aid, drafts previewed in a tab.
    this.version(4).stores({
      drafts: 'key, packId',
      aidVersions: '[key+rev], key',
      previews: 'tabId',
    });
    // Events waiting to be sent to the organisation's hub, apart from the LRS's outbox so
    // that each destination has its own order, back-off and confirmations. A new table:
    // the rows of every other table, the LRS's queue included, are kept as they are.
    this.version(5).stores({
      hubOutbox: 'id, seq',
    });
    // Touchpoint coverage (touchpoints.ts): sums per day, route template and aided, and the
    // sealed sums waiting for the hub. New tables: every other table is kept as it is.
    this.version(6).stores({
      touchpoints: '[day+template+aided]',
      touchpointOutbox: 'id, seq',
    });
    // The aids by host key (host-index.ts), derived from `aids`. The store of version 6 had
    // the host keys alone, in the `aidHostKeys` setting, which this replaces.
    this.version(7)
      .stores({ hostIndex: 'key' })
      .upgrade(async (tx) => {
        await tx.table('settings').delete('aidHostKeys');
        const { rows, meta } = hostIndexOf(await tx.table<AidRow>('aids').toArray());
        await tx.table('hostIndex').bulkPut([...rows, meta]);
      });
    this.use({
      stack: 'dbcore',
      name: 'inflow-aids-generation',
      // Called each time the database opens, to build the stack of that connection.
      create: (down) => {
        this.aidsGeneration++;
        this.aidsHold = null;
        const progressKeys: ProgressKeys = { keys: new Set(), loaded: false };
        this.progressKeys = progressKeys;
        return {
          ...down,
          // Every transaction that may write `aids` can also mark `hostIndex` stale.
          transaction: (stores, mode, options) =>
            down.transaction(
              mode === 'readwrite' && stores.includes('aids') && !stores.includes('hostIndex')
                ? [...stores, 'hostIndex']
                : stores,
              mode,
              options,
            ),
          table: (tableName) => {
            const table = down.table(tableName);
            if (tableName === 'progress') {
              const keyOf = table.schema.primaryKey.extractKey;
              return {
                ...table,
                mutate: (req) => {
                  if (req.type === 'add' || req.type === 'put') {
                    for (const key of req.keys ?? req.values.map((v) => keyOf?.(v)))
                      if (typeof key === 'string') progressKeys.keys.add(key);
                  }
                  return table.mutate(req);
                },
              };
            }
            if (tableName !== 'aids') return table;
            return {
              ...table,
              // Counted when the write is issued, before it can commit: a lookup that read
              // the old rows sees the new generation and does not keep them. The index's
              // meta row goes in the same transaction, before the write: only a writer that
              // then updates the index (host-index.ts) puts it back.
              mutate: (req) => {
                this.aidsGeneration++;
                if (this.aidsHold && this.aidsHold.trans !== req.trans) this.aidsHold = null;
                return down
                  .table('hostIndex')
                  .mutate({ trans: req.trans, type: 'delete', keys: [HOST_INDEX_META] })
                  .then(() => table.mutate(req));
              },
            };
          },
        };
      },
    });
  }
}

/** See InflowDb.progressKeys. */
export interface ProgressKeys {
  keys: Set<string>;
  /** Whether the keys in the store were read into `keys` since the database opened. */
  loaded: boolean;
}

/** Whether the aid `key` may have a progress row (InflowDb.progressKeys). */
export function mayHaveProgress(db: InflowDb, key: string): boolean {
  const known = db.progressKeys;
  return !known.loaded || known.keys.has(key);
}

/**
 * Reads the keys of the progress rows in the store into `db.progressKeys`, once per opening.
 * Writes issued meanwhile add their keys themselves; a read that an opening overtook fills
 * the set of the connection before, which nobody reads any more.
 */
export async function loadProgressKeys(db: InflowDb): Promise<void> {
  if (db.progressKeys.loaded) return;
  if (!db.isOpen()) await db.open();
  const known = db.progressKeys;
  const keys = await db.progress.toCollection().primaryKeys();
  for (const key of keys) known.keys.add(key);
  known.loaded = true;
}

/** See InflowDb.aidsHold. */
export interface AidsHold {
  /** The transaction that replaces the aids; unset until it starts. */
  trans?: unknown;
}

/**
 * Names the current transaction (Dexie's) as the one `hold` is for, if it is still the hold
 * of `db` and names none yet. Call it inside that transaction before its first write to
 * `aids`; a write before it ends the hold.
 */
export function claimAidsHold(db: InflowDb, hold: AidsHold): void {
  const trans = Dexie.currentTransaction?.idbtrans;
  if (db.aidsHold === hold && hold.trans === undefined && trans) hold.trans = trans;
}

/** Opens a database; tests pass their own name to get a fresh, empty one. */
export function openDb(name: string = DB_NAME): InflowDb {
  return new InflowDb(name);
}

let shared: InflowDb | undefined;

/** The background's database, created on first use (never at import time). */
export function getDb(): InflowDb {
  shared ??= openDb();
  return shared;
}

/** Reads one setting, or `fallback` when it was never written. */
export async function getSetting<K extends keyof Settings>(
  db: InflowDb,
  key: K,
  fallback: Settings[K],
): Promise<Settings[K]> {
  const row = await db.settings.get(key);
  return row === undefined ? fallback : (row.value as Settings[K]);
}

export async function setSetting<K extends keyof Settings>(
  db: InflowDb,
  key: K,
  value: Settings[K],
): Promise<void> {
  await db.settings.put({ key, value });
}

/**
 * Runs `fn`, and once more if the database reported that it was closed: after the service
 * worker wakes up Dexie may fail one operation with DatabaseClosedError, then reopens.
 */
export async function withReopen<T>(db: InflowDb, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if ((e as { name?: unknown })?.name !== Dexie.errnames.DatabaseClosed) throw e;
    if (!db.isOpen()) await db.open();
    return fn();
  }
}
