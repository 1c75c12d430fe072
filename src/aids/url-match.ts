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

/** The parts of a URL that a pattern matches separately. */
const COMPONENTS = [
  'protocol',
  'username',
  'password',
  'hostname',
  'port',
  'pathname',
  'search',
  'hash',
] as const;
type Component = (typeof COMPONENTS)[number];

/**
 * At most this many variable parts (`*`, `:name`, `(regex)`) in one component of a pattern.
 * URLPattern runs on the browser's backtracking regular expressions: each variable part that
 * can take the same characters as its neighbour multiplies the work on a URL that does not
 * match (three of them take half a second on a 2,000-character path; two take 3 ms).
 */
export const MAX_VARIABLE_PARTS = 2;
/** A URL component longer than this never matches a component with two variable parts. */
export const MAX_TESTED_COMPONENT = 2_048;

/**
 * A regular-expression group in a URL pattern may be a list of literal alternatives
 * (`(edit|view)`) or one character class, escape or dot with an optional quantifier
 * (`(\d+)`, `([a-z0-9-]{1,40})`): nothing that can backtrack on itself.
 */
const SIMPLE_GROUP =
  /^(?:[A-Za-z0-9_.~-]+(?:\|[A-Za-z0-9_.~-]+)*|(?:\\[dDwWsS]|\[\^?(?:\\.|[^\]\\])+\]|\.)(?:[+*?]|\{\d{1,3}(?:,\d{0,3})?\})?)$/;

interface Parts {
  count: number;
  /** The bodies of the `(…)` groups. */
  groups: string[];
  /** A `(…)` group repeated by `*` or `+`, directly or inside a repeated `{…}`. */
  repeatedGroup: boolean;
}

const isRepeat = (c: string | undefined) => c === '*' || c === '+';

/** The variable parts of one component of a compiled pattern, e.g. "/contacts/:id(\\d+)". */
function variableParts(component: string): Parts {
  const parts: Parts = { count: 0, groups: [], repeatedGroup: false };
  let afterName = false;
  /** For each open `{`, the number of groups seen before it. */
  const braces: number[] = [];
  for (let i = 0; i < component.length; i++) {
    const c = component[i];
    const named = afterName;
    afterName = false;
    if (c === '\\') i++;
    else if (c === '*') parts.count++;
    else if (c === '{') braces.push(parts.groups.length);
    else if (c === '}') {
      const before = braces.pop() ?? parts.groups.length;
      if (parts.groups.length > before && isRepeat(component[i + 1])) parts.repeatedGroup = true;
    } else if (c === ':' && /[\p{ID_Start}$_]/u.test(component[i + 1] ?? '')) {
      parts.count++;
      while (/[\p{ID_Continue}$]/u.test(component[i + 1] ?? '')) i++;
      afterName = true;
    } else if (c === '(') {
      let depth = 1;
      let j = i + 1;
      for (; j < component.length && depth; j++) {
        if (component[j] === '\\') j++;
        else if (component[j] === '(') depth++;
        else if (component[j] === ')') depth--;
      }
      parts.groups.push(component.slice(i + 1, j - 1));
      if (isRepeat(component[j])) parts.repeatedGroup = true;
      // ":id(\\d+)" is one part: the group belongs to the name before it.
      if (!named) parts.count++;
      i = j - 1;
    }
  }
  return parts;
}

const heavy = new Map<string, Component[]>();

/** The components of a compiled pattern that have two variable parts (see MAX_TESTED_COMPONENT). */
function heavyComponents(pattern: string, compiled: URLPatternType): Component[] {
  let list = heavy.get(pattern);
  if (!list) {
    list = COMPONENTS.filter((c) => variableParts(compiled[c]).count > 1);
    if (heavy.size > 5000) heavy.clear();
    heavy.set(pattern, list);
  }
  return list;
}

/** The first control character in `text` (C0, DEL, C1, line and paragraph separators). */
function controlCharacter(text: string): { at: number; code: string } | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) {
      return { at: i, code: `\\u${c.toString(16).padStart(4, '0')}` };
    }
  }
  return null;
}

/**
 * Why a URL pattern is refused, or null if it is accepted: a control character or white
 * space, a pattern URLPattern cannot compile, a regular-expression group that is not simple,
 * a group repeated with `*` or `+` (each repetition can take the same text two ways), or more
 * than MAX_VARIABLE_PARTS variable parts in one component. The same checks run in
 * the CLI (URLPattern polyfill) and in the browser (native URLPattern).
 */
export function urlPatternProblem(pattern: string): string | null {
  const control = controlCharacter(pattern);
  if (control) return `contains the control character ${control.code} at position ${control.at}`;
  const space = pattern.search(/\s/);
  if (space >= 0) return `contains white space at position ${space}: write it as %20`;
  const compiled = compileUrlPattern(pattern);
  if (compiled instanceof Error) return compiled.message;
  for (const component of COMPONENTS) {
    const parts = variableParts(compiled[component]);
    const group = parts.groups.find((g) => !SIMPLE_GROUP.test(g));
    if (group !== undefined) {
      return `the regular expression "(${group})" in the ${component} is not accepted: a group may be literal alternatives such as (edit|view) or one character class with a quantifier such as (\\d+)`;
    }
    if (parts.repeatedGroup) {
      return `a regular-expression group in the ${component} is repeated with * or +: repeat a name instead (:id+), or write the repetition inside the group`;
    }
    if (parts.count > MAX_VARIABLE_PARTS) {
      return `the ${component} has ${parts.count} variable parts (*, :name or (…)), at most ${MAX_VARIABLE_PARTS}: write more of it out`;
    }
  }
  return null;
}

/** Top-level names that only ever name machines of one's own (RFC 6761, RFC 6762, RFC 8375). */
const LOCAL_TLDS: ReadonlySet<string> = new Set(['localhost', 'test', 'local', 'internal', 'lan']);

/**
 * True if the pattern can match any site: its host is "*", a wildcard over a public top-level
 * domain such as "*.com", or anything else that is not a written-out host or "*.domain".
 * Inflow then has to load on every page the browser opens.
 */
export function matchesEverySite(pattern: string): boolean {
  const key = hostKeyOfPattern(pattern);
  if (key === '*') return true;
  const suffix = key.startsWith('*.') ? key.slice(2) : '';
  return suffix !== '' && !suffix.includes('.') && !LOCAL_TLDS.has(suffix);
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
  if (p instanceof Error) return false;
  const slow = heavyComponents(pattern, p);
  if (slow.length) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (slow.some((c) => componentOf(u, c).length > MAX_TESTED_COMPONENT)) return false;
  }
  return p.test(url);
}

/** A URL's component as URLPattern sees it ("https", not "https:"). */
function componentOf(u: URL, c: Component): string {
  switch (c) {
    case 'protocol':
      return u.protocol;
    case 'search':
      return u.search;
    case 'hash':
      return u.hash;
    default:
      return u[c];
  }
}

/**
 * True if the URL part of a `match` rule holds by `test` (a pattern matches the URL): any of
 * `urls`, none of `exclude`.
 */
export function matchesUrlBy(
  match: Pick<Match, 'urls' | 'exclude'>,
  test: (pattern: string) => boolean,
): boolean {
  return match.urls.some(test) && !match.exclude?.some(test);
}

/** True if the URL part of a `match` rule holds for `url`. */
export function matchesUrl(match: Pick<Match, 'urls' | 'exclude'>, url: string): boolean {
  return matchesUrlBy(match, (p) => testUrlPattern(p, url));
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
