/**
 * docs/pack.schema.json: it is what `npm run schema` generates from the zod schema, the
 * bundled packs pass it, and a second, independent validator (Ajv) agrees with zod about
 * what is broken. Where the two are known to differ, the difference is pinned here and
 * documented in docs/authoring.md.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { beforeAll, describe, expect, it } from 'vitest';
import { packJsonSchemaText, SCHEMA_FILE } from '../../../scripts/gen-schema';
import { Pack } from '../../../src/aids/schema';
import { formatProblems, parsePack } from '../../../src/aids/validate';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const AIDS = resolve(ROOT, 'aids');

type Validate = ReturnType<Ajv2020['compile']>;
let validate: Validate;

beforeAll(() => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  // Ajv's default strict mode, with its warnings made fatal. (strictRequired stays off: the
  // `anyOf` that says "a target needs a signal" names properties declared one level up.)
  const fail = (...args: unknown[]) => {
    throw new Error(args.join(' '));
  };
  const ajv = new Ajv2020({ allErrors: true, logger: { log: () => {}, warn: fail, error: fail } });
  validate = ajv.compile(schema);
});

function ajvErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('\n');
}

const bundled = existsSync(AIDS)
  ? readdirSync(AIDS, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(resolve(AIDS, d.name, 'pack.json')))
      .map((d) => `aids/${d.name}/pack.json`)
      .sort()
  : [];

describe('docs/pack.schema.json', () => {
  it('is what `npm run schema` generates from src/aids/schema.ts', () => {
    const onDisk = readFileSync(SCHEMA_FILE, 'utf8');
    expect(onDisk, 'docs/pack.schema.json is stale: run `npm run schema`').toBe(
      packJsonSchemaText(),
    );
  });

  it('is generated the same way every time', () => {
    expect(packJsonSchemaText()).toBe(packJsonSchemaText());
  });
});

describe('bundled packs', () => {
  it('exist', () => {
    expect(bundled.length).toBeGreaterThan(0);
  });

  it.each(bundled)('%s passes the JSON Schema (Ajv)', (file) => {
    const pack = JSON.parse(readFileSync(resolve(ROOT, file), 'utf8'));
    const ok = validate(pack);
    expect(ok, `${file}\n${ajvErrors(validate.errors)}`).toBe(true);
  });

  it.each(bundled)('%s passes Inflow’s own validation', (file) => {
    const result = parsePack(JSON.parse(readFileSync(resolve(ROOT, file), 'utf8')));
    expect(result.ok, result.ok ? '' : formatProblems(result.problems, file)).toBe(true);
  });

  it.each(bundled)('%s points "$schema" at docs/pack.schema.json', (file) => {
    const { $schema } = JSON.parse(readFileSync(resolve(ROOT, file), 'utf8'));
    if ($schema === undefined) return;
    expect(resolve(ROOT, dirname(file), $schema)).toBe(SCHEMA_FILE);
  });
});

/** A small valid pack; each case below breaks one thing in a fresh copy. */
function validPack() {
  const email = { css: '#email', label: 'Email', attrs: { name: 'email' } };
  return {
    $schema: '../../docs/pack.schema.json',
    format: 1,
    id: 'crm',
    version: '1.2.0',
    title: 'CRM',
    aids: [
      {
        id: 'new-contact',
        kind: 'checklist',
        title: 'New contact',
        match: {
          urls: ['https://crm.example.com/contacts/new'],
          exclude: ['https://crm.example.com/contacts/new?import=*'],
          when: [{ type: 'present', target: email }],
        },
        audience: { teams: ['care'], locales: ['en'] },
        steps: [
          { id: 'email', text: 'Enter the **email**.', done: { type: 'filled', target: email } },
          {
            id: 'save',
            text: 'Save.',
            target: { role: 'button', name: 'Save' },
            done: { type: 'url', pattern: 'https://crm.example.com/contacts/:id(\\d+)' },
            optional: true,
          },
        ],
      },
      {
        id: 'email-tip',
        kind: 'tip',
        title: 'Email',
        match: { urls: ['https://crm.example.com/contacts/*'] },
        target: email,
        text: 'Read it back.',
        placement: 'left',
      },
    ],
  };
}

type PackJson = ReturnType<typeof validPack>;
// Cases write through loose types on purpose: they build invalid packs.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Loose = any;

function broken(change: (pack: Loose) => void): unknown {
  const pack: PackJson = structuredClone(validPack());
  change(pack);
  return pack;
}

