/**
 * Generates docs/pack.schema.json, the JSON Schema (draft 2020-12) of the aid pack format,
 * from the zod schema in src/aids/schema.ts. The zod schema stays the single source of
 * truth; this file only lets editors and other tools check packs without running Inflow.
 *
 *   npm run schema              write docs/pack.schema.json
 *   npm run schema -- --check   exit 1 if the file on disk is not what would be written
 *
 * The output is deterministic: named parts of the format become $defs sorted by name,
 * keywords come in a fixed order, and property lists keep the order of the zod shapes.
 *
 * Not everything zod checks can be said in JSON Schema. Target's "at least one signal"
 * refinement is added back as an `anyOf`; the rest (duplicate aid and step ids, URL
 * patterns and regular expressions that do not compile) is only checked by Inflow itself.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import {
  Aid,
  Audience,
  ChecklistAid,
  ChecksAid,
  Completion,
  DateBound,
  DomCondition,
  FieldCheck,
  FieldCondition,
  FieldRule,
  Id,
  Match,
  Pack,
  RichText,
  Step,
  Target,
  TipAid,
  UrlPatternString,
  Version,
  WalkthroughAid,
  WalkthroughStep,
} from '../src/aids/schema';
import { schemaHash, VALIDATOR_FILE, validatorSource } from './gen-pack-validator';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_FILE = resolve(ROOT, 'docs/pack.schema.json');

export const SCHEMA_ID = 'urn:inflow:aid-pack:1';

/** The parts of the format that get a name under $defs, with what an editor shows for them. */
const NAMED: ReadonlyArray<[z.core.$ZodType, string, string]> = [
  [Id, 'Id', 'A lower-case id: a-z or 0-9, then up to 63 of a-z, 0-9, ".", "_" and "-".'],
  [Version, 'Version', 'MAJOR.MINOR.PATCH, compared numerically: "1.10.0" is above "1.9.3".'],
  [
    RichText,
    'RichText',
    'Plain text or the markdown subset: **bold**, *italic*, `code`, [link](https://…), "- " lists and blank-line paragraphs. Never HTML.',
  ],
  [
    UrlPatternString,
    'UrlPattern',
    'URLPattern syntax, e.g. "https://crm.example.com/contacts/:id" or "https://*.example.com/*".',
  ],
  [
    Target,
    'Target',
    'One element of the page, described by independent signals so that one broken signal does not lose it. Needs at least one of css, role, name, label, attrs or text.',
  ],
  [
    DomCondition,
    'DomCondition',
    'A condition on the page: an element is present, is absent, or contains some text.',
  ],
  [
    Match,
    'Match',
    'Where an aid applies: any of `urls` matches, none of `exclude` does, and every condition in `when` holds.',
  ],
  [Audience, 'Audience', 'Who sees the aid. An absent or empty list does not restrict.'],
  [Completion, 'Completion', 'When a step counts as done without the person ticking it.'],
  [Step, 'Step', 'One step of a checklist.'],
  [
    ChecklistAid,
    'ChecklistAid',
    'A checklist: steps that tick themselves when their rule holds, or by hand.',
  ],
  [TipAid, 'TipAid', 'A tip: a small beacon next to one element that opens a short text.'],
  [
    DateBound,
    'DateBound',
    'A day: "YYYY-MM-DD", or "today" with an optional offset such as "today-18y" or "today+30d" (d, w, m, y).',
  ],
  [
    FieldRule,
    'FieldRule',
    "What a field's value must be: required, pattern, length, number, date or oneOf. Every rule but required holds on an empty field.",
  ],
  [
    FieldCondition,
    'FieldCondition',
    'Another field and a rule on its value: the check applies only while it holds.',
  ],
  [
    FieldCheck,
    'FieldCheck',
    'One rule on one field, with the message shown next to the field while the rule fails.',
  ],
  [WalkthroughStep, 'WalkthroughStep', 'One step of a walkthrough: a popover next to its target.'],
  [
    WalkthroughAid,
    'WalkthroughAid',
    'A walkthrough: steps shown one at a time next to what they are about, across pages, resumed where the person was.',
  ],
  [
    ChecksAid,
    'ChecksAid',
    'Field checks: rules on the fields of a form, checked when a field is left and when the form is saved; blocking ones stop the save until corrected or saved anyway with a reason.',
  ],
  [Aid, 'Aid', 'One aid; `kind` says which.'],
];

/**
 * Metadata for the generator: the `.describe()` texts of the zod schema (kept in zod's global
 * registry), plus an id and a description for each named part.
 */
class DocRegistry extends z.core.$ZodRegistry<z.core.GlobalMeta> {
  private readonly named = new Map<z.core.$ZodType, z.core.GlobalMeta>(
    NAMED.map(([schema, id, description]) => [schema, { id, description }]),
  );

