import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePack } from '../../../src/aids/validate';
import { parsePackInSlices } from '../../../src/aids/validate-sliced';
import { pack as bgPack, checklist, tip } from '../background/fixtures';

type Json = Record<string, unknown>;

// The builders of validate.test.ts.
const step = (id: string) => ({ id, text: `Step ${id}` });
const aid = (id: string, extra: Json = {}) => ({
  id,
  kind: 'checklist',
  title: `Aid ${id}`,
  match: { urls: ['https://crm.test/*'] },
  steps: [step('a')],
  ...extra,
});
const pack = (aids: unknown[], extra: Json = {}) => ({
  format: 1,
  id: 'crm',
  version: '1.0.0',
  title: 'CRM',
  aids,
  ...extra,
});
const tipText = (attrs: string) =>
  `{"format":1,"id":"p","version":"1.0.0","title":"P","aids":[{"id":"t","kind":"tip",` +
  `"title":"T","text":"x","match":{"urls":["https://crm.test/*"]},"target":{"attrs":${attrs}}}]}`;
const framed = { label: 'Street', frame: { url: 'https://lookup.test/(' } };
const urls = ['https://crm.localhost/*'];
/** `levels` objects one inside the other, around `{"__proto__": 1}`. */
const nest = (levels: number): unknown =>
  levels === 0 ? JSON.parse('{"__proto__":1}') : { k: nest(levels - 1) };

/** The bundled packs of the repository: real, valid packs. */
const bundled: [string, unknown][] = readdirSync(new URL('../../../aids/', import.meta.url))
  .filter((dir) => !dir.includes('.'))
  .map((dir) => {
    const file = new URL(`../../../aids/${dir}/pack.json`, import.meta.url);
    return [`bundled ${dir}`, JSON.parse(readFileSync(file, 'utf8'))];
  });

