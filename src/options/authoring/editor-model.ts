/**
 * The aid editor's model: a draft is plain JSON (it may be invalid while the author works),
 * read and changed by path; problems are validated with the same rules as publishing and
 * handed to the field that owns their path.
 */

import { describeResolution, describeSignal } from '../../aids/explain-target';
import type { Target } from '../../aids/schema';
import { Aid, type AidKind, Id, LIMITS } from '../../aids/schema';
import { aidContentProblems, type Problem, problemsOf } from '../../aids/validate';
import type { TargetReport } from '../../protocol/authoring';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type Path = ReadonlyArray<string | number>;

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const list = (v: unknown): Json[] => (Array.isArray(v) ? v : []);

/** The value at `path`, or undefined. */
export function getAt(value: unknown, path: Path): unknown {
  let at: unknown = value;
  for (const key of path) {
    if (typeof key === 'number') at = Array.isArray(at) ? at[key] : undefined;
    else at = isObject(at) ? at[key] : undefined;
  }
  return at;
}

/**
 * A copy of `value` with `path` set; `undefined` removes the key (or array item). Objects
 * left empty by a removal keep existing: the caller decides whether an empty group goes.
 */
export function setAt(value: Json, path: Path, next: Json | undefined): Json {
  if (!path.length) return next ?? null;
  const [key, ...rest] = path;
  if (typeof key === 'number') {
    const arr = Array.isArray(value) ? [...value] : [];
    if (!rest.length && next === undefined) arr.splice(key, 1);
    else arr[key] = setAt(arr[key] ?? null, rest, next);
    return arr;
  }
  const obj: JsonObject = isObject(value) ? { ...value } : {};
  if (!rest.length && next === undefined) delete obj[key as string];
  else obj[key as string] = setAt(obj[key as string] ?? null, rest, next);
  return obj;
}

/** "Check the customer's ID!" -> "check-the-customer-s-id"; "" when nothing usable is left. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
}

/** `base` made unique among `taken` with "-2", "-3"… */
export function uniqueId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const root = base || 'step';
  if (!used.has(root)) return root;
  for (let n = 2; ; n++) if (!used.has(`${root}-${n}`)) return `${root}-${n}`;
}

export const isValidId = (id: string) => Id.safeParse(id).success;

/** A new draft: the least an author must fill in is there, empty. */
export function newDraft(kind: AidKind, id: string, title: string): JsonObject {
  const base: JsonObject = { id, kind, title, match: { urls: [''] } };
  if (kind === 'tip') return { ...base, target: {}, text: '' };
  if (kind === 'checks') {
    return {
      ...base,
      checks: [{ id: 'check', field: {}, rule: { type: 'required' }, message: '' }],
    };
  }
  return { ...base, steps: [{ id: 'step', text: '' }] };
}