describe('the JSON Schema and zod agree', () => {
  it('both accept the valid pack', () => {
    const pack = validPack();
    expect(validate(pack), ajvErrors(validate.errors)).toBe(true);
    expect(Pack.safeParse(pack).success).toBe(true);
    expect(parsePack(pack).ok).toBe(true);
  });

  const cases: [string, (pack: Loose) => void][] = [
    ['format is missing', (p) => delete p.format],
    ['format is 2', (p) => (p.format = 2)],
    ['an unknown top-level field', (p) => (p.author = 'me')],
    ['an id with capitals and spaces', (p) => (p.id = 'My Pack')],
    ['a two-part version', (p) => (p.version = '1.0')],
    ['an empty title', (p) => (p.title = '')],
    ['aids is not an array', (p) => (p.aids = {})],
    ['an unknown aid kind', (p) => (p.aids[0].kind = 'walkthrough')],
    ['a checklist without steps', (p) => (p.aids[0].steps = [])],
    ['a step with empty text', (p) => (p.aids[0].steps[0].text = '')],
    ['a step text over 2000 characters', (p) => (p.aids[0].steps[0].text = 'x'.repeat(2001))],
    ['match without urls', (p) => (p.aids[0].match.urls = [])],
    ['an unknown completion type', (p) => (p.aids[0].steps[0].done.type = 'typed')],
    ['a url completion without a pattern', (p) => delete p.aids[0].steps[1].done.pattern],
    ['a matches completion without a pattern', (p) => (p.aids[0].steps[0].done.type = 'matches')],
    ['a target with no signal', (p) => (p.aids[1].target = {})],
    ['a target with only `within`', (p) => (p.aids[1].target = { within: '#form' })],
    ['an unknown target field', (p) => (p.aids[1].target.xpath = '//input')],
    ['an attrs value that is not a string', (p) => (p.aids[1].target.attrs = { maxlength: 5 })],
    ['a tip without text', (p) => delete p.aids[1].text],
    ['an unknown placement', (p) => (p.aids[1].placement = 'center')],
    ['an unknown DOM condition', (p) => (p.aids[0].match.when[0].type = 'visible')],
    ['a text condition without `contains`', (p) => (p.aids[0].match.when[0].type = 'text')],
    ['an audience with an unknown field', (p) => (p.aids[0].audience.groups = ['a'])],
  ];

  it.each(cases)('both reject %s', (_name, change) => {
    const pack = broken(change);
    expect(validate(pack), 'Ajv accepted it').toBe(false);
    expect(Pack.safeParse(pack).success, 'zod accepted it').toBe(false);
  });

  it.each(['css', 'role', 'name', 'label', 'attrs', 'text'])(
    'both accept a target whose only signal is %s',
    (signal) => {
      const value = signal === 'attrs' ? { name: 'email' } : 'x';
      const pack = broken((p) => (p.aids[1].target = { [signal]: value, within: 'form' }));
      expect(validate(pack), ajvErrors(validate.errors)).toBe(true);
      expect(Pack.safeParse(pack).success).toBe(true);
    },
  );
});

describe('what only Inflow checks (documented in docs/authoring.md)', () => {
  const cases: [string, (pack: Loose) => void, string][] = [
    [
      'a duplicate aid id',
      (p) => (p.aids[1].id = 'new-contact'),
      'aids[1].id: duplicate aid id "new-contact" (first used at aids[0])',
    ],
    [
      'a duplicate step id',
      (p) => (p.aids[0].steps[1].id = 'email'),
      'aids[0].steps[1].id: duplicate step id "email" (first used at steps[0])',
    ],
    [
      'a regular expression that does not compile',
      (p) => (p.aids[0].steps[0].done = { type: 'matches', target: { css: '#a' }, pattern: '(' }),
      'aids[0].steps[0].done.pattern: invalid regular expression',
    ],
    [
      'a URL pattern that does not compile',
      (p) => (p.aids[1].match.urls = ['crm.example.com/*']),
      'aids[1].match.urls[0]: invalid URL pattern "crm.example.com/*"',
    ],
  ];

  it.each(cases)('the JSON Schema lets %s through; Inflow refuses it', (_name, change, problem) => {
    const pack = broken(change);
    expect(validate(pack), ajvErrors(validate.errors)).toBe(true);
    const result = parsePack(pack);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(formatProblems(result.problems)).toContain(problem);
  });
});
