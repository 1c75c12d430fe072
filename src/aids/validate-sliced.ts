/**
 * `parsePack`, a slice at a time: the same verdict, value and problems, but the work on a
 * big pack is cut into stretches of at most `sliceMs` that give the event loop back in
 * between, so that a 2 MB pack from a pack server does not hold up the service worker.
 *
 * Nothing here restates a rule of the format. The work is parsePack's own, done in pieces:
 * the reserved-key walk goes an aid at a time; each aid is validated by the element schema
 * of `Pack.shape.aids`; then `Pack` itself (a clone whose array element replays each aid's
 * outcome, so every field, check and pack-wide rule of the pack is the schema's own) judges
 * the pack; and `aidContentProblems` checks each valid aid. A rule added to the schema or
 * to those functions applies here with no change; a step added to parsePack itself must be
 * added here too (tests/unit/aids/validate-sliced.test.ts compares the two). If `Pack` stops being an object with an
 * `aids` array, this falls back to parsePack in one go: slower, never different.
 */
import { z } from 'zod';
import type { $ZodRawIssue, ParsePayload } from 'zod/v4/core';
import { Pack } from './schema';
import {
  aidContentProblems,
  type Parsed,
  type Problem,
  parsePack,
  patternCountProblem,
  problemsOf,
  reservedKeyProblems,
} from './validate';

export interface SliceOptions {
  /** The longest stretch of work between two yields, in ms. Default 25. */
  sliceMs?: number;
  /** Called after each yield (tests count them). */
  onYield?: () => void;
}

const SLICE_MS = 25;

/** Gives the event loop back: other tasks and messages run before the next slice. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * A runner of work in slices: `each(items, work)` puts every item through `work`, yielding
 * whenever the slice's time is used up. Slices run on across calls of one runner.
 */
export function inSlices(options: SliceOptions = {}) {
  const budget = options.sliceMs ?? SLICE_MS;
  let start = performance.now();
  return async function each<T>(items: readonly T[], work: (item: T, i: number) => void) {
    for (let i = 0; i < items.length; i++) {
      work(items[i] as T, i);
      if (performance.now() - start >= budget) {
        await yieldToEventLoop();
        options.onYield?.();
        start = performance.now();
      }
    }
  };
}

/** `to` with the items of `from` added (a spread of a long list would overflow the stack). */
function append<T>(to: T[], from: readonly T[]): void {
  for (const item of from) to.push(item);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates unknown input (already parsed JSON) as an aid pack, like parsePack, in slices. */
export async function parsePackInSlices(
  input: unknown,
  options: SliceOptions = {},
): Promise<Parsed<Pack>> {
  const aidsSchema = Pack instanceof z.ZodObject ? Pack.shape.aids : undefined;
  // Without an aids array there is nothing big to cut up (the schema refuses it at once).
  if (!(aidsSchema instanceof z.ZodArray) || !isRecord(input) || !Array.isArray(input.aids)) {
    return parsePack(input);
  }
  const aids: readonly unknown[] = input.aids;
  const each = inSlices(options);

  // Reserved keys, in parsePack's order: the document's keys in turn, the aids one by one.
  const reserved: Problem[] = [];
  for (const key of Object.keys(input)) {
    if (key === 'aids') {
      await each(aids, (aid, i) => append(reserved, reservedKeyProblems(aid, ['aids', i])));
    } else {
      await each([key], () => append(reserved, reservedKeyProblems({ [key]: input[key] })));
    }
  }
  if (reserved.length) return { ok: false, problems: reserved };

  // Each aid against the pack's own element schema, with the raw outcome zod's array would get.
  const element = aidsSchema.element;
  const outcomes: ParsePayload[] = [];
  const ctx = { async: false } as const;
  let needsAsync = false;
  await each(aids, (aid, i) => {
    if (needsAsync) return;
    const outcome = element._zod.run({ value: aid, issues: [] }, ctx);
    if (outcome instanceof Promise) needsAsync = true;
    else outcomes[i] = outcome;
  });
  // A schema with async rules cannot be parsed synchronously: parsePack throws as zod does.
  if (needsAsync) return parsePack(input);

  // The pack, its fields and its pack-wide rules, with each aid's outcome replayed in order.
  let next = 0;
  let lost = false;
  const replay = z.any().check((payload) => {
    const outcome = outcomes[next];
    // Should the schema ever hand its element something else than the aids in order (a
    // preprocessing step, say), the outcomes do not fit: parsePack decides instead.
    if (lost || !outcome || payload.value !== aids[next]) {
      lost = true;
      return;
    }
    next++;
    payload.value = outcome.value;
    append(payload.issues, outcome.issues as $ZodRawIssue[]);
  });
  // The array keeps its own checks (a length limit, say); only its element changes.
  const replayed = aidsSchema.clone({
    ...aidsSchema.def,
    element: replay,
  } as unknown as typeof aidsSchema.def);
  const schema = Pack.clone({ ...Pack.def, shape: { ...Pack.shape, aids: replayed } });
  const result = schema.safeParse(input);
  if (lost || next !== aids.length) return parsePack(input);
  if (!result.success) return { ok: false, problems: problemsOf(result.error) };
  const pack = result.data as Pack;
  const tooMany = patternCountProblem(pack);
  if (tooMany) return { ok: false, problems: [tooMany] };

  const problems: Problem[] = [];
  await each(pack.aids, (aid, i) => {
    append(problems, aidContentProblems(aid, ['aids', i]));
  });
  return problems.length ? { ok: false, problems } : { ok: true, value: pack };
}