/** "steps[1].text" -> ["steps", 1, "text"]; also accepts "/steps/1/text". */
export function parsePath(path: string): (string | number)[] {
  const parts = path.startsWith('/')
    ? path.slice(1).split('/')
    : path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  return parts.filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** ["steps", 1, "text"] -> "steps[1].text" (the form `jsonPath` gives). */
export function pathKey(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${key}` : key;
  }
  return out;
}

/** The DOM id of the control (or group) that edits `path`. */
export const fieldId = (path: Path) =>
  `aid-${pathKey(path).replace(/[^a-zA-Z0-9_-]+/g, '-') || 'root'}`;

/** A signal's name in words ("CSS selector", "accessible name"), as Check on page says it. */
export const signalWord = (signal: string) => describeSignal(signal, {});

const FIELD_WORDS: Record<string, string> = {
  id: 'id',
  title: 'title',
  description: 'description',
  text: 'text',
  target: 'target',
  placement: 'placement',
  done: '“Done when”',
  optional: 'optional',
  pattern: 'pattern',
  type: 'rule',
  steps: 'steps',
  kind: 'kind',
  urls: 'pages',
  keywords: 'keywords',
  message: 'message',
  rule: 'rule',
  when: 'condition',
  block: 'stop the save',
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Where a path is, in words: ["steps", 1, "target", "css"] -> "Step 2 target: CSS selector". */
export function describePath(path: Path): string {
  if (!path.length) return 'The aid';
  const [head, ...rest] = path;
  if (head === 'match') {
    const [which, index] = rest;
    const name = which === 'exclude' ? 'Exclude pattern' : 'URL pattern';
    if (which === 'urls' || which === 'exclude') {
      return typeof index === 'number' ? `${name} ${index + 1}` : `${name}s`;
    }
    return which === 'when' ? 'Page conditions' : 'Where it applies';
  }
  if (head === 'audience') {
    return rest[0] === 'teams' ? 'Teams' : rest[0] === 'roles' ? 'Roles' : 'Who it is for';
  }
  if (head === 'steps' && typeof rest[0] === 'number') {
    return `Step ${rest[0] + 1}${describeWithin(rest.slice(1))}`;
  }
  if (head === 'checks' && typeof rest[0] === 'number') {
    return `Check ${rest[0] + 1}${describeWithin(rest.slice(1))}`;
  }
  if (head === 'keywords' && typeof rest[0] === 'number') return `Keyword ${rest[0] + 1}`;
  if (head === 'target') return `Target${describeWithin(rest, true)}`;
  return capital(FIELD_WORDS[String(head)] ?? String(head)) + describeWithin(rest);
}

/** The parts of a target's `frame`, as the target editor labels them. */
const FRAME_WORDS: Record<string, string> = {
  url: 'frame page address',
  css: 'frame element',
};

/** A target's key (and the key after it) in words: "CSS selector", "frame page address". */
function targetWord(key: string, next: unknown): string {
  if (key !== 'frame') return signalWord(key);
  return (typeof next === 'string' && FRAME_WORDS[next]) || 'frame';
}

function describeWithin(rest: Path, inTarget = false): string {
  if (!rest.length) return '';
  const words: string[] = [];
  let target = inTarget;
  for (const [i, key] of rest.entries()) {
    if (typeof key === 'number') continue;
    if (target) {
      words.push(targetWord(key, rest[i + 1]));
      break;
    }
    // A check's field (and its condition's) is a target like a step's.
    if (key === 'target' || key === 'field') target = true;
    words.push(FIELD_WORDS[key] ?? key);
  }
  if (inTarget) return words.length ? `: ${words.join(' ')}` : '';
  return ` ${words.join(' ')}`.replace(/ (target|field) (.+)$/, ' $1: $2');
}

/** zod's messages, as an author would say them. */
function friendly(message: string): string {
  if (/expected string to have >=1 characters/.test(message)) return 'must not be empty';
  if (/expected array to have >=1 items/.test(message)) return 'needs at least one';
  const max = /expected (?:string|array) to have <=(\d+)/.exec(message);
  if (max) return `is too long (at most ${max[1]})`;
  if (/received undefined/.test(message)) return 'is required';
  return message;
}

/**
 * A problem with the keywords, saying which keyword: the form edits them all in one field,
 * so "is too long" alone would not say which one to shorten.
 */
function keywordProblem(draft: unknown, path: string, message: string): string {
  const words = list(getAt(draft, ['keywords']));
  if (path === 'keywords') {
    return /expected array to have <=/.test(message)
      ? `at most ${LIMITS.keywordsPerAid} keywords: there are ${words.length}`
      : friendly(message);
  }
  const at = /^keywords\[(\d+)\]$/.exec(path);
  if (!at) return friendly(message);
  const i = Number(at[1]);
  const word = str(words[i]).trim();
  if (/expected string to have <=/.test(message)) {
    const shown = word.length > 30 ? `${word.slice(0, 30)}…` : word;
    return `keyword ${i + 1} (“${shown}”) is too long: ${word.length} characters, at most ${LIMITS.keyword}`;
  }
  if (/expected string to have >=1/.test(message)) return `keyword ${i + 1} is empty`;
  return `keyword ${i + 1}: ${friendly(message)}`;
}

/** Every problem that would stop the draft from being published. */
export function draftProblems(draft: unknown): Problem[] {
  const parsed = Aid.safeParse(draft);
  if (!parsed.success) {
    return problemsOf(parsed.error).map((p) => ({
      path: p.path,
      message: p.path.startsWith('keywords')
        ? keywordProblem(draft, p.path, p.message)
        : friendly(p.message),
    }));
  }
  const aid = parsed.data;
  const problems = aidContentProblems(aid, []);
  if (aid.kind === 'checklist') {
    const seen = new Set<string>();
    aid.steps.forEach((step, i) => {
      if (seen.has(step.id)) {
        problems.push({
          path: `steps[${i}].id`,
          message: `another step already has the id "${step.id}"`,
        });
      }
      seen.add(step.id);
    });
  }
  return problems;
}

/** A problem path from the background ("aids[0].steps[1].text" or "/aids/0/…") made local. */
export function localPath(path: string): string {
  return pathKey(parsePath(path.replace(/^\/?aids(?:\[0\]|\/0)\.?/, '')));
}

/** The field that owns `path`: the longest of `owned` that is `path` or contains it. */
export function ownerOf(path: string, owned: Iterable<string>): string {
  let best = '';
  for (const o of owned) {
    if (!o || o.length <= best.length) continue;
    if (path === o || (path.startsWith(o) && '.['.includes(path.charAt(o.length)))) best = o;
  }
  return best;
}

/** Problems by the field that owns them; those no field owns are under "". */
export function assignProblems(
  problems: Problem[],
  owned: Iterable<string>,
): Map<string, string[]> {
  const fields = [...owned];
  const out = new Map<string, string[]>();
  for (const p of problems) {
    const owner = ownerOf(p.path, fields);
    out.set(owner, [...(out.get(owner) ?? []), p.message]);
  }
  return out;
}

/** Comma-separated words -> list; an empty list is `undefined` (the field is left out). */
export function wordsOf(text: string): string[] | undefined {
  const words = text
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  return words.length ? words : undefined;
}

/** Lines -> list, each trimmed, blank lines dropped; none is `undefined` (left out). */
export function linesOf(text: string): string[] | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length ? lines : undefined;
}

/** "id=email\nname = email" -> { id: "email", name: "email" }; undefined when empty. */
export function attrsOf(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const at = line.indexOf('=');
    const key = (at < 0 ? line : line.slice(0, at)).trim();
    if (key) out[key] = at < 0 ? '' : line.slice(at + 1).trim();
  }
  return Object.keys(out).length ? out : undefined;
}

export const attrsText = (attrs: unknown): string =>
  isObject(attrs)
    ? Object.entries(attrs)
        .map(([k, v]) => `${k}=${str(v)}`)
        .join('\n')
    : '';

const pad = (n: number) => String(n).padStart(2, '0');

/** "10:42", local time. */
export const clock = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/** "22 Nov 10:42", local time; the year is added when it is not this year. */
export function shortDate(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const month = d.toLocaleString('en-GB', { month: 'short' });
  const year = d.getFullYear() === new Date(now).getFullYear() ? '' : ` ${d.getFullYear()}`;
  return `${d.getDate()} ${month}${year} ${clock(ms)}`;
}

/** The page of a recorded URL: its path, and the route of a hash-routed app (see redactUrl). */
function pathOfUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.hash;
  } catch {
    return url;
  }
}

/**
 * What staff pages reported about a target, in the words "Check on page" uses:
 * "On staff pages: Found by label “Email”; the CSS selector no longer matches. 3 times, last
 * 22 Nov 10:42 on /support/new."
 */
export function describeReport(report: TargetReport, target: Target, now = Date.now()): string {
  const how = describeResolution(target, {
    found: report.type === 'target_healed',
    foundBy: report.foundBy ?? null,
    failed: report.failedSignals,
    ambiguous: false,
  });
  const count = report.count === 1 ? 'Once' : `${report.count} times`;
  const when = `${count}, last ${shortDate(report.lastAt, now)} on ${pathOfUrl(report.lastUrl)}.`;
  return `On staff pages: ${how} ${when}`;
}

const SIGNALS = ['css', 'role', 'name', 'label', 'attrs', 'text', 'within'] as const;

/**
 * True when a step's completion rule watches an element of its own: the step has no
 * target, or the rule's target differs from it. Otherwise the rule follows the step's target.
 */
export function ownDoneTarget(step: unknown): boolean {
  const done = getAt(step, ['done']);
  if (!isObject(done) || !('target' in done)) return false;
  const stepTarget = getAt(step, ['target']);
  if (stepTarget === undefined) return true;
  return JSON.stringify(done.target) !== JSON.stringify(stepTarget);
}

/** The fields a field rule's form shows for its type, besides the type. */
const RULE_KEYS: Record<string, string[]> = {
  pattern: ['pattern'],
  notPattern: ['pattern'],
  length: ['min', 'max'],
  number: ['min', 'max', 'above', 'below'],
  date: ['min', 'max'],
  oneOf: ['values'],
};

/** Paths that have a field of their own in the form: problems are shown there. */
export function ownedPaths(draft: unknown): Set<string> {
  const owned = new Set<string>(['id', 'title', 'description', 'match.urls', 'match.exclude']);
  owned.add('audience.roles').add('audience.teams').add('keywords');
  const addTarget = (base: string) => {
    owned.add(base);
    for (const s of SIGNALS) owned.add(`${base}.${s}`);
    // The "In a frame" group and its two fields.
    owned.add(`${base}.frame`).add(`${base}.frame.url`).add(`${base}.frame.css`);
  };
  for (const i of list(getAt(draft, ['match', 'urls'])).keys()) owned.add(`match.urls[${i}]`);
  for (const i of list(getAt(draft, ['match', 'exclude'])).keys()) {
    owned.add(`match.exclude[${i}]`);
  }
  const addRule = (base: string, rule: unknown) => {
    owned.add(base);
    for (const k of RULE_KEYS[str(getAt(rule, ['type']))] ?? []) owned.add(`${base}.${k}`);
  };
  const kind = getAt(draft, ['kind']);
  if (kind === 'tip') {
    addTarget('target');
    owned.add('text').add('placement');
  } else if (kind === 'checks') {
    owned.add('checks');
    list(getAt(draft, ['checks'])).forEach((check, i) => {
      const base = `checks[${i}]`;
      for (const f of ['', '.id', '.message', '.block']) owned.add(base + f);
      addTarget(`${base}.field`);
      addRule(`${base}.rule`, getAt(check, ['rule']));
      if (isObject(getAt(check, ['when']))) {
        owned.add(`${base}.when`);
        addTarget(`${base}.when.field`);
        addRule(`${base}.when.rule`, getAt(check, ['when', 'rule']));
      }
    });
  } else {
    owned.add('steps');
    list(getAt(draft, ['steps'])).forEach((step, i) => {
      const base = `steps[${i}]`;
      for (const f of ['', '.id', '.text', '.optional', '.done', '.done.pattern']) {
        owned.add(base + f);
      }
      if (kind === 'walkthrough') owned.add(`${base}.urls`);
      addTarget(`${base}.target`);
      if (ownDoneTarget(step)) addTarget(`${base}.done.target`);
    });
  }
  return owned;
}