  override get<S extends z.core.$ZodType>(schema: S): z.core.GlobalMeta | undefined {
    const own = this.named.get(schema);
    const described = z.globalRegistry.get(schema);
    return own || described ? { ...described, ...own } : undefined;
  }
}

/** Target's signals: every field except `within`, which only narrows where to look. */
const SIGNALS = Object.keys(Target.shape).filter((key) => key !== 'within');

/** JSON Schema keywords in the order they are written; others follow, sorted. */
const KEYWORD_ORDER = [
  '$schema',
  '$id',
  '$ref',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'items',
  'properties',
  'propertyNames',
  'additionalProperties',
  'required',
  'anyOf',
  'oneOf',
  'allOf',
  '$defs',
];

/** Keywords whose value maps names to subschemas in an order that matters to readers. */
const ORDERED_MAPS = new Set(['properties']);
/** Keywords whose value maps names to subschemas in no particular order. */
const SORTED_MAPS = new Set(['$defs']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'propertyNames', 'not']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keywordRank(key: string): number {
  const i = KEYWORD_ORDER.indexOf(key);
  return i === -1 ? KEYWORD_ORDER.length : i;
}

/** Rewrites a schema with its keywords in a fixed order, recursively. */
function canonical(schema: Json): Json {
  if (!isObject(schema)) return schema;
  const keys = Object.keys(schema).sort(
    (a, b) => keywordRank(a) - keywordRank(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const out: JsonObject = {};
  for (const key of keys) {
    const value = schema[key] as Json;
    if ((ORDERED_MAPS.has(key) || SORTED_MAPS.has(key)) && isObject(value)) {
      const names = Object.keys(value);
      if (SORTED_MAPS.has(key)) names.sort();
      const map: JsonObject = {};
      for (const name of names) map[name] = canonical(value[name] as Json);
      out[key] = map;
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map(canonical);
    } else if (SCHEMA_VALUES.has(key)) {
      out[key] = canonical(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The JSON Schema of the aid pack format, as a plain object. */
export function packJsonSchema(): JsonObject {
  const generated = z.toJSONSchema(Pack, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
    metadata: new DocRegistry(),
    override: ({ zodSchema, jsonSchema }) => {
      // The refinement on Target has no JSON Schema form of its own; this is its equivalent.
      if (zodSchema === Target) {
        jsonSchema.anyOf = SIGNALS.map((signal) => ({ required: [signal] }));
      }
    },
  });
  const { $schema, ...rest } = JSON.parse(JSON.stringify(generated)) as JsonObject;
  return canonical({
    $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: 'Inflow aid pack (format 1)',
    description:
      'A pack of job aids (checklists and tips) for Inflow. Generated from src/aids/schema.ts by `npm run schema`: do not edit by hand. Inflow checks a few more rules than this schema can express: aid ids are unique in a pack, step ids are unique in a checklist, URL patterns and regular expressions compile. See docs/authoring.md.',
    ...rest,
  }) as JsonObject;
}

/** The text of docs/pack.schema.json: 2-space JSON with a trailing newline. */
export function packJsonSchemaText(): string {
  return `${JSON.stringify(packJsonSchema(), null, 2)}\n`;
}

function firstDifference(a: string, b: string): number {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) return i + 1;
  return 0;
}

function main(args: string[]): number {
  const file = relative(process.cwd(), SCHEMA_FILE) || SCHEMA_FILE;
  const text = packJsonSchemaText();
  if (args.includes('--check')) {
    let onDisk: string;
    try {
      onDisk = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      console.error(`${file} is missing. Run \`npm run schema\` to generate it.`);
      return 1;
    }
    if (onDisk !== text) {
      console.error(
        `${file} is out of date with src/aids/schema.ts (first difference at line ${firstDifference(onDisk, text)}). Run \`npm run schema\` and commit the result.`,
      );
      return 1;
    }
    console.log(`${file} is up to date.`);
    return checkValidator(text);
  }
  writeFileSync(SCHEMA_FILE, text);
  console.log(`wrote ${file}`);
  // The options page's JSON view validates with Ajv code compiled from this schema.
  writeFileSync(VALIDATOR_FILE, validatorSource(text));
  console.log(`wrote ${relative(process.cwd(), VALIDATOR_FILE)}`);
  return 0;
}

function checkValidator(schemaText: string): number {
  const file = relative(process.cwd(), VALIDATOR_FILE);
  let onDisk = '';
  try {
    onDisk = readFileSync(VALIDATOR_FILE, 'utf8');
  } catch {}
  if (!onDisk.includes(`schema sha256: ${schemaHash(schemaText)}`)) {
    console.error(`${file} was made from another schema. Run \`npm run schema\` and commit it.`);
    return 1;
  }
  console.log(`${file} is up to date.`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
