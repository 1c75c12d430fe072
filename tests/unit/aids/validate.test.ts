import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  formatProblems,
  jsonPath,
  parsePack,
  parsePackText,
} from '../../../src/aids/validate';

const step = (id: string) => ({ id, text: `Step ${id}` });
const aid = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  kind: 'checklist',
  title: `Aid ${id}`,
  match: { urls: ['https://crm.test/*'] },
  steps: [step('a')],
  ...extra,
});
const pack = (aids: unknown[], extra: Record<string, unknown> = {}) => ({
  format: 1,
  id: 'crm',
  version: '1.0.0',
  title: 'CRM',
  aids,
  ...extra,
});

function problems(input: unknown) {
  const result = parsePack(input);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('jsonPath', () => {
  it('formats zod paths as JSON paths', () => {
    expect(jsonPath([])).toBe('');
    expect(jsonPath(['aids', 2, 'steps', 0, 'target'])).toBe('aids[2].steps[0].target');
    expect(jsonPath(['title'])).toBe('title');
    expect(jsonPath([0, 'id'])).toBe('[0].id');
  });
});

describe('parsePack', () => {
  it('accepts a valid pack', () => {
    const result = parsePack(pack([aid('one'), aid('two', { audience: { roles: ['sales'] } })]));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.aids.map((a) => a.id)).toEqual(['one', 'two']);
  });

  it('reports a duplicate aid id at the second one', () => {
    expect(problems(pack([aid('one'), aid('two'), aid('one')]))).toEqual([
      { path: 'aids[2].id', message: 'duplicate aid id "one" (first used at aids[0])' },
    ]);
  });

  it('reports a duplicate step id at its own path', () => {
    expect(problems(pack([aid('one', { steps: [step('a'), step('b'), step('a')] })]))).toEqual([
      { path: 'aids[0].steps[2].id', message: 'duplicate step id "a" (first used at steps[0])' },
    ]);
  });

  it('reports a bad URL pattern at its path', () => {
    const found = problems(
      pack([
        aid('one'),
        aid('two', { match: { urls: ['https://crm.test/*'], exclude: ['https://crm.test/('] } }),
      ]),
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe('aids[1].match.exclude[0]');
    expect(found[0]?.message).toContain('invalid URL pattern');
  });

  it('reports a frame address that is not a URL pattern, wherever the target is', () => {
    const framed = { label: 'Street', frame: { url: 'https://lookup.test/(' } };
    const steps = [
      { id: 'a', text: 'x', target: framed, done: { type: 'filled', target: framed } },
    ];
    const found = problems(pack([aid('one', { steps })]));
    expect(found.map((p) => p.path)).toEqual([
      'aids[0].steps[0].target.frame.url',
      'aids[0].steps[0].done.target.frame.url',
    ]);
    expect(found[0]?.message).toContain('invalid URL pattern');
  });

  it('refuses reserved keys anywhere and attribute names that are not names', () => {
    const text = (attrs: string) =>
      `{"format":1,"id":"p","version":"1.0.0","title":"P","aids":[{"id":"t","kind":"tip",` +
      `"title":"T","text":"x","match":{"urls":["https://crm.test/*"]},"target":{"attrs":${attrs}}}]}`;
    const proto = parsePackText(text('{"__proto__":"x","name":"email"}'));
    expect(proto).toEqual({
      ok: false,
      problems: [
        {
          path: 'aids[0].target.attrs.__proto__',
          message: '"__proto__" is a reserved name: not allowed as a key',
        },
      ],
    });
    const ctor = parsePackText(text('{"constructor":"x"}'));
    expect(ctor.ok ? [] : ctor.problems.map((p) => p.path)).toEqual([
      'aids[0].target.attrs.constructor',
    ]);
    const spaced = parsePackText(text('{"data id":"x"}'));
    expect(spaced.ok ? [] : spaced.problems).toEqual([
      {
        path: 'aids[0].target.attrs.data id',
        message:
          'must be an attribute name: a letter, "_" or ":", then letters, digits, ".", "-", "_" or ":"',
      },
    ]);
    expect(parsePackText(text('{"data-id":"x","aria-label":"Email","xml:lang":"en"}')).ok).toBe(
      true,
    );
  });

  it('reports a bad regular expression in a completion rule', () => {
    const steps = [
      { id: 'a', text: 'x', done: { type: 'matches', target: { css: '#e' }, pattern: '[' } },
    ];
    expect(problems(pack([aid('one', { steps })]))).toEqual([
      {
        path: 'aids[0].steps[0].done.pattern',
        message: expect.stringContaining('invalid regular expression'),
      },
    ]);
  });

  it('refuses what RE2 cannot run in linear time (lookaround, backreferences), saying so', () => {
    const matches = (pattern: string) => ({
      steps: [{ id: 'a', text: 'x', done: { type: 'matches', target: { css: '#e' }, pattern } }],
    });
    expect(problems(pack([aid('one', matches('(?=x)'))]))).toEqual([
      {
        path: 'aids[0].steps[0].done.pattern',
        message:
          'invalid regular expression (RE2 syntax: no backreferences or lookaround): ' +
          'invalid or unsupported Perl syntax: `(?=`',
      },
    ]);
    const [backref] = problems(pack([aid('one', matches('(a)\\1'))]));
    expect(backref?.path).toBe('aids[0].steps[0].done.pattern');
    expect(backref?.message).toContain('RE2 syntax');
    expect(backref?.message).toContain('\\1');
    // What JavaScript would run with catastrophic backtracking is fine for RE2.
    expect(parsePack(pack([aid('one', matches('^(a+)+$'))])).ok).toBe(true);
  });

  it('bounds a pattern to 500 characters', () => {
    const steps = [
      {
        id: 'a',
        text: 'x',
        done: { type: 'matches', target: { css: '#e' }, pattern: 'a'.repeat(501) },
      },
    ];
    const [found] = problems(pack([aid('one', { steps })]));
    expect(found?.path).toBe('aids[0].steps[0].done.pattern');
  });

  it('names unknown fields, wrong kinds and bad versions', () => {
    const found = problems(
      pack([aid('one', { colour: 'red' }), { ...aid('two'), kind: 'video' }], { version: '1.0' }),
    );
    const byPath = Object.fromEntries(found.map((p) => [p.path, p.message]));
    expect(byPath.version).toContain('must be a version');
    expect(byPath['aids[0].colour']).toBe('unknown field');
    expect(byPath['aids[1].kind']).toContain('(field "kind")');
  });

  it('requires a signal in a target', () => {
    const tip = {
      id: 't',
      kind: 'tip',
      title: 'T',
      match: { urls: ['https://x.test/*'] },
      target: {},
      text: 'x',
    };
    expect(problems(pack([tip]))).toEqual([
      { path: 'aids[0].target', message: expect.stringContaining('at least one signal') },
    ]);
  });

  it('parsePackText reports JSON syntax errors at the document', () => {
    const result = parsePackText('{"format": 1,');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems[0]).toMatchObject({
        path: '',
        message: expect.stringMatching(/^not valid JSON/),
      });
    expect(parsePackText(JSON.stringify(pack([aid('x')]))).ok).toBe(true);
  });
});

