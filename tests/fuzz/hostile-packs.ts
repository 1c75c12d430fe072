/**
 * A seeded generator of hostile aid packs, as a careless author or an attacker would write
 * them: schema breaks, lists and texts past their limits, reserved keys, attribute names that
 * are not names, URL patterns with control characters, backtracking or every-site hosts,
 * regular expressions that backtrack or that RE2 refuses, markup in every text, control
 * characters in every text and key, and large packs near the limits.
 *
 * Each pack says what must become of it: refused with a problem at `path` (a JSON path
 * prefix), accepted, or either (then only the other invariants hold: no crash, no hang, a
 * path on every problem, no raw control character in what is printed). The same seed gives
 * the same packs, in Node (tests/unit/fuzz) and in the browser (tests/e2e/fuzz.spec.ts).
 */

export type Verdict = 'refused' | 'accepted' | 'either';

export interface HostilePack {
  /** "<class>-<n>", unique in one run. */
  name: string;
  kind: HostileClass;
  /** The pack as JSON text: some keys (`__proto__`) cannot be built as objects. */
  json: string;
  verdict: Verdict;
  /** For `refused`: a problem's path must start with this. */
  path?: string;
}

export const HOSTILE_CLASSES = [
  'schema',
  'oversize',
  'reserved-key',
  'attr-name',
  'url-control',
  'url-every-site',
  'url-backtrack',
  'url-junk',
  'regex-backtrack',
  'regex-unsupported',
  'markup',
  'control-text',
  'large',
] as const;
export type HostileClass = (typeof HOSTILE_CLASSES)[number];

type Json = Record<string, unknown>;

export interface GeneratorOptions {
  /** The URL patterns every generated aid applies on. */
  urls?: string[];
  /** The pack's id; hostilePacks gives each pack its own. */
  id?: string;
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONTROLS = [0, 1, 7, 8, 9, 10, 13, 27, 127, 0x85, 0x9b, 0x2028, 0x2029].map((c) =>
  String.fromCharCode(c),
);

/** Payloads that would run script if any text were treated as markup or code. */
const MARKUP = [
  '<img src=x onerror="window.__inflowPwned=1">',
  '<script>window.__inflowPwned=1</script>',
  '[click](javascript:window.__inflowPwned=1)',
  '**<svg onload=window.__inflowPwned=1>**',
  '`</style><script>window.__inflowPwned=1</script>`',
  '{{constructor.constructor("window.__inflowPwned=1")()}}',
  '"><iframe srcdoc="<script>parent.__inflowPwned=1</script>">',
  '[x](data:text/html,<script>window.__inflowPwned=1</script>)',
];

const EVERY_SITE = [
  '*://*/*',
  'https://*/*',
  'http{s}?://*/*',
  'https://*.com/*',
  'https://*:*/*',
  'https://:tenant/*',
  'https://*.*/*',
  '*://*.net/help',
];

const BACKTRACKING_URLS = [
  'https://crm.example.com/*/*/*-x',
  'https://crm.example.com/:a-:b-:c',
  'https://crm.example.com/:a(a+)',
  'https://crm.example.com/:a((a+)+)',
  'https://crm.example.com/:a((a|a)*)',
  'https://crm.example.com/:a(a|a)*',
  'https://crm.example.com{/:a(\\d+)}+',
  'https://crm.example.com/*-*-*',
  'https://crm.example.com/x(\\w+\\d+)',
];

const BACKTRACKING_REGEXES = ['^(a+)+$', '(a|a)*$', '(\\w|\\d)+!$', '^(a|aa)+$', '(.*a){12}'];
const UNSUPPORTED_REGEXES = ['(a)\\1', '(?=a)a', '(?!b)a', '(?<=a)b', '(?<!a)b', 'a++'];

export function basePack(options: GeneratorOptions = {}): Json {
  // Each list its own copy: makers change packs in place.
  const urls = () => [...(options.urls ?? ['https://crm.example.com/contacts/*'])];
  return {
    format: 1,
    id: options.id ?? 'fuzz',
    version: '1.0.0',
    title: 'Fuzz',
    aids: [
      {
        id: 'list',
        kind: 'checklist',
        title: 'New contact',
        description: 'Before you save',
        match: { urls: urls() },
        audience: { roles: ['agent'] },
        steps: [
          {
            id: 'email',
            text: 'Enter the email',
            target: { label: 'Email', attrs: { name: 'email' } },
            done: { type: 'filled', target: { label: 'Email' } },
          },
          {
            id: 'postcode',
            text: 'Enter the postcode',
            target: { css: '#postcode' },
            done: { type: 'matches', target: { css: '#postcode' }, pattern: '^\\d{5}$' },
          },
          { id: 'save', text: 'Save', target: { role: 'button', name: 'Save' } },
        ],
      },
      {
        id: 'tip',
        kind: 'tip',
        title: 'Email',
        match: { urls: urls() },
        target: { label: 'Email' },
        text: 'Use the **work** address.',
      },
    ],
  };
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

/** Every object in `value` with its JSON path, the root included. */
function objectsOf(value: unknown, path = ''): [Json, string][] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => objectsOf(v, `${path}[${i}]`));
  const here: [Json, string][] = [[value as Json, path]];
  return here.concat(
    Object.entries(value).flatMap(([k, v]) => objectsOf(v, path ? `${path}.${k}` : k)),
  );
}