const cases: [string, unknown][] = [
  ...bundled,
  // validate.test.ts
  ['valid', pack([aid('one'), aid('two', { audience: { roles: ['sales'] } })])],
  ['duplicate aid id', pack([aid('one'), aid('two'), aid('one')])],
  ['duplicate step id', pack([aid('one', { steps: [step('a'), step('b'), step('a')] })])],
  [
    'bad URL pattern',
    pack([
      aid('one'),
      aid('two', { match: { urls: ['https://crm.test/*'], exclude: ['https://crm.test/('] } }),
    ]),
  ],
  [
    'bad frame URL',
    pack([
      aid('one', {
        steps: [{ id: 'a', text: 'x', target: framed, done: { type: 'filled', target: framed } }],
      }),
    ]),
  ],
  ['__proto__ attr', JSON.parse(tipText('{"__proto__":"x","name":"email"}'))],
  ['constructor attr', JSON.parse(tipText('{"constructor":"x"}'))],
  ['spaced attr', JSON.parse(tipText('{"data id":"x"}'))],
  ['good attrs', JSON.parse(tipText('{"data-id":"x","aria-label":"Email","xml:lang":"en"}'))],
  [
    'bad regular expression',
    pack([
      aid('one', {
        steps: [
          { id: 'a', text: 'x', done: { type: 'matches', target: { css: '#e' }, pattern: '[' } },
        ],
      }),
    ]),
  ],
  [
    'unknown field, wrong kind, bad version',
    pack([aid('one', { colour: 'red' }), { ...aid('two'), kind: 'video' }], { version: '1.0' }),
  ],
  [
    'target without a signal',
    pack([
      {
        id: 't',
        kind: 'tip',
        title: 'T',
        match: { urls: ['https://x.test/*'] },
        target: {},
        text: 'x',
      },
    ]),
  ],
  // tests/unit/background fixtures
  ['background pack', bgPack('crm', '1.2.0', [checklist('new', urls), tip('save', urls)])],
  [
    'background pack, duplicate across kinds',
    bgPack('crm', '1.2.0', [checklist('x', urls), tip('x', urls)]),
  ],
  // Where a pack-wide rule meets an aid's own problems: zod runs the pack's rules only when
  // the problems so far let it continue.
  [
    'duplicate ids and a title too long',
    pack([aid('one'), aid('one', { title: 'x'.repeat(121) })]),
  ],
  [
    'duplicate ids and an empty step text',
    pack([aid('one'), aid('one', { steps: [{ id: 'a', text: '' }] })]),
  ],
  ['duplicate ids and a bad id', pack([aid('one'), aid('one'), aid('Two')])],
  ['duplicate ids and an unknown field', pack([aid('one'), aid('one', { colour: 'red' })])],
  ['duplicate ids and a wrong type', pack([aid('one'), aid('one'), aid('two', { title: 3 })])],
  ['duplicate ids and a bad version', pack([aid('one'), aid('one')], { version: 'x' })],
  ['duplicate ids and an unknown pack field', pack([aid('one'), aid('one')], { extra: 1 })],
  [
    'duplicate steps in an aid with a long title',
    pack([aid('one', { title: 'x'.repeat(200), steps: [step('a'), step('a')] })]),
  ],
  // The envelope around the aids, in every order of keys.
  [
    'envelope problems before and after aids',
    { title: '', aids: [aid('one', { title: '' })], signature: { alg: 'RSA' }, zz: 1 },
  ],
  ['aids first', { aids: [aid('one'), 7, null, 'x'], format: 2, id: 'A' }],
  ['aids not an array', pack([], { aids: { 0: aid('one') } })],
  ['no aids', { format: 1, id: 'p', version: '1.0.0', title: 'P' }],
  ['empty aids', pack([])],
  ['primitives in aids', pack([1, 1, 'a', null, true, []])],
  [
    'a signature',
    pack([aid('one')], { signature: { alg: 'Ed25519', keyId: '0123456789abcdef', value: 'x' } }),
  ],
  [
    'a malformed signature',
    pack([aid('one')], { signature: { alg: 'Ed25519', keyId: 'k', value: '' } }),
  ],
  ['null', null],
  ['a number', 42],
  ['an array', [pack([aid('one')])]],
  ['a string', 'pack'],
  // Reserved keys: at the top, before and after the aids, and deep inside.
  ['top-level __proto__', JSON.parse('{"__proto__":{"a":1},"format":1,"aids":[]}')],
  [
    'reserved keys all around',
    JSON.parse(
      `{"constructor":1,"aids":[{"prototype":2},{"x":{"__proto__":3}}],"title":{"constructor":4}}`,
    ),
  ],
  // reservedKeyProblems looks no deeper than 12 steps: the leaf object is at 13, then 12.
  ['reserved key too deep to look at', pack([aid('one', { deep: nest(10) })])],
  ['reserved key just deep enough', pack([aid('one', { deep: nest(9) })])],
];

/** The same verdict, the same problems in the same order, the same value (key order too). */
async function expectSame(input: unknown, sliceMs?: number) {
  const whole = parsePack(input);
  const sliced = await parsePackInSlices(input, { sliceMs });
  expect(sliced).toEqual(whole);
  expect(JSON.stringify(sliced)).toBe(JSON.stringify(whole));
}

/** A small deterministic random number generator (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPLACEMENTS: unknown[] = [
  '',
  'x'.repeat(2001),
  'Not An Id',
  'https://crm.test/(',
  '[',
  0,
  -1,
  true,
  null,
  [],
  {},
  { css: '#x' },
  '__proto__',
];

/** `input` with one random change: a value replaced, a key dropped or added, an aid copied. */
function mutate(input: unknown, next: () => number): unknown {
  const copy = structuredClone(input) as Json;
  const holders: (Json | unknown[])[] = [];
  const walk = (v: unknown) => {
    if (typeof v !== 'object' || v === null) return;
    holders.push(v as Json);
    for (const child of Object.values(v)) walk(child);
  };
  walk(copy);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const holder = pick(holders);
  const keys = Object.keys(holder);
  const roll = next();
  if (roll < 0.5 && keys.length) {
    (holder as Json)[pick(keys)] = structuredClone(pick(REPLACEMENTS));
  } else if (roll < 0.65 && keys.length) {
    const key = pick(keys);
    if (Array.isArray(holder)) holder.splice(Number(key), 1);
    else delete holder[key];
  } else if (roll < 0.8) {
    if (Array.isArray(holder)) holder.push(structuredClone(pick(holder.length ? holder : [1])));
    else holder[pick(['extra', 'constructor', 'id', 'kind', 'text'])] = pick(REPLACEMENTS);
  } else if (Array.isArray(copy.aids) && copy.aids.length) {
    // A copy of an aid or of a step: duplicate ids.
    const a = pick(copy.aids) as Json;
    if (Array.isArray(a?.steps) && a.steps.length && next() < 0.5) {
      a.steps.push(structuredClone(pick(a.steps)));
    } else copy.aids.push(structuredClone(a));
  }
  return copy;
}

