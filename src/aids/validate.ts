/**
 * Validation of aid packs with problems that name where they are: every problem carries a
 * JSON path ("aids[2].steps[0].target") and what is wrong there.
 */
import type { z } from 'zod';
import { hasPattern, ruleProblem } from './field-rules';
import { patternError } from './regex';
import { nestedRepetition } from './regex-safety';
import { type Aid, type FieldRule, LIMITS, Pack, RESERVED_KEYS } from './schema';
import { targetsOf } from './targets';
import { matchesEverySite, urlPatternProblem } from './url-match';

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
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    return `${issue.message} (field "${issue.discriminator}")`;
  }
  return issue.message;
}

/** Problems in a zod error, as paths and messages; an unknown field is named by its own path. */
export function problemsOf(error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: jsonPath([...issue.path, key]),
          message: 'unknown field',
        }))
      : [{ path: jsonPath(issue.path), message: describeIssue(issue) }],
  );
}

/** Every URL pattern of an aid with its path: `urls`, `exclude`, `frame.url`, `url` rules. */
export function urlPatternsOf(aid: Aid): [string, (string | number)[]][] {
  const found: [string, (string | number)[]][] = [];
  for (const [i, p] of aid.match.urls.entries()) found.push([p, ['match', 'urls', i]]);
  for (const [i, p] of (aid.match.exclude ?? []).entries()) {
    found.push([p, ['match', 'exclude', i]]);
  }
  for (const [path, target] of targetsOf(aid)) {
    if (target.frame?.url) found.push([target.frame.url, [...path, 'frame', 'url']]);
  }
  if (aid.kind === 'checklist' || aid.kind === 'walkthrough') {
    aid.steps.forEach((step, i) => {
      if (step.done?.type === 'url')
        found.push([step.done.pattern, ['steps', i, 'done', 'pattern']]);
    });
  }
  if (aid.kind === 'walkthrough') {
    aid.steps.forEach((step, i) => {
      for (const [j, p] of (step.urls ?? []).entries()) found.push([p, ['steps', i, 'urls', j]]);
    });
  }
  return found;
}

/**
 * Why a pattern that decides where Inflow loads (`urls`, `frame.url`) is refused for matching
 * every site, unless the aid's `match.allSites` accepts the cost.
 */
function everySiteProblem(aid: Aid, pattern: string, path: (string | number)[]): string | null {
  const decidesWhere = (path[0] === 'match' && path[1] === 'urls') || path.at(-2) === 'frame';
  if (!decidesWhere || aid.match.allSites || !matchesEverySite(pattern)) return null;
  return 'matches every site, so Inflow would load on every page the browser opens: write the host out ("crm.example.com" or "*.example.com"), or set match.allSites to true to accept that';
}

/** URL patterns and regular expressions inside an aid that are refused. */
export function aidContentProblems(aid: Aid, base: (string | number)[]): Problem[] {
  const problems: Problem[] = [];
  if ((globalThis as { URLPattern?: unknown }).URLPattern) {
    for (const [pattern, path] of urlPatternsOf(aid)) {
      const message = urlPatternProblem(pattern) ?? everySiteProblem(aid, pattern, path);
      if (message) problems.push({ path: jsonPath([...base, ...path]), message });
    }
  }
  if (aid.kind === 'checklist' || aid.kind === 'walkthrough') {
    aid.steps.forEach((step, i) => {
      const done = step.done;
      const regexError = done?.type === 'matches' ? patternError(done.pattern) : null;
      if (regexError) {
        problems.push({
          path: jsonPath([...base, 'steps', i, 'done', 'pattern']),
          message: `invalid regular expression (RE2 syntax: no backreferences or lookaround): ${regexError}`,
        });
      }
      if (done?.type === 'passes') {
        problems.push(...fieldRuleProblems(done.rule, [...base, 'steps', i, 'done', 'rule']));
      }
    });
  }
  if (aid.kind === 'walkthrough') {
    for (const [path, target] of targetsOf(aid)) {
      if (path[0] === 'steps' && target.frame) {
        problems.push({
          path: jsonPath([...base, ...path, 'frame']),
          message:
            'walkthrough steps point at elements of the page their aid matches: write a walkthrough for the framed page instead',
        });
      }
    }
  }
  if (aid.kind === 'checks') {
    aid.checks.forEach((check, i) => {
      problems.push(...fieldRuleProblems(check.rule, [...base, 'checks', i, 'rule']));
      if (check.when) {
        problems.push(
          ...fieldRuleProblems(check.when.rule, [...base, 'checks', i, 'when', 'rule']),
        );
      }
      if (check.field.frame || check.when?.field.frame) {
        const at = check.field.frame ? ['field'] : ['when', 'field'];
        problems.push({
          path: jsonPath([...base, 'checks', i, ...at, 'frame']),
          message:
            'field checks work on fields of the page their aid matches: write an aid for the framed page instead',
        });
      }
    });
  }
  return problems;
}

