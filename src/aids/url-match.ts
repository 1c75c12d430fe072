/**
 * URL matching with the URLPattern syntax, plus the index keys that let the store find the
 * few aids that can match a URL without scanning every aid.
 *
 * Browsers have URLPattern natively; Node (the CLI and unit tests) installs
 * `urlpattern-polyfill` before using this module.
 */
import type { URLPattern as URLPatternType } from 'urlpattern-polyfill';
import type { Match } from './schema';

type PatternCtor = typeof URLPatternType;

function ctor(): PatternCtor {
  const C = (globalThis as { URLPattern?: PatternCtor }).URLPattern;
  if (!C) throw new Error('URLPattern is not available in this context');
  return C;
}

const cache = new Map<string, URLPatternType | Error>();

/** Compiles (and caches) a URLPattern string; returns an Error for an invalid pattern. */
export function compileUrlPattern(pattern: string): URLPatternType | Error {
  let compiled = cache.get(pattern);
  if (!compiled) {
    try {
      compiled = new (ctor())(pattern);
    } catch (e) {
      compiled = new Error(`invalid URL pattern "${pattern}": ${(e as Error).message}`);
    }
    if (cache.size > 5000) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled;
}

const prefixes = new Map<string, string>();
const PLAIN_PATH = /^[A-Za-z0-9\-._~/]*$/;

/**
 * The literal start of a pattern's path ("/contacts/" for ".../contacts/:id"), or "" when
 * there is none that is safe to compare as text. A URL whose path does not start with it
 * cannot match, which spares compiling patterns that were never going to match.
 */
export function literalPathPrefix(pattern: string): string {
  let prefix = prefixes.get(pattern);
  if (prefix === undefined) {
    prefix = '';
    const scheme = pattern.indexOf('://');
    const slash = scheme < 0 ? -1 : pattern.indexOf('/', scheme + 3);
    if (slash >= 0) {
      const path = pattern.slice(slash);
      const special = path.search(/[:*(){}?+\\#]/);
      const literal = special < 0 ? path : path.slice(0, special);
      prefix = PLAIN_PATH.test(literal) ? literal : '';
    }
    if (prefixes.size > 5000) prefixes.clear();
    prefixes.set(pattern, prefix);
  }
  return prefix;
}

function pathOf(url: string): string | null {
  try {
    return new URL(url).pathname;
  } catch {
    return null;
  }
}

/** True if `url` matches the pattern. Invalid patterns never match. */
export function testUrlPattern(pattern: string, url: string): boolean {
  const prefix = literalPathPrefix(pattern);
  if (prefix) {
    const path = pathOf(url);
    if (path !== null && !path.startsWith(prefix)) return false;
  }
  const p = compileUrlPattern(pattern);
  return !(p instanceof Error) && p.test(url);
}

/** True if the URL part of a `match` rule holds: any of `urls`, none of `exclude`. */
export function matchesUrl(match: Pick<Match, 'urls' | 'exclude'>, url: string): boolean {
  if (!match.urls.some((p) => testUrlPattern(p, url))) return false;
  return !match.exclude?.some((p) => testUrlPattern(p, url));
}

const LITERAL_HOST = /^[a-z0-9.-]+$/i;

/**
 * The index key of one URL pattern: its host when it is literal ("crm.example.com"),
 * "*.suffix" for a leading-wildcard host ("*.example.com"), or "*" when any host may match.
 */
export function hostKeyOfPattern(pattern: string): string {
  const p = compileUrlPattern(pattern);
  if (p instanceof Error) return '*';
  const host = p.hostname.toLowerCase();
  if (LITERAL_HOST.test(host)) return host;
  const wild = /^\*\.([a-z0-9.-]+)$/i.exec(host);
  return wild ? `*.${wild[1]!.toLowerCase()}` : '*';
}

/** The keys under which aids that may match `url` are indexed. */
export function hostKeysOfUrl(url: string): string[] {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return [];
  }
  const keys = [host, '*'];
  const labels = host.split('.');
  for (let i = 1; i < labels.length; i++) keys.push(`*.${labels.slice(i).join('.')}`);
  return keys;
}

/** A fragment that is a client-side route ("#/contacts/new", "#!/contacts/new"), not an anchor. */
const HASH_ROUTE = /^#!?\//;

/**
 * The URL as recorded in events: origin and path, never the query string. The fragment is
 * kept only when it is the route of a hash-routed app (`#/…` or `#!/…`): there it is the page
 * path, and without it every screen of the app would be recorded as `/`. A query inside the
 * route (`#/contacts?id=3`) and anything after a second `#` are dropped like the query
 * string; a plain anchor (`#section`) is dropped.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const page = `${u.origin}${u.pathname}`;
    if (!HASH_ROUTE.test(u.hash)) return page;
    const end = u.hash.slice(1).search(/[?#]/);
    return page + (end < 0 ? u.hash : u.hash.slice(0, end + 1));
  } catch {
    return '';
  }
}
