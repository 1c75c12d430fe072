/**
 * Who an aid is for (`audience`) against who is looking. Pure: the background's lookup and
 * the authoring URL tester use the same test, so the tester cannot disagree with what staff
 * see.
 */
import type { Audience } from './schema';

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
