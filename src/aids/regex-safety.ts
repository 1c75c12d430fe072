/**
 * Nested repetition in a regular expression: a repeated group that itself repeats, as in
 * (a+)+ or (\w*\s?)*. Inflow's engine (RE2, ./regex.ts) matches any pattern in linear time,
 * but a field check's pattern is also the form's rule written down: the app's own code, a
 * server, or the HTML `pattern` attribute may run it on a backtracking engine, where such a
 * pattern takes exponential time on a value that almost matches. Field checks refuse it, so
 * that no pack hands on a pattern that freezes a page elsewhere.
 *
 * A scan of the pattern's syntax (RE2's, which for this purpose is JavaScript's): escapes,
 * classes and \Q…\E are skipped, groups nest, and a quantifier after a group that holds an
 * unbounded quantifier is nested repetition when it is unbounded too, or repeats more than
 * BOUNDED_MAX times.
 */

/** A bounded outer repetition ({2,5}) of an unbounded one is accepted up to this count. */
const BOUNDED_MAX = 10;

/** The largest count of a quantifier at `i` ("*", "+", "?", "{n}", "{n,}", "{n,m}") and its length. */
function quantifierAt(p: string, i: number): { max: number; length: number } | null {
  const c = p[i];
  if (c === '*' || c === '+') return { max: Number.POSITIVE_INFINITY, length: 1 };
  if (c === '?') return { max: 1, length: 1 };
  if (c !== '{') return null;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
  if (!m) return null;
  const max = m[2] === undefined ? Number(m[1]) : m[3] ? Number(m[3]) : Number.POSITIVE_INFINITY;
  return { max, length: m[0].length };
}

/** The index just past a character class that starts at `i` ("["). */
function classEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '^') j++;
  if (p[j] === ']') j++; // a "]" first is a literal
  while (j < p.length && p[j] !== ']') {
    if (p[j] === '\\') j += 2;
    else if (p.startsWith('[:', j)) {
      const close = p.indexOf(':]', j + 2);
      j = close < 0 ? j + 1 : close + 2;
    } else j++;
  }
  return j + 1;
}

/**
 * A description of the first nested repetition in `pattern` ("(a+)+ at character 1"), or null
 * when there is none. Never throws; a pattern RE2 refuses is reported by ./regex.ts.
 */
export function nestedRepetition(pattern: string): string | null {
  /** For each open group: where it starts, and whether something in it repeats unboundedly. */
  const open: { start: number; repeats: boolean }[] = [{ start: 0, repeats: false }];
  /** The atom just read: a group (with its start and whether it repeats inside), or another. */
  let last: { start: number; repeats: boolean } | null = null;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    const q = last ? quantifierAt(pattern, i) : null;
    if (q && last) {
      const unbounded = q.max === Number.POSITIVE_INFINITY;
      if (last.repeats && (unbounded || q.max > BOUNDED_MAX)) {
        const shown = pattern.slice(last.start, i + q.length);
        return `nested repetition "${shown.length > 40 ? `${shown.slice(0, 37)}…` : shown}" at character ${last.start + 1}`;
      }
      if (unbounded || q.max > 1) open[open.length - 1]!.repeats ||= unbounded || last.repeats;
      i += q.length;
      if (pattern[i] === '?') i++; // lazy
      last = null;
      continue;
    }
    if (c === '\\') {
      last = { start: i, repeats: false };
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        i = end < 0 ? pattern.length : end + 2;
      } else i += 2;
    } else if (c === '[') {
      last = { start: i, repeats: false };
      i = classEnd(pattern, i);
    } else if (c === '(') {
      open.push({ start: i, repeats: false });
      last = null;
      i++;
    } else if (c === ')') {
      const group = open.length > 1 ? open.pop()! : { start: 0, repeats: false };
      // A group that repeats inside makes its enclosing group repeat inside too.
      if (group.repeats) open[open.length - 1]!.repeats = true;
      last = group;
      i++;
    } else if (c === '|') {
      last = null;
      i++;
    } else {
      last = { start: i, repeats: false };
      i++;
    }
  }
  return null;
}
