/**
 * Which aids apply to a page. Candidates come from the `hostKeys` index (the page's host,
 * its wildcard suffixes and "*"), so the cost depends on the aids of that host, not on
 * how many aids are installed. Only the candidates are tested against the full URL rules.
 */
import type { Audience } from '../aids/schema';
import { hostKeysOfUrl, matchesUrl } from '../aids/url-match';
import type { ActiveAid } from '../protocol/messages';
import type { AidRow, InflowDb } from './db';

/** Who is looking, from the settings; unset fields only see aids meant for everyone. */
export interface Viewer {
  role?: string;
  team?: string;
  locale?: string;
}

function localeMatches(wanted: string, locale: string): boolean {
  const w = wanted.toLowerCase();
  const l = locale.toLowerCase().replace('_', '-');
  return l === w || l.startsWith(`${w}-`);
}

/** True if the aid's audience includes the viewer. Empty or absent lists mean everyone. */
export function inAudience(audience: Audience | undefined, viewer: Viewer): boolean {
  if (!audience) return true;
  const { roles, teams, locales } = audience;
  if (roles?.length && !(viewer.role && roles.includes(viewer.role))) return false;
  if (teams?.length && !(viewer.team && teams.includes(viewer.team))) return false;
  if (locales?.length) {
    const locale = viewer.locale;
    if (!locale || !locales.some((w) => localeMatches(w, locale))) return false;
  }
  return true;
}

/**
 * The aid rows whose index keys can match `url` (before URL rules and audience): the union
 * of one exact index query per key. Same result as `anyOf(keys).distinct()`, but anyOf walks
 * one cursor across the whole key range between the keys ("*" … "crm.example.com"), which
 * grows with the number of hosts; exact queries only touch the rows of those keys.
 */
export async function candidateAids(db: InflowDb, url: string): Promise<AidRow[]> {
  const keys = hostKeysOfUrl(url);
  if (!keys.length) return [];
  const lists = await Promise.all(
    keys.map((key) => db.aids.where('hostKeys').equals(key).toArray()),
  );
  const byKey = new Map<string, AidRow>();
  for (const row of lists.flat()) byKey.set(row.key, row);
  return [...byKey.values()];
}

/** The aids that apply to `url` for `viewer`, in pack and author order, with progress. */
export async function lookup(db: InflowDb, url: string, viewer: Viewer = {}): Promise<ActiveAid[]> {
  return db.transaction('r', db.aids, db.progress, async () => {
    const rows = (await candidateAids(db, url))
      .filter((row) => matchesUrl(row.aid.match, url) && inAudience(row.aid.audience, viewer))
      .sort((a, b) => (a.packId < b.packId ? -1 : a.packId > b.packId ? 1 : a.order - b.order));
    const progress = await db.progress.bulkGet(rows.map((row) => row.key));
    return rows.map((row, i) => ({
      key: row.key,
      packId: row.packId,
      packVersion: row.packVersion,
      aid: row.aid,
      progress: progress[i] ?? null,
    }));
  });
}