describe('formatProblems', () => {
  it('writes one line per problem', () => {
    const out = formatProblems([
      { path: 'aids[0].title', message: 'must not be empty' },
      { path: '', message: 'not valid JSON' },
    ]);
    expect(out).toBe('aids[0].title: must not be empty\n(document): not valid JSON');
    expect(formatProblems([{ path: 'id', message: 'bad' }], 'crm.json')).toBe('crm.json:id: bad');
  });
});

describe('compareVersions', () => {
  it('compares numerically, part by part', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('1.9.9', '2.0.0')).toBeLessThan(0);
    expect(compareVersions('2.0.0', '2.0.0')).toBe(0);
    expect(compareVersions('0.0.10', '0.0.9')).toBeGreaterThan(0);
    expect(compareVersions('10.0.0', '9.99.99')).toBeGreaterThan(0);
  });
});

describe('field checks', () => {
  const field = { label: 'Refund' };
  const checks = (list: unknown[]) => {
    const { steps: _none, ...base } = aid('refund-checks', { kind: 'checks', checks: list });
    return base;
  };
  const check = (id: string, rule: unknown, extra: Record<string, unknown> = {}) => ({
    id,
    field,
    rule,
    message: 'Fix it.',
    ...extra,
  });

  it('accepts every rule, a cross-field condition and a blocking check', () => {
    const result = parsePack(
      pack([
        checks([
          check('a', { type: 'required' }, { block: true }),
          check('b', { type: 'pattern', pattern: '^\\d{4}$' }),
          check('c', { type: 'length', max: 40 }),
          check('d', { type: 'number', min: 0, max: 500 }),
          check('e', { type: 'date', max: 'today-18y' }),
          check('f', { type: 'oneOf', values: ['GB', 'IE'] }),
          check(
            'g',
            { type: 'required' },
            { when: { field: { label: 'Refund' }, rule: { type: 'number', above: 500 } } },
          ),
        ]),
      ]),
    );
    expect(result.ok).toBe(true);
  });

  it('refuses a pattern with nested repetition, naming its JSON path', () => {
    const p = problems(
      pack([
        aid('other'),
        checks([
          check('ok', { type: 'required' }),
          check('name', { type: 'pattern', pattern: '^([a-zA-Z]+\\s?)*$' }),
        ]),
      ]),
    );
    expect(p).toEqual([
      {
        path: 'aids[1].checks[1].rule.pattern',
        message: expect.stringMatching(/^refused: nested repetition "\(\[a-zA-Z\]\+\\s\?\)\*"/),
      },
    ]);
  });

  it('names a condition’s broken pattern, rules no value passes and duplicate check ids', () => {
    const p = problems(
      pack([
        checks([
          check(
            'a',
            { type: 'required' },
            { when: { field, rule: { type: 'pattern', pattern: '(a' } } },
          ),
          check('b', { type: 'length', min: 9, max: 2 }),
          check('b', { type: 'required' }),
        ]),
      ]),
    );
    // Content problems are looked for once the schema holds; a duplicate id is the schema's.
    expect(p).toEqual([
      {
        path: 'aids[0].checks[2].id',
        message: 'duplicate check id "b" (first used at checks[1])',
      },
    ]);
    const q = problems(
      pack([
        checks([
          check(
            'a',
            { type: 'required' },
            { when: { field, rule: { type: 'pattern', pattern: '(a' } } },
          ),
          check('b', { type: 'length', min: 9, max: 2 }),
        ]),
      ]),
    );
    expect(q).toEqual([
      {
        path: 'aids[0].checks[0].when.rule.pattern',
        message: expect.stringMatching(/^invalid regular expression/),
      },
      { path: 'aids[0].checks[1].rule', message: 'min is more than max: no value can pass' },
    ]);
  });

  it('refuses an unknown rule type and a date bound it cannot read', () => {
    const p = problems(
      pack([
        checks([check('a', { type: 'email' }), check('b', { type: 'date', min: 'yesterday' })]),
      ]),
    );
    expect(p.map((x) => x.path)).toEqual([
      'aids[0].checks[0].rule.type',
      'aids[0].checks[1].rule.min',
    ]);
  });
});

