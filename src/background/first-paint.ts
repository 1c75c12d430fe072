/**
 * Writes the first paint (src/protocol/first-paint.ts): the published aids this person would
 * see, by host key, and the settings that decide whether and how they show, into the
 * extension's local storage, where a top frame's overlay reads them without waking a stopped
 * service worker.
 *
 * Derived from the store, never the other way: `all` writes it whole from the aids, the
 * paused hosts and the compact choice as they are; `settings` rewrites only the settings part
 * (a site paused, the compact panel chosen). Writes run one at a time, in the order asked,
 * so an older state never lands over a newer one.
 */
import { inAudience, type Viewer } from '../aids/audience';
import {
  FIRST_PAINT,
  FIRST_PAINT_FORMAT,
  type FirstPaintAid,
  type FirstPaintSettings,
  firstPaintKey,
} from '../protocol/first-paint';
import { getSetting, type InflowDb } from './db';
import { packOrder, panelCompact } from './lookup';

/** The part of `storage.local` this needs. */
export interface LocalArea {
  get(keys: string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

/**
 * A host key with more aids than this gets no first paint: its pages wait for the lookup,
 * as they did before, rather than parse a large entry at document_start.
 */
export const MAX_AIDS_PER_HOST_KEY = 200;

/**
 * At most this many characters of JSON in all: local storage holds 10 MB. Past it, the host
 * keys with the fewest aids keep theirs (a host key's entry is whole or absent).
 */
export const MAX_FIRST_PAINT_CHARS = 4_000_000;

export interface FirstPaintWriter {
  /** Writes it whole: after an install, or a change of who is looking. Never rejects. */
  all(): Promise<void>;
  /** Rewrites the paused hosts and the compact choice only. Never rejects. */
  settings(): Promise<void>;
}

async function settingsNow(db: InflowDb, hostKeys: string[]): Promise<FirstPaintSettings> {
  const [paused, compact] = await Promise.all([
    getSetting(db, 'pausedHosts', []),
    panelCompact(db),
  ]);
  return { format: FIRST_PAINT_FORMAT, paused, compact, hostKeys };
}

/** The entries to write, by host key, within the limits above. */
export function firstPaintEntries(
  rows: Parameters<typeof packOrder>[0][],
  viewer: Viewer,
): Map<string, FirstPaintAid[]> {
  const byKey = new Map<string, FirstPaintAid[]>();
  const mine = rows.filter((row) => inAudience(row.aid.audience, viewer)).sort(packOrder);
  mine.forEach((row, rank) => {
    const { key, packId, packVersion, aid } = row;
    for (const hostKey of new Set(row.hostKeys)) {
      const list = byKey.get(hostKey) ?? [];
      list.push({ key, packId, packVersion, aid, rank });
      byKey.set(hostKey, list);
    }
  });
  const sized = [...byKey]
    .filter(([, aids]) => aids.length <= MAX_AIDS_PER_HOST_KEY)
    .map(([hostKey, aids]) => ({ hostKey, aids, chars: JSON.stringify(aids).length }))
    .sort((a, b) => a.aids.length - b.aids.length || a.chars - b.chars);
  const kept = new Map<string, FirstPaintAid[]>();
  let total = 0;
  for (const entry of sized) {
    if (total + entry.chars > MAX_FIRST_PAINT_CHARS) break;
    total += entry.chars;
    kept.set(entry.hostKey, entry.aids);
  }
  return kept;
}

export function createFirstPaintWriter(
  db: InflowDb,
  area: LocalArea,
  viewer: () => Promise<Viewer>,
): FirstPaintWriter {
  let queue: Promise<void> = Promise.resolve();
  /** Resolves once `job` ran; a failure is logged, and leaves the entries as they were. */
  const serially = (job: () => Promise<void>) => {
    queue = queue
      .then(job)
      .catch((e) => console.error('[inflow] writing the first paint failed', e));
    return queue;
  };
  const written = async (): Promise<FirstPaintSettings | null> => {
    const settings = (await area.get(FIRST_PAINT))[FIRST_PAINT] as FirstPaintSettings | undefined;
    return settings?.format === FIRST_PAINT_FORMAT ? settings : null;
  };
  return {
    all: () =>
      serially(async () => {
        const [rows, who, before] = await Promise.all([db.aids.toArray(), viewer(), written()]);
        const entries = firstPaintEntries(rows, who);
        const hostKeys = [...entries.keys()].sort();
        const items: Record<string, unknown> = {};
        for (const [hostKey, aids] of entries) items[firstPaintKey(hostKey)] = { aids };
        items[FIRST_PAINT] = await settingsNow(db, hostKeys);
        await area.set(items);
        const gone = (before?.hostKeys ?? []).filter((key) => !entries.has(key));
        if (gone.length) await area.remove(gone.map(firstPaintKey));
      }),
    settings: () =>
      serially(async () => {
        const before = await written();
        // Nothing written yet: the next whole write brings the settings with it.
        if (!before) return;
        await area.set({ [FIRST_PAINT]: await settingsNow(db, before.hostKeys) });
      }),
  };
}