/** A field rule that can never hold, or whose pattern is refused (see ./regex-safety.ts). */
function fieldRuleProblems(rule: FieldRule, path: (string | number)[]): Problem[] {
  if (hasPattern(rule)) {
    const invalid = patternError(rule.pattern);
    const nested = invalid ? null : nestedRepetition(rule.pattern);
    const message = invalid
      ? `invalid regular expression (RE2 syntax: no backreferences or lookaround): ${invalid}`
      : nested
        ? `refused: ${nested} can take exponential time in the backtracking engines that apps and servers use; repeat the inner part once, as in "(ab)+" rather than "(a+b?)+"`
        : null;
    return message ? [{ path: jsonPath([...path, 'pattern']), message }] : [];
  }
  const problem = ruleProblem(rule);
  return problem ? [{ path: jsonPath(path), message: problem }] : [];
}

/**
 * Keys named `__proto__`, `constructor` or `prototype` anywhere in parsed JSON. The schema
 * alone cannot refuse them all: a `__proto__` key is dropped without a word when parsed.
 */
export function reservedKeyProblems(input: unknown, path: (string | number)[] = []): Problem[] {
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

/**
 * More distinct URL patterns in the pack than LIMITS.urlPatternsPerPack, named at the first
 * pattern past the limit. Counted before any is compiled: compiling is what takes time.
 */
export function patternCountProblem(pack: Pack): Problem | null {
  const seen = new Set<string>();
  for (const [i, aid] of pack.aids.entries()) {
    for (const [pattern, path] of urlPatternsOf(aid)) {
      seen.add(pattern);
      if (seen.size > LIMITS.urlPatternsPerPack) {
        return {
          path: jsonPath(['aids', i, ...path]),
          message: `too many URL patterns in one pack: at most ${LIMITS.urlPatternsPerPack} different ones`,
        };
      }
    }
  }
  return null;
}

/** UTF-8 length of `text` in bytes, without encoding it. */
export function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff)
      i++; // a surrogate pair: 4 bytes for 2 UTF-16 units
    else if (c >= 0x800) bytes += 2;
    else if (c >= 0x80) bytes += 1;
  }
  return bytes;
}

/** "2.5 MB" */
export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.ceil(bytes / 1024)} KB`;
}

/** The problem of a pack larger than LIMITS.packBytes, or null. */
export function packSizeProblem(bytes: number): Problem | null {
  if (bytes <= LIMITS.packBytes) return null;
  return {
    path: '',
    message: `the pack is ${formatSize(bytes)} of JSON (${bytes.toLocaleString('en')} bytes), larger than the ${formatSize(LIMITS.packBytes)} limit (${LIMITS.packBytes.toLocaleString('en')} bytes)`,
  };
}

/** Validates unknown input (already parsed JSON) as an aid pack. */
export function parsePack(input: unknown): Parsed<Pack> {
  const reserved = reservedKeyProblems(input);
  if (reserved.length) return { ok: false, problems: reserved };
  const result = Pack.safeParse(input);
  if (!result.success) return { ok: false, problems: problemsOf(result.error) };
  const tooMany = patternCountProblem(result.data);
  if (tooMany) return { ok: false, problems: [tooMany] };
  const problems = result.data.aids.flatMap((aid, i) => aidContentProblems(aid, ['aids', i]));
  return problems.length ? { ok: false, problems } : { ok: true, value: result.data };
}

/** Parses JSON text and validates it as a pack; a syntax error is reported as a problem. */
export function parsePackText(text: string): Parsed<Pack> {
  const tooLarge = packSizeProblem(utf8Bytes(text));
  if (tooLarge) return { ok: false, problems: [tooLarge] };
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
