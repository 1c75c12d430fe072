/**
 * The raw JSON view's checks: JSON syntax with line and column, then the published JSON
 * Schema of a pack (docs/pack.schema.json), so the editor speaks the same language as the
 * file authors and tools see.
 */
import type { ErrorObject } from 'ajv';
import type { Problem } from '../../aids/validate';
import {
  checklist,
  checks,
  type PackValidator,
  tip,
  walkthrough,
} from './pack-validator.generated';

/**
 * The pack schema's validators, compiled ahead of time (extension pages may not evaluate
 * code). For each kind the `Aid` union is narrowed to that kind's definition: Ajv would
 * otherwise report every field of the other kind as well.
 */
const VALIDATORS: Record<string, PackValidator> = { checklist, tip, checks, walkthrough };

/** Line and column (1-based) of character `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function syntaxProblem(text: string, error: Error): Problem {
  const message = error.message.replace(/\s*\(line \d+ column \d+\)$/, '');
  const at = /position (\d+)/.exec(message);
  if (at) {
    const { line, column } = lineColumn(text, Number(at[1]));
    const what = message.replace(/\s*in JSON at position \d+.*$/, '');
    return { path: '', message: `JSON syntax error at line ${line}, column ${column}: ${what}` };
  }
  return { path: '', message: `JSON syntax error: ${message}` };
}

const PREFIX = '/aids/0';

function messageOf(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') {
    return `unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  }
  if (e.keyword === 'required') {
    return `needs the field "${(e.params as { missingProperty: string }).missingProperty}"`;
  }
  if (e.keyword === 'const') {
    return `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
  }
  if (e.keyword === 'enum') {
    const values = (e.params as { allowedValues: unknown[] }).allowedValues;
    return `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (e.keyword === 'oneOf') return 'does not match any of the allowed forms';
  if (e.keyword === 'anyOf' && e.instancePath.endsWith('target')) {
    return 'a target needs at least one signal: css, role, name, label, attrs or text';
  }
  return e.message ?? 'is not valid';
}

/**
 * Ajv reports every branch of a `oneOf` (each completion rule). A branch whose `type` does
 * not match is noise: its errors are dropped, and so is the `oneOf` summary when the
 * matching branch's own errors remain.
 */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const wrong = errors
    .filter(
      (e) =>
        e.keyword === 'const' &&
        /\/oneOf\/\d+\/properties\/type\/const$/.test(e.schemaPath) &&
        e.instancePath.endsWith('/type'),
    )
    .map((e) => ({
      instance: e.instancePath.slice(0, -'/type'.length),
      schema: e.schemaPath.replace(/properties\/type\/const$/, ''),
    }));
  let kept = errors.filter(
    (e) =>
      !wrong.some(
        (w) =>
          (e.instancePath === w.instance || e.instancePath.startsWith(`${w.instance}/`)) &&
          e.schemaPath.startsWith(w.schema),
      ),
  );
  // The target's "one signal of these" is said once, by its anyOf, not once per signal.
  kept = kept.filter((e) => !/\/anyOf\/\d+\//.test(e.schemaPath));
  const surviving = (path: string) =>
    kept.some((e) => e.keyword !== 'oneOf' && e.instancePath.startsWith(path));
  kept = kept.filter((e) => e.keyword !== 'oneOf' || !surviving(e.instancePath));
  const seen = new Set<string>();
  return kept.filter((e) => {
    const key = `${e.instancePath} ${messageOf(e)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type RawResult = { ok: true; aid: unknown } | { ok: false; problems: Problem[] };

/**
 * Parses the text of one aid and validates it as the only aid of a pack. Problem paths are
 * relative to the aid: "steps/1/text".
 */
export function checkRawAid(text: string): RawResult {
  let aid: unknown;
  try {
    aid = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [syntaxProblem(text, e as Error)] };
  }
  const kind = (aid as { kind?: unknown } | null)?.kind;
  const check =
    typeof kind === 'string' && Object.hasOwn(VALIDATORS, kind) ? VALIDATORS[kind] : undefined;
  if (!check) {
    const path = aid !== null && typeof aid === 'object' && !Array.isArray(aid) ? 'kind' : '';
    const message = path
      ? `must be one of ${Object.keys(VALIDATORS)
          .map((k) => `"${k}"`)
          .join(', ')}`
      : 'must be a JSON object: { … }';
    return { ok: false, problems: [{ path, message }] };
  }
  const pack = { format: 1, id: 'draft', version: '1.0.0', title: 'Draft', aids: [aid] };
  if (check(pack)) return { ok: true, aid };
  const problems = relevant(check.errors ?? []).map((e) => {
    const path = e.instancePath.startsWith(PREFIX)
      ? e.instancePath.slice(PREFIX.length).replace(/^\//, '')
      : e.instancePath.replace(/^\//, '');
    return { path, message: messageOf(e) };
  });
  return { ok: false, problems };
}
