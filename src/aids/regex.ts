/**
 * The engine for the regular expressions of packs (`matches` completion rules): RE2, through
 * re2js. Its matching takes time linear in the value whatever the pattern, so a pattern such
 * as ^(a+)+$ cannot freeze a page the way a backtracking engine (the browser's RegExp) does
 * while a person types. It refuses what needs backtracking (backreferences, lookaround).
 *
 * The background, the CLI and the options page check patterns here. Pages load it only on
 * demand (entrypoints/regex.ts installs it into ./regex-slot.ts): the page side never
 * imports this module.
 */
import { RE2JS } from 're2js';

/**
 * The longest value a pattern is tested against: a longer value does not match. Values that
 * `matches` rules are for (codes, ids, addresses, a sentence or two) are far shorter; the
 * bound keeps the work per keystroke small for any pattern, since RE2's time also grows with
 * the pattern's size (up to 500 characters, with repetitions up to 1000).
 */
export const MAX_MATCHED_CHARS = 2000;

/** How many compiled patterns are kept; the least recently used goes first. */
const MAX_CACHED = 64;

interface Compiled {
  re: RE2JS;
  /** The last value tested and its answer: a page re-evaluates unchanged fields often. */
  value?: string;
  matched?: boolean;
}

const cache = new Map<string, Compiled | Error>();

/** The compiled pattern, or the error that says why it does not compile. Cached. */
function compiled(pattern: string): Compiled | Error {
  let entry = cache.get(pattern);
  if (entry) {
    // Most recently used last.
    cache.delete(pattern);
  } else {
    try {
      entry = { re: RE2JS.compile(pattern) };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      entry = new Error(message.replace(/^error parsing regexp: /, ''));
    }
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  }
  cache.set(pattern, entry);
  return entry;
}

/** Why `pattern` is not a valid RE2 expression (re2js's words), or null if it is. */
export function patternError(pattern: string): string | null {
  const entry = compiled(pattern);
  return entry instanceof Error ? entry.message : null;
}

/**
 * True if `pattern` is found in `value` (like RegExp.prototype.test: anchor with ^ and $ to
 * match the whole value). False for a pattern that does not compile and for a value longer
 * than MAX_MATCHED_CHARS. Never throws.
 */
export function testPattern(pattern: string, value: string): boolean {
  if (value.length > MAX_MATCHED_CHARS) return false;
  const entry = compiled(pattern);
  if (entry instanceof Error) return false;
  if (entry.value === value) return entry.matched === true;
  let matched = false;
  try {
    matched = entry.re.test(value);
  } catch {
    matched = false;
  }
  entry.value = value;
  entry.matched = matched;
  return matched;
}
