/**
 * Validation of aid packs with problems that name where they are: every problem carries a
 * JSON path ("aids[2].steps[0].target") and what is wrong there.
 */
import type { z } from 'zod';
import { patternError } from './regex';
import { type Aid, Pack, RESERVED_KEYS } from './schema';
import { targetsOf } from './targets';
import { compileUrlPattern } from './url-match';

export interface Problem {
  /** JSON path of the offending value, "" for the document itself. */
  path: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** Formats a zod path as a JSON path: ["aids", 2, "id"] -> "aids[2].id". */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    return `${issue.message} (field "${issue.discriminator}")`;
  }
  return issue.message;
}

/** Problems in a zod error, as paths and messages. */
export function problemsOf(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({
    path: jsonPath(issue.path),
    message: describeIssue(issue),
  }));
}

/** URL patterns and regular expressions inside an aid that do not compile. */
export function aidContentProblems(aid: Aid, base: (string | number)[]): Problem[] {
  const problems: Problem[] = [];
  const checkUrl = (pattern: string, path: (string | number)[]) => {
    if (!(globalThis as { URLPattern?: unknown }).URLPattern) return;
    const compiled = compileUrlPattern(pattern);
    if (compiled instanceof Error)
      problems.push({ path: jsonPath(path), message: compiled.message });
  };
  for (const [i, p] of aid.match.urls.entries()) checkUrl(p, [...base, 'match', 'urls', i]);
  for (const [i, p] of (aid.match.exclude ?? []).entries()) {
    checkUrl(p, [...base, 'match', 'exclude', i]);
  }
  // A frame address that does not compile would never match a frame.
  for (const [path, target] of targetsOf(aid)) {
    if (target.frame?.url) checkUrl(target.frame.url, [...base, ...path, 'frame', 'url']);
  }
  if (aid.kind === 'checklist') {
    aid.steps.forEach((step, i) => {
      const done = step.done;
      if (done?.type === 'url') checkUrl(done.pattern, [...base, 'steps', i, 'done', 'pattern']);
      const regexError = done?.type === 'matches' ? patternError(done.pattern) : null;
      if (regexError) {
        problems.push({
          path: jsonPath([...base, 'steps', i, 'done', 'pattern']),
          message: `invalid regular expression (RE2 syntax: no backreferences or lookaround): ${regexError}`,
        });
      }
    });
  }
  return problems;
}

/**
 * Keys named `__proto__`, `constructor` or `prototype` anywhere in parsed JSON. The schema
 * alone cannot refuse them all: a `__proto__` key is dropped without a word when parsed.
 */
function reservedKeyProblems(input: unknown, path: (string | number)[] = []): Problem[] {
  if (typeof input !== 'object' || input === null || path.length > 12) return [];
  if (Array.isArray(input)) return input.flatMap((v, i) => reservedKeyProblems(v, [...path, i]));
  return Object.keys(input).flatMap((key) =>
    RESERVED_KEYS.has(key)
      ? [
          {
            path: jsonPath([...path, key]),
            message: `"${key}" is a reserved name: not allowed as a key`,
          },
        ]
      : reservedKeyProblems((input as Record<string, unknown>)[key], [...path, key]),
  );
}

/** Validates unknown input (already parsed JSON) as an aid pack. */
export function parsePack(input: unknown): Parsed<Pack> {
  const reserved = reservedKeyProblems(input);
  if (reserved.length) return { ok: false, problems: reserved };
  const result = Pack.safeParse(input);
  if (!result.success) return { ok: false, problems: problemsOf(result.error) };
  const problems = result.data.aids.flatMap((aid, i) => aidContentProblems(aid, ['aids', i]));
  return problems.length ? { ok: false, problems } : { ok: true, value: result.data };
}

/** Parses JSON text and validates it as a pack; a syntax error is reported as a problem. */
export function parsePackText(text: string): Parsed<Pack> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      problems: [{ path: '', message: `not valid JSON: ${(e as Error).message}` }],
    };
  }
  return parsePack(data);
}

/**
 * `text` with every control character (C0, DEL, C1, and the Unicode line and paragraph
 * separators) written as a `\u001b`-style escape: text from a pack can then neither move a
 * terminal's cursor, colour it, nor start a line of its own that looks like ours.
 */
export function escapeControls(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029;
    out += control ? `\\u${c.toString(16).padStart(4, '0')}` : ch;
  }
  return out;
}

/**
 * One line per problem, for logs and the CLI: "aids[0].title: must not be empty". Paths and
 * messages can quote a pack's content: their control characters are escaped.
 */
export function formatProblems(problems: Problem[], where = ''): string {
  return problems
    .map((p) => {
      const path = escapeControls(p.path);
      return `${escapeControls(where)}${where && path ? ':' : ''}${path || (where ? '' : '(document)')}: ${escapeControls(p.message)}`;
    })
    .join('\n');
}

/** Numeric comparison of "MAJOR.MINOR.PATCH" versions: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
