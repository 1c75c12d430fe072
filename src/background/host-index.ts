/**
 * The aids by host key (`hostIndex`): for each key of the `hostKeys` index, one row holding
 * the aid rows indexed under it, so that the first lookup on a host reads one row by its
 * primary key instead of walking the multiEntry index of `aids` and reading each aid.
 *
 * It is derived data, never a second source of truth:
 * - it is written only here, by the writers of `aids` (packs.ts), in their transaction, after
 *   their writes to `aids`: a lookup sees the aids and the index of one state;
 * - its meta row says that it is whole and in the current format. Any write to `aids` deletes
 *   that row in its own transaction (the middleware in db.ts), before writing, and only
 *   writeHostIndex puts it back. A write that bypasses this module therefore leaves the index
 *   marked stale, and readers fall back to `aids` itself until the next install or removal
 *   rebuilds it. A row of another format (an older or newer extension) is never read either.
 */
import {
  type AidRow,
  aidsByHostKey,
  HOST_INDEX_FORMAT,
  HOST_INDEX_META,
  type HostIndexMeta,
  type HostIndexRow,
  hostIndexOf,
  type InflowDb,
} from './db';

/**
 * Aid rows written per batch of requests, in `aids` and here (packs.ts). Each row is cloned
 * on the worker's thread as its put is issued, and the store serves other transactions'
 * requests only between batches: written in batches, page lookups answered meanwhile (from
 * the previous version, see holdPreviousAids in lookup.ts) wait for one batch, not for all
 * 5,000 rows of a big pack (~1 s in Chromium).
 */
export const AIDS_PER_WRITE = 100;

/** `rows` in batches of about AIDS_PER_WRITE aid rows. */
function batches(rows: readonly HostIndexRow[]): HostIndexRow[][] {
  const out: HostIndexRow[][] = [];
  let batch: HostIndexRow[] = [];
  let aids = 0;
  for (const row of rows) {
    batch.push(row);
    aids += row.rows.length;
    if (aids >= AIDS_PER_WRITE) {
      out.push(batch);
      batch = [];
      aids = 0;
    }
  }
  if (batch.length) out.push(batch);
  return out;
}

function isCurrentMeta(row: HostIndexRow | HostIndexMeta | undefined): row is HostIndexMeta {
  return (
    row?.key === HOST_INDEX_META &&
    (row as HostIndexMeta).format === HOST_INDEX_FORMAT &&
    Array.isArray((row as HostIndexMeta).keys)
  );
}

/** The meta row when the index is whole and in the current format, else null (read `aids`). */
export async function readHostIndexMeta(db: InflowDb): Promise<HostIndexMeta | null> {
  const row = await db.hostIndex.get(HOST_INDEX_META);
  return isCurrentMeta(row) ? row : null;
}

/**
 * The aid rows under each of `keys`, in one read of the index (empty for a key without
 * aids). Only for an index whose meta row was read as current at the same generation.
 */
export async function readHostIndexRows(
  db: InflowDb,
  keys: readonly string[],
): Promise<AidRow[][]> {
  if (!keys.length) return [];
  const rows = await db.hostIndex.bulkGet([...keys]);
  return rows.map((row) => (row && row.key !== HOST_INDEX_META ? (row as HostIndexRow).rows : []));
}

/** Builds the whole index again from `aids`. Call it inside a read-write transaction on both. */
export async function rebuildHostIndex(db: InflowDb): Promise<void> {
  const { rows, meta } = hostIndexOf(await db.aids.toArray());
  await db.hostIndex.clear();
  await db.hostIndex.bulkPut([...rows, meta]);
}

/**
 * Brings the index in line after the aids of `packId` were replaced by `rows` (none: the pack
 * was removed). `before` is the meta row as read in the same transaction before the writes
 * to `aids` (readHostIndexMeta): when it was current, only the rows of the pack's old and new
 * host keys are rewritten; otherwise the whole index is rebuilt. Call it inside the writer's
 * read-write transaction on `aids` and `hostIndex`, after its writes to `aids`.
 */
export async function writeHostIndex(
  db: InflowDb,
  packId: string,
  rows: readonly AidRow[],
  before: HostIndexMeta | null,
): Promise<void> {
  if (!before) return rebuildHostIndex(db);
  const added = aidsByHostKey(rows);
  const affected = [...new Set([...(before.packs[packId] ?? []), ...added.keys()])];
  // Only the rows that other packs' aids share need reading (to keep their aids): the rest
  // hold this pack's aids alone, and are written anew (a big pack's old rows are megabytes).
  const shared = new Set<string>();
  for (const [id, packKeys] of Object.entries(before.packs)) {
    if (id !== packId) for (const key of packKeys) shared.add(key);
  }
  const toRead = affected.filter((key) => shared.has(key));
  const read = await db.hostIndex.bulkGet(toRead);
  const old = new Map(toRead.map((key, i) => [key, read[i] as HostIndexRow | undefined]));
  const keys = new Set(before.keys);
  const put: HostIndexRow[] = [];
  const gone: string[] = [];
  affected.forEach((key) => {
    const previous = old.get(key);
    const next = (previous?.rows ?? [])
      .filter((row) => row.packId !== packId)
      .concat(added.get(key) ?? []);
    if (next.length) {
      put.push({ key, rows: next });
      keys.add(key);
    } else {
      gone.push(key);
      keys.delete(key);
    }
  });
  const packs = { ...before.packs };
  if (added.size) packs[packId] = [...added.keys()].sort();
  else delete packs[packId];
  const meta: HostIndexMeta = {
    key: HOST_INDEX_META,
    format: HOST_INDEX_FORMAT,
    keys: [...keys].sort(),
    packs,
  };
  await db.hostIndex.bulkDelete(gone);
  for (const batch of batches(put)) await db.hostIndex.bulkPut(batch);
  // Last: it says that the rows above are whole.
  await db.hostIndex.put(meta);
}