describe('walkthroughs', () => {
  const wt = (steps: unknown[]) => {
    const { steps: _none, ...base } = aid('move', { kind: 'walkthrough' });
    return { ...base, steps };
  };

  it('accepts steps on their own pages, with and without targets and rules', () => {
    const result = parsePack(
      pack([
        wt([
          { id: 'open', text: 'Open it.', urls: ['https://crm.test/'] },
          {
            id: 'name',
            text: 'Name.',
            urls: ['https://crm.test/contacts/new'],
            target: { label: 'Name' },
            done: { type: 'filled', target: { label: 'Name' } },
            placement: 'right',
          },
        ]),
      ]),
    );
    expect(result.ok).toBe(true);
  });

  it('names a step’s broken page pattern, a target in a frame and a duplicate step id', () => {
    expect(
      problems(
        pack([
          wt([
            { id: 'open', text: 'Open it.', urls: ['https://crm.test/(unclosed'] },
            { id: 'name', text: 'Name.', target: { label: 'Name', frame: { css: 'iframe' } } },
          ]),
        ]),
      ).map((p) => p.path),
    ).toEqual(['aids[0].steps[0].urls[0]', 'aids[0].steps[1].target.frame']);
    expect(
      problems(
        pack([
          wt([
            { id: 'a', text: 'A.' },
            { id: 'a', text: 'Again.' },
          ]),
        ]),
      ),
    ).toEqual([
      { path: 'aids[0].steps[1].id', message: 'duplicate step id "a" (first used at steps[0])' },
    ]);
  });
});
