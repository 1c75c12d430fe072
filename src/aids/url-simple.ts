/**
 * Most URL patterns authors write are simple: a scheme or `*`, a literal host or `*.suffix`,
 * no port or `:*`, and a path of literal segments, `:name` or `:name(\d+)` segments and a
 * final `/*`. Compiling a URLPattern costs about 50 µs in Chromium, and a host's first lookup
 * compiles every pattern its candidates use that it has not seen yet; a simple pattern is
 * matched here instead, on the URL parsed once, with one small regular expression for its
 * path. Anything else (search, hash, a literal port, groups, modifiers…) returns null, and
 * the caller uses URLPattern. A unit test checks both agree on generated patterns and URLs.
 */
import type { Match } from './schema';
import { matchesUrlBy, testUrlPattern } from './url-match';

/** Tells whether a parsed URL matches one pattern. */
export type UrlTest = (url: URL) => boolean;

const SIMPLE =
  /^(\*|https?):\/\/(\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)(:\*)?((?:\/(?:[A-Za-z0-9_~-][A-Za-z0-9_~.-]*|:[A-Za-z_]\w*(?:\(\\d\+\))?))*)(\/\*|\/)?$/i;

const simple = new Map<string, UrlTest | null>();

/** The test of a simple pattern, or null when URLPattern must match it. */
export function simpleUrlTest(pattern: string): UrlTest | null {
  let test = simple.get(pattern);
  if (test === undefined) {
    test = compile(pattern);
    if (simple.size > 5000) simple.clear();
    simple.set(pattern, test);
  }
  return test;
}

function compile(pattern: string): UrlTest | null {
  const m = SIMPLE.exec(pattern);
  if (!m) return null;
  const [, scheme, rawHost, anyPort, segments, end] = m;
  const protocol = scheme === '*' ? null : `${scheme!.toLowerCase()}:`;
  const host = rawHost!.toLowerCase();
  const suffix = host.startsWith('*.') ? host.slice(1) : null;
  let source = '';
  for (const segment of segments!.split('/').slice(1)) {
    source +=
      segment[0] !== ':'
        ? `/${segment.replace(/[.-]/g, '\\$&')}`
        : segment.endsWith(')')
          ? '/\\d+'
          : '/[^/]+';
  }
  // A final "/*" is "/" and anything; no path at all is any path, as in URLPattern.
  source += end === '/*' ? '/.*' : (end ?? '');
  const path = new RegExp(`^${source || '.*'}$`);
  return (u) =>
    (!protocol || u.protocol === protocol) &&
    (host === '*' || (suffix ? u.hostname.endsWith(suffix) : u.hostname === host)) &&
    (anyPort !== undefined || u.port === '') &&
    path.test(u.pathname);
}

/**
 * `matchesUrl` for one URL and many aids (a lookup's candidates): the URL is parsed once, and
 * simple patterns are matched here, the others by URLPattern.
 */
export function urlMatcher(url: string): (match: Pick<Match, 'urls' | 'exclude'>) => boolean {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // URLPattern says no to every pattern below.
  }
  const test = (pattern: string) => {
    const simple = parsed && simpleUrlTest(pattern);
    return simple ? simple(parsed!) : testUrlPattern(pattern, url);
  };
  return (match) => matchesUrlBy(match, test);
}
