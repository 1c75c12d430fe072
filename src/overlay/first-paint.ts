/**
 * Reads the first paint (src/protocol/first-paint.ts) for a top frame's URL: the aids the
 * background last wrote for this person under the URL's host keys, that match the URL, as
 * a lookup without progress would hand them over. Local storage answers without the service
 * worker, so a page whose worker was stopped shows its aids while the worker starts.
 */
import { browser } from 'wxt/browser';
import { hostKeysOfUrl, matchesUrl } from '../aids/url-match';
import {
  FIRST_PAINT,
  FIRST_PAINT_FORMAT,
  type FirstPaintAid,
  type FirstPaintEntry,
  type FirstPaintSettings,
  firstPaintKey,
} from '../protocol/first-paint';
import type { LookupResponse } from '../protocol/messages';

/** The aids to show on `url` before the lookup answers; null for none (or a paused site). */
export async function readFirstPaint(url: string): Promise<LookupResponse | null> {
  const hostKeys = hostKeysOfUrl(url);
  const got = await browser.storage.local.get([FIRST_PAINT, ...hostKeys.map(firstPaintKey)]);
  const settings = got[FIRST_PAINT] as FirstPaintSettings | undefined;
  if (settings?.format !== FIRST_PAINT_FORMAT || settings.paused.includes(hostKeys[0]!)) {
    return null;
  }
  const seen = new Map<string, FirstPaintAid>();
  for (const key of hostKeys) {
    for (const a of (got[firstPaintKey(key)] as FirstPaintEntry | undefined)?.aids ?? []) {
      if (!seen.has(a.key) && matchesUrl(a.aid.match, url)) seen.set(a.key, a);
    }
  }
  if (!seen.size) return null;
  const aids = [...seen.values()]
    .sort((a, b) => a.rank - b.rank)
    .map(({ rank, ...a }) => ({ ...a, progress: null }));
  return { paused: false, aids, compact: settings.compact };
}