describe('parsePackInSlices', () => {
  it.each(cases)('gives what parsePack gives: %s', async (_name, input) => {
    await expectSame(input);
    // With a slice of 0 ms it yields after every item: the same again.
    await expectSame(input, 0);
  });

  it('gives what parsePack gives for 400 randomly broken packs', async () => {
    const next = random(20240611);
    const sources = cases.map(([, input]) => input).filter((input) => parsePack(input).ok);
    expect(sources.length).toBeGreaterThan(5);
    let invalid = 0;
    for (let i = 0; i < 400; i++) {
      let input = structuredClone(sources[i % sources.length]);
      const changes = 1 + Math.floor(next() * 3);
      for (let c = 0; c < changes; c++) input = mutate(input, next);
      if (!parsePack(input).ok) invalid++;
      await expectSame(input, i % 2 ? 0 : undefined);
    }
    // Most changes break the pack: the comparison is mostly about problems.
    expect(invalid).toBeGreaterThan(200);
  });

  it('yields to the event loop while it checks a 2 MB pack', async () => {
    const aids = [];
    let size = 0;
    for (let i = 0; size < 2 * 1024 * 1024 - 2_000; i++) {
      const a = aid(`aid-${i}`, {
        description: 'Some **text**, `code` and [a link](https://crm.test/help).',
        match: { urls: [`https://crm.test/a/${i % 400}/:id`, `https://crm.test/b/${i % 400}/*`] },
        steps: Array.from({ length: 5 }, (_, j) => ({
          id: `s${j}`,
          text: `Step ${j} of aid ${i}`,
          target: { css: `#f${j}`, label: 'Name', attrs: { name: `f${j}` } },
          done: { type: 'filled', target: { css: `#f${j}` } },
        })),
      });
      size += JSON.stringify(a).length + 1;
      if (size < 2 * 1024 * 1024 - 2_000) aids.push(a);
    }
    const big = pack(aids);
    const text = JSON.stringify(big);
    expect(text.length).toBeLessThanOrEqual(2 * 1024 * 1024);

    const parseStart = performance.now();
    const input: unknown = JSON.parse(text);
    const parseMs = performance.now() - parseStart;

    // Another task that wants to run meanwhile: the gaps between its turns are how long the
    // validation held the event loop.
    let ticks = 0;
    let longest = 0;
    let last = performance.now();
    let running = true;
    const tick = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      ticks++;
      if (running) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    let yields = 0;
    const start = performance.now();
    const result = await parsePackInSlices(input, { onYield: () => yields++ });
    const elapsed = performance.now() - start;
    running = false;

    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.aids).toHaveLength(aids.length);
    console.log(
      `2 MB pack (${text.length} bytes, ${aids.length} aids): JSON.parse ${parseMs.toFixed(1)} ms; ` +
        `parsePackInSlices ${elapsed.toFixed(0)} ms in all, ${yields} yields, ` +
        `the other task ran ${ticks} times, longest wait ${longest.toFixed(1)} ms`,
    );
    // No fixed time limit: the machine may be slow or busy. But the work was cut up in
    // proportion to its length (slices of 25 ms), and the other task got turns in between.
    expect(yields).toBeGreaterThanOrEqual(Math.floor(elapsed / 200));
    expect(yields).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThanOrEqual(yields / 2);
  }, 60_000);
});