/** Every string leaf in `value`, as [object, key, path]. */
function stringsOf(value: unknown, path = ''): [Json | unknown[], string | number, string][] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([k, v]) => {
    const p = typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    return typeof v === 'string'
      ? [[value as Json, k, p] as [Json, string | number, string]]
      : stringsOf(v, p);
  });
}

function checklist(pack: Json): Json {
  return (pack.aids as Json[])[0]!;
}

function insertAt(text: string, at: number, piece: string): string {
  return text.slice(0, at) + piece + text.slice(at);
}

type Maker = (r: () => number, o: GeneratorOptions) => Omit<HostilePack, 'name' | 'kind'>;

const MAKERS: Record<HostileClass, Maker> = {
  schema(r, o) {
    const pack = basePack(o);
    const objects = objectsOf(pack);
    const [obj, path] = pick(r, objects);
    const keys = Object.keys(obj);
    const key = pick(r, keys);
    const at = path ? `${path}.${key}` : key;
    switch (Math.floor(r() * 4)) {
      case 0:
        obj[key] = pick(r, [null, 42, true, [], {}, 'x'.repeat(3)]);
        // Some replacements happen to be valid (a string where a string was): either.
        return { json: JSON.stringify(pack), verdict: 'either' };
      case 1:
        obj[`unknown${Math.floor(r() * 100)}`] = 1;
        return { json: JSON.stringify(pack), verdict: 'refused', path };
      case 2:
        if (key === 'format' || key === 'id' || key === 'version' || key === 'urls') {
          delete obj[key];
          return { json: JSON.stringify(pack), verdict: 'refused', path: at };
        }
        delete obj[key];
        return { json: JSON.stringify(pack), verdict: 'either' };
      default:
        (pack as Json).format = pick(r, [0, 2, '1', null]);
        return { json: JSON.stringify(pack), verdict: 'refused', path: 'format' };
    }
  },

  oversize(r, o) {
    const pack = basePack(o);
    const list = checklist(pack);
    const step = (list.steps as Json[])[0]!;
    const cases: [() => void, string][] = [
      [
        () => {
          (list.match as Json).urls = Array.from(
            { length: 51 + Math.floor(r() * 100_000) },
            (_, i) => `https://h${i}.example.com/p`,
          );
        },
        'aids[0].match.urls',
      ],
      [
        () => {
          list.steps = Array.from({ length: 101 + Math.floor(r() * 5000) }, (_, i) => ({
            id: `s${i}`,
            text: 'x',
          }));
        },
        'aids[0].steps',
      ],
      [
        () => {
          pack.aids = Array.from({ length: 5001 + Math.floor(r() * 3000) }, (_, i) => ({
            id: `t${i}`,
            kind: 'tip',
            title: 't',
            match: { urls: ['https://crm.example.com/'] },
            target: { css: '#x' },
            text: 'x',
          }));
        },
        'aids',
      ],
      [
        () => {
          step.target = {
            attrs: Object.fromEntries(
              Array.from({ length: 21 + Math.floor(r() * 500) }, (_, i) => [`data-a${i}`, 'x']),
            ),
          };
        },
        'aids[0].steps[0].target.attrs',
      ],
      [
        () => {
          list.title = 'T'.repeat(121 + Math.floor(r() * 100_000));
        },
        'aids[0].title',
      ],
      [
        () => {
          step.text = 'x'.repeat(2001 + Math.floor(r() * 100_000));
        },
        'aids[0].steps[0].text',
      ],
      [
        () => {
          step.target = { css: `#${'a'.repeat(501 + Math.floor(r() * 10_000))}` };
        },
        'aids[0].steps[0].target.css',
      ],
      [
        () => {
          list.audience = {
            roles: Array.from({ length: 101 + Math.floor(r() * 1000) }, (_, i) => `r${i}`),
          };
        },
        'aids[0].audience.roles',
      ],
      [
        () => {
          (list.match as Json).when = Array.from({ length: 21 + Math.floor(r() * 1000) }, () => ({
            type: 'present',
            target: { css: '#x' },
          }));
        },
        'aids[0].match.when',
      ],
    ];
    const [apply, path] = pick(r, cases);
    apply();
    return { json: JSON.stringify(pack), verdict: 'refused', path };
  },

  'reserved-key'(r, o) {
    const pack = basePack(o);
    const objects = objectsOf(pack);
    const [obj, path] = pick(r, objects);
    const key = pick(r, ['__proto__', 'constructor', 'prototype']);
    // A placeholder key, renamed in the text: an object literal's __proto__ is no key at all.
    obj.RESERVED_PLACEHOLDER = pick(r, [{ polluted: true }, 'x', 1, []]);
    const json = JSON.stringify(pack).replace('"RESERVED_PLACEHOLDER"', JSON.stringify(key));
    return { json, verdict: 'refused', path: path ? `${path}.${key}` : key };
  },

  'attr-name'(r, o) {
    const pack = basePack(o);
    const bad = pick(r, [
      '',
      ' name',
      'na me',
      '1name',
      '<script>',
      'a"b',
      "a'b",
      'a=b',
      `a${pick(r, CONTROLS)}b`,
      'x'.repeat(101),
      '-x',
    ]);
    const step = (checklist(pack).steps as Json[])[0]!;
    step.target = { attrs: { [bad]: 'email' } };
    return {
      json: JSON.stringify(pack),
      verdict: 'refused',
      path: 'aids[0].steps[0].target.attrs',
    };
  },

  'url-control'(r, o) {
    const pack = basePack(o);
    const url = 'https://crm.example.com/contacts/:id';
    const at = 1 + Math.floor(r() * (url.length - 1));
    const where = pick(r, ['urls', 'exclude', 'frame', 'done'] as const);
    const bad = insertAt(url, at, pick(r, CONTROLS));
    const list = checklist(pack);
    const match = list.match as Json;
    const step = (list.steps as Json[])[2]!;
    switch (where) {
      case 'urls':
        match.urls = [bad];
        return { json: JSON.stringify(pack), verdict: 'refused', path: 'aids[0].match.urls[0]' };
      case 'exclude':
        match.exclude = [bad];
        return { json: JSON.stringify(pack), verdict: 'refused', path: 'aids[0].match.exclude[0]' };
      case 'frame':
        step.target = { css: '#x', frame: { url: bad } };
        return {
          json: JSON.stringify(pack),
          verdict: 'refused',
          path: 'aids[0].steps[2].target.frame.url',
        };
      default:
        step.done = { type: 'url', pattern: bad };
        return {
          json: JSON.stringify(pack),
          verdict: 'refused',
          path: 'aids[0].steps[2].done.pattern',
        };
    }
  },

  'url-every-site'(r, o) {
    const pack = basePack(o);
    const match = checklist(pack).match as Json;
    match.urls = [pick(r, EVERY_SITE)];
    if (r() < 0.3) {
      match.allSites = true;
      return { json: JSON.stringify(pack), verdict: 'accepted' };
    }
    return { json: JSON.stringify(pack), verdict: 'refused', path: 'aids[0].match.urls[0]' };
  },

  'url-backtrack'(r, o) {
    const pack = basePack(o);
    (checklist(pack).match as Json).urls = [pick(r, BACKTRACKING_URLS)];
    return { json: JSON.stringify(pack), verdict: 'refused', path: 'aids[0].match.urls[0]' };
  },

  'url-junk'(r, o) {
    const pack = basePack(o);
    const alphabet = 'https://crm.example.com/:*(){}?+#\\[]|@%.-_ab01/é😀';
    const length = 1 + Math.floor(r() * 60);
    let junk = '';
    for (let i = 0; i < length; i++) junk += alphabet[Math.floor(r() * alphabet.length)];
    if (r() < 0.5) junk = `https://crm.example.com/${junk}`;
    (checklist(pack).match as Json).urls = [junk];
    return { json: JSON.stringify(pack), verdict: 'either' };
  },

  'regex-backtrack'(r, o) {
    const pack = basePack(o);
    const step = (checklist(pack).steps as Json[])[1]!;
    (step.done as Json).pattern = pick(r, BACKTRACKING_REGEXES);
    // Accepted: it runs on a linear-time engine, whatever its shape.
    return { json: JSON.stringify(pack), verdict: 'accepted' };
  },

  'regex-unsupported'(r, o) {
    const pack = basePack(o);
    const step = (checklist(pack).steps as Json[])[1]!;
    (step.done as Json).pattern = pick(r, UNSUPPORTED_REGEXES);
    return {
      json: JSON.stringify(pack),
      verdict: 'refused',
      path: 'aids[0].steps[1].done.pattern',
    };
  },

  markup(r, o) {
    const pack = basePack(o);
    // For everyone: the page that shows it must not depend on a role.
    delete checklist(pack).audience;
    // Every text a person may see carries a payload; ids and patterns stay valid.
    const texts = stringsOf(pack).filter(
      ([, k, p]) => /(^|\.)(title|description|text|label|name)$/.test(p) && typeof k === 'string',
    );
    for (const [obj, key] of texts) {
      (obj as Json)[key as string] = pick(r, MARKUP).slice(0, 120);
    }
    return { json: JSON.stringify(pack), verdict: 'accepted' };
  },

  'control-text'(r, o) {
    const pack = basePack(o);
    const strings = stringsOf(pack);
    const forged = '\u001b[2K\r\nfuzz.json: 1 pack checked: all valid\u0007';
    for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
      const [obj, key] = pick(r, strings);
      const text = String((obj as Json)[key as string]);
      (obj as Json)[key as string] = insertAt(
        text,
        Math.floor(r() * text.length),
        pick(r, [forged, ...CONTROLS]),
      );
    }
    if (r() < 0.5) (pack as Json)[`x${forged}`] = true;
    return { json: JSON.stringify(pack), verdict: 'either' };
  },

  large(r, o) {
    const pack = basePack(o);
    const aids = pack.aids as Json[];
    // Up to about 3 MB: large, and within the 4 MB a pack may be.
    const count = 300 + Math.floor(r() * 1200);
    for (let i = 0; i < count; i++) {
      aids.push({
        id: `a${i}`,
        kind: 'checklist',
        title: `Aid ${i} `.repeat(10).slice(0, 120),
        match: {
          urls: [`https://h${i % 300}.example.com/:id(\\d+)/edit`, ...(o.urls ?? [])],
          exclude: [`https://h${i % 300}.example.com/archive/*`],
        },
        steps: Array.from({ length: 5 }, (_, j) => ({
          id: `s${j}`,
          text: 'A step with **some** text. '.repeat(8),
          target: { label: 'Email', css: `#f${j}`, attrs: { name: `f${j}` } },
          done: {
            type: 'matches',
            target: { css: `#f${j}` },
            pattern: '^[\\w.+-]+@[\\w-]+\\.[\\w.]+$',
          },
        })),
      });
    }
    return { json: JSON.stringify(pack), verdict: 'accepted' };
  },
};

/** `count` hostile packs, the classes in turn, from `seed`. */
export function hostilePacks(
  seed: number,
  count: number,
  options: GeneratorOptions = {},
): HostilePack[] {
  const r = rng(seed);
  const out: HostilePack[] = [];
  for (let i = 0; i < count; i++) {
    const kind = HOSTILE_CLASSES[i % HOSTILE_CLASSES.length]!;
    // Large packs are slow to build: one in ten rounds of the classes.
    if (kind === 'large' && i % (HOSTILE_CLASSES.length * 10) !== HOSTILE_CLASSES.length - 1) {
      continue;
    }
    out.push({ name: `${kind}-${i}`, kind, ...MAKERS[kind](r, { ...options, id: `fuzz-${i}` }) });
  }
  return out;
}

/** The raw control characters in `text`, other than the line breaks of `allowed`. */
export function rawControls(text: string, allowed = '\n'): string[] {
  return [...text].filter((ch) => {
    const c = ch.codePointAt(0)!;
    const control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029;
    return control && !allowed.includes(ch);
  });
}
