/**
 * Route templates for touchpoint coverage: a page's URL folded to what every visit of that
 * screen shares, so that time spent on pages can be summed per screen without keeping any
 * value. Origin and path only, never the query string; a hash route (`#/…`, `#!/…`) is the
 * page's path and is folded the same way; a plain anchor is dropped. In each path segment,
 * whatever looks like an id becomes `:id`:
 *
 * - all digits (`/customers/4821`);
 * - a UUID;
 * - a hex or base64-like token of 8 or more characters mixing digits and letters
 *   (`/orders/INV-2024-00042`, `/s/aZ3k9Qx2`);
 * - anything with an `@` (an e-mail address), also percent-encoded;
 * - any segment longer than 64 characters.
 *
 * Matrix parameters (`;jsessionid=…`) are dropped. Folding a template again gives the same
 * template, which is how the background and the hub check what a page sends them. Pure and
 * free of zod: the overlay (page side) uses it too.
 */

/** A template is at most this long; extra trailing segments are dropped to fit. */
export const MAX_TEMPLATE_LENGTH = 1024;
/** Segments kept per path (and per hash route). */
export const MAX_SEGMENTS = 20;
const LONG_SEGMENT = 64;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^[A-Za-z0-9_+=.-]{8,}$/;
const HASH_ROUTE = /^#!?\//;

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether one path segment (as it appears in a URL, percent-encoded) is an id. */
export function isIdSegment(segment: string): boolean {
  if (segment === '' || segment === ':id') return false;
  const text = decoded(segment);
  if (/^\d+$/.test(text)) return true;
  if (UUID.test(text)) return true;
  if (text.includes('@')) return true;
  if (segment.length > LONG_SEGMENT) return true;
  return TOKEN.test(text) && /\d/.test(text) && /[A-Za-z]/.test(text);
}

/** A path ("/a/b/4821/") folded: matrix parameters dropped, ids as `:id`, segments capped. */
function foldPath(path: string): string {
  const segments = path.split('/').slice(0, MAX_SEGMENTS + 1);
  return segments
    .map((s) => s.replace(/;.*$/, ''))
    .map((s) => (isIdSegment(s) ? ':id' : s))
    .join('/');
}

/**
 * The route template of an http(s) URL, or '' when it is not one. Same origin as the URL;
 * the path and the hash route folded; never a query string or an anchor.
 */
export function routeTemplate(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return '';
  let hash = '';
  if (HASH_ROUTE.test(u.hash)) {
    const prefix = u.hash.startsWith('#!') ? '#!' : '#';
    const route = u.hash.slice(prefix.length).split(/[?#]/)[0]!;
    hash = prefix + foldPath(route);
  }
  let template = u.origin + foldPath(u.pathname) + hash;
  // Too long: drop trailing segments (of the hash route first, then of the path).
  while (template.length > MAX_TEMPLATE_LENGTH) {
    const cut = template.lastIndexOf('/');
    if (cut <= u.origin.length) return `${u.origin}/`;
    template = template.slice(0, cut);
  }
  return template;
}

/** Whether `template` is a route template as routeTemplate makes them (folding it changes nothing). */
export function isRouteTemplate(template: string): boolean {
  return template !== '' && routeTemplate(template) === template;
}

/** A touchpoint host pattern: `crm.example.com` or `*.example.com` (no port, no scheme). */
export const HOST_PATTERN = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/i;

/**
 * Whether a host name is named by one of the patterns: exactly, or, for `*.example.com`,
 * example.com and any name under it (as the browser's match patterns do). Ports are
 * ignored, like in match patterns.
 */
export function hostMatches(hostname: string, patterns: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return patterns.some((raw) => {
    const pattern = raw.toLowerCase();
    if (!pattern.startsWith('*.')) return host === pattern;
    const base = pattern.slice(2);
    return host === base || host.endsWith(`.${base}`);
  });
}

/** Whether an http(s) URL's host is named by one of the patterns. */
export function urlOnHosts(url: string, patterns: readonly string[]): boolean {
  if (!patterns.length) return false;
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
    return hostMatches(u.hostname, patterns);
  } catch {
    return false;
  }
}
