/**
 * What changed between two versions of an aid, as lines an author reads:
 * "Step 2 text: “Old” → “New”", "Step “Check ID” added", "URL pattern added: …".
 * Steps are matched by id, so inserting one does not read as every later step changing.
 */
import diff from 'microdiff';
import { describePath, isObject, type Json, list, type Path, str } from './editor-model';

const MAX = 80;

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const cut = value.length > MAX ? `${value.slice(0, MAX - 1)}…` : value;
    return `“${cut}”`;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}

type Change = ReturnType<typeof diff>[number];

function lineOf(change: Change, prefix: Path, label?: string): string {
  const where = label ?? describePath([...prefix, ...change.path]);
  if (change.type === 'CREATE') return `${where} set to ${show(change.value)}`;
  if (change.type === 'REMOVE') return `${where} removed (was ${show(change.oldValue)})`;
  return `${where}: ${show(change.oldValue)} → ${show(change.value)}`;
}

/**
 * Lines of changes inside one object. A change inside a string list (roles, attributes…)
 * is said once for the whole list.
 */
function objectLines(before: unknown, after: unknown, prefix: Path): string[] {
  const a = isObject(before) ? before : {};
  const b = isObject(after) ? after : {};
  const lines: string[] = [];
  const said = new Set<string>();
  for (const change of diff(a, b)) {
    const at = change.path.findIndex((k, i) => i > 0 && typeof k === 'number');
    const inList = at > 0 && change.path.slice(at).every((k) => typeof k === 'number');
    const listPath = inList ? change.path.slice(0, at) : null;
    if (listPath) {
      const key = listPath.join('.');
      if (said.has(key)) continue;
      said.add(key);
      const old = getList(a, listPath);
      const next = getList(b, listPath);
      lines.push(`${describePath([...prefix, ...listPath])}: ${show(old)} → ${show(next)}`);
      continue;
    }
    lines.push(lineOf(change, prefix));
  }
  return lines;
}

function getList(value: Json, path: ReadonlyArray<string | number>): string {
  let at: unknown = value;
  for (const key of path) at = (at as Record<string, unknown> | undefined)?.[key];
  return list(at).map(String).join(', ');
}

function patternLines(before: unknown, after: unknown, name: string): string[] {
  const a = list(before).map(String);
  const b = list(after).map(String);
  return [
    ...b.filter((p) => !a.includes(p)).map((p) => `${name} added: ${p}`),
    ...a.filter((p) => !b.includes(p)).map((p) => `${name} removed: ${p}`),
  ];
}

const stepName = (step: Json | undefined) =>
  show(str(isObject(step) ? step.text : '') || '(no text)');

function stepLines(before: unknown, after: unknown): string[] {
  const a = list(before).filter(isObject);
  const b = list(after).filter(isObject);
  const idOf = (s: Json) => (isObject(s) ? str(s.id) : '');
  const oldIds = a.map(idOf);
  const newIds = b.map(idOf);
  const lines: string[] = [];
  b.forEach((step, i) => {
    const j = oldIds.indexOf(idOf(step));
    if (j < 0) lines.push(`Step ${stepName(step)} added`);
    else lines.push(...objectLines(a[j], step, ['steps', i]));
  });
  for (const step of a)
    if (!newIds.includes(idOf(step))) lines.push(`Step ${stepName(step)} removed`);
  const kept = newIds.filter((id) => oldIds.includes(id));
  const keptBefore = oldIds.filter((id) => newIds.includes(id));
  if (kept.join('\n') !== keptBefore.join('\n')) lines.push('Steps reordered');
  return lines;
}

/** Readable lines for the changes from `before` to `after`; empty when they are the same. */
export function describeChanges(before: unknown, after: unknown): string[] {
  const a = isObject(before) ? before : {};
  const b = isObject(after) ? after : {};
  const lines: string[] = [];
  const rest = (o: Record<string, Json>) => {
    const { match, steps, ...others } = o;
    const { urls, exclude, ...matchRest } = isObject(match) ? match : {};
    return { others, urls, exclude, matchRest, steps };
  };
  const ra = rest(a);
  const rb = rest(b);
  lines.push(...objectLines(ra.others, rb.others, []));
  lines.push(...patternLines(ra.urls, rb.urls, 'URL pattern'));
  lines.push(...patternLines(ra.exclude, rb.exclude, 'Exclude pattern'));
  lines.push(...objectLines(ra.matchRest, rb.matchRest, ['match']));
  lines.push(...stepLines(ra.steps, rb.steps));
  return lines;
}
