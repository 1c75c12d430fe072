/**
 * The aid pack format, version 1. This zod schema is the single source of truth: the
 * background validates packs with it, the options page validates edits with it, and
 * docs/pack.schema.json is generated from it (`npm run schema`).
 *
 * Aid content is data, never code: text is plain text or a small markdown subset
 * (see ./markdown.ts) and is never evaluated.
 */
import { z } from 'zod';

/**
 * Upper bounds on everything a pack holds, so that no pack, careless or hostile, can make
 * validation, install or a page slow: any pack within them validates in well under a second.
 * docs/authoring.md lists them ("Limits"); keep the two in step.
 */
export const LIMITS = {
  /** Bytes of JSON text of one pack, as downloaded, imported or read by the CLI. */
  packBytes: 4 * 1024 * 1024,
  aidsPerPack: 5_000,
  /** Distinct URL patterns in one pack, all fields counted: each is compiled when checked. */
  urlPatternsPerPack: 1_000,
  urlPatternsPerAid: 50,
  stepsPerChecklist: 100,
  checksPerAid: 100,
  /** Values of one `oneOf` field rule. */
  oneOfValues: 200,
  conditionsPerAid: 20,
  attrsPerTarget: 20,
  audienceEntries: 100,
  /** Search words of one aid, for the help panel. */
  keywordsPerAid: 20,
  /** Characters. */
  richText: 2_000,
  title: 120,
  urlPattern: 500,
  /** A `matches` regular expression. */
  regex: 500,
  selector: 500,
  signalText: 200,
  role: 40,
  audienceName: 100,
  attrValue: 500,
  keyword: 60,
} as const;

/** Lower-case slug used for pack, aid and step ids. */
export const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a lower-case id: a-z, 0-9, ".", "_" or "-"');

/** MAJOR.MINOR.PATCH; packs compare versions numerically. */
export const Version = z
  .string()
  .regex(/^\d{1,6}\.\d{1,6}\.\d{1,6}$/, 'must be a version like "1.4.0"');

/** Plain text, or the markdown subset: **bold**, *italic*, `code`, [link](https://…), "- " lists. */
export const RichText = z.string().min(1, 'must not be empty').max(LIMITS.richText);

/** Names a pack may not use as keys: they would reach an object's prototype in code. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

/** An attribute name as `getAttribute` takes it: a letter, "_" or ":", then name characters. */
const ATTR_NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]{0,99}$/;

/**
 * Which iframe holds an element: `url` is a URL pattern the frame's own page matches (works
 * for cross-origin frames), `css` a selector of the <iframe> element in the page that holds
 * it (works for same-origin, about:blank and srcdoc frames). Given both, both must hold.
 * Only the innermost frame is named: a frame inside a frame is addressed by its own URL.
 */
export const FrameRef = z
  .object({
    url: z
      .string()
      .min(1)
      .max(LIMITS.urlPattern)
      .optional()
      .describe('URL pattern of the page inside the frame, e.g. "https://lookup.example.com/*".'),
    css: z
      .string()
      .min(1)
      .max(LIMITS.selector)
      .optional()
      .describe('CSS selector of the <iframe> element, e.g. "iframe[title=\'Address lookup\']".'),
  })
  .strict()
  .refine((f) => Boolean(f.url || f.css), 'a frame needs a url pattern, a css selector or both');

/**
 * Describes one element by several independent signals, so that one broken signal (a
 * renamed class, a moved node) does not lose the element. At least one signal is required.
 */
export const Target = z
  .object({
    css: z.string().min(1).max(LIMITS.selector).optional().describe('A CSS selector.'),
    role: z
      .string()
      .min(1)
      .max(LIMITS.role)
      .optional()
      .describe('ARIA role, explicit or implicit (textbox, button…).'),
    name: z
      .string()
      .min(1)
      .max(LIMITS.signalText)
      .optional()
      .describe('Accessible name, compared case-insensitively.'),
    label: z
      .string()
      .min(1)
      .max(LIMITS.signalText)
      .optional()
      .describe('Text of the <label> of a form field.'),
    attrs: z
      .record(z.string(), z.string().max(LIMITS.attrValue))
      .superRefine((attrs, ctx) => {
        const names = Object.keys(attrs);
        if (names.length > LIMITS.attrsPerTarget) {
          ctx.addIssue({
            code: 'custom',
            path: [],
            message: `too many attributes: ${names.length}, at most ${LIMITS.attrsPerTarget}`,
          });
          return;
        }
        for (const name of names) {
          if (RESERVED_KEYS.has(name)) {
            ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is a reserved name` });
          } else if (!ATTR_NAME.test(name)) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message:
                'must be an attribute name: a letter, "_" or ":", then letters, digits, ".", "-", "_" or ":"',
            });
          }
        }
      })
      .optional()
      .describe('Stable attributes: id, name, data-*, aria-*, placeholder, type.'),
    text: z
      .string()
      .min(1)
      .max(LIMITS.signalText)
      .optional()
      .describe('Visible text of the element.'),
    within: z
      .string()
      .min(1)
      .max(LIMITS.selector)
      .optional()
      .describe(
        'CSS selector of an ancestor to search inside; for a shadow host, inside its shadow root. Rarely needed: every signal already searches inside shadow roots.',
      ),
    frame: FrameRef.optional().describe(
      'The iframe the element is in. Without it, the element is in the page itself (shadow roots included).',
    ),
  })
  .strict()
  .refine(
    (t) => Boolean(t.css || t.role || t.label || t.attrs || t.text || t.name),
    'a target needs at least one signal: css, role, name, label, attrs or text',
  );

/** A condition on the page's DOM; used in `match.when` and in completion rules. */
export const DomCondition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('present'), target: Target }).strict(),
  z.object({ type: z.literal('absent'), target: Target }).strict(),
  z
    .object({
      type: z.literal('text'),
      target: Target,
      contains: z.string().min(1).max(LIMITS.signalText),
    })
    .strict(),
]);

/** URLPattern syntax, e.g. "https://crm.example.com/contacts/:id" or "*://*.example.com/*". */
export const UrlPatternString = z.string().min(1).max(LIMITS.urlPattern);

/** Where an aid applies: any of `urls` matches, none of `exclude`, and all of `when` hold. */
export const Match = z
  .object({
    urls: z
      .array(UrlPatternString)
      .min(1, 'needs at least one URL pattern')
      .max(LIMITS.urlPatternsPerAid),
    exclude: z.array(UrlPatternString).max(LIMITS.urlPatternsPerAid).optional(),
    when: z.array(DomCondition).max(LIMITS.conditionsPerAid).optional(),
    allSites: z
      .literal(true)
      .optional()
      .describe(
        'Accept URL patterns that match every site (a host of "*", "*.com", ":tenant.example.com"…): Inflow then loads on every page the browser opens.',
      ),
  })
  .strict();

const AudienceName = z.string().min(1).max(LIMITS.audienceName);

/** Who an aid is for. Empty or absent lists mean everyone. */
export const Audience = z
  .object({
    roles: z.array(AudienceName).max(LIMITS.audienceEntries).optional(),
    teams: z.array(AudienceName).max(LIMITS.audienceEntries).optional(),
    locales: z.array(z.string().min(2).max(35)).max(LIMITS.audienceEntries).optional(),
  })
  .strict();

/** Where a floating element sits next to its target. */
const Placement = z.enum(['top', 'right', 'bottom', 'left']);

/**
 * A date in a `date` field rule: "YYYY-MM-DD", or "today" with an optional offset in days,
 * weeks, months or years ("today-18y", "today+30d"). See ./field-rules.ts.
 */
export const DateBound = z
  .string()
  .regex(
    /^(\d{4}-\d{2}-\d{2}|today([+-]\d{1,4}[dwmy])?)$/,
    'must be a date like "2024-01-31", "today", or "today" with an offset like "today-18y"',
  );

const finite = z.number().finite();

/** A field rule's regular expression (RE2): no nested repetition such as (a+)+. */
const FieldPattern = z.string().min(1).max(LIMITS.regex);

/**
 * What a field's value must be. Every rule but `required` holds on an empty field: an empty
 * field is `required`'s business. Values are read as a person sees them (./values.ts).
 */
export const FieldRule = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('required') })
    .strict()
    .describe('Not empty (a checkbox: ticked).'),
  z
    .object({
      type: z.literal('pattern'),
      pattern: FieldPattern.describe(
        'RE2 regular expression the value must match; anchor with ^ and $ for the whole value. No nested repetition such as (a+)+.',
      ),
    })
    .strict(),
  z
    .object({
      type: z.literal('notPattern'),
      pattern: FieldPattern.describe(
        'RE2 regular expression the value must not contain, e.g. a card number in a free-text note. No nested repetition.',
      ),
    })
    .strict(),
  z
    .object({
      type: z.literal('length'),
      min: z.number().int().nonnegative().optional(),
      max: z.number().int().nonnegative().optional(),
    })
    .strict()
    .describe('Characters, spaces at either end not counted.'),
  z
    .object({
      type: z.literal('number'),
      min: finite.optional().describe('At least this.'),
      max: finite.optional().describe('At most this.'),
      above: finite.optional().describe('More than this.'),
      below: finite.optional().describe('Less than this.'),
    })
    .strict()
    .describe('A number ("1,250.50" and "£80" read as numbers) within the bounds given.'),
  z
    .object({
      type: z.literal('date'),
      min: DateBound.optional().describe('On or after this day.'),
      max: DateBound.optional().describe('On or before this day.'),
    })
    .strict()
    .describe('A date written YYYY-MM-DD (what date fields give) within the bounds given.'),
  z
    .object({
      type: z.literal('oneOf'),
      values: z.array(z.string().max(LIMITS.signalText)).min(1).max(LIMITS.oneOfValues),
    })
    .strict()
    .describe('One of these values, compared case-insensitively, spaces at either end ignored.'),
]);

/** When a step counts as done without the person ticking it. */
export const Completion = z.discriminatedUnion('type', [
  z.object({ type: z.literal('appears'), target: Target }).strict(),
  z.object({ type: z.literal('disappears'), target: Target }).strict(),
  z.object({ type: z.literal('filled'), target: Target }).strict(),
  z
    .object({
      type: z.literal('matches'),
      target: Target,
      pattern: z
        .string()
        .min(1)
        .max(LIMITS.regex)
        .describe('RE2 regular expression the value must match; an empty field matches nothing.'),
    })
    .strict(),
  z.object({ type: z.literal('clicked'), target: Target }).strict(),
  z.object({ type: z.literal('checked'), target: Target }).strict(),
  z.object({ type: z.literal('url'), pattern: UrlPatternString }).strict(),
  z
    .object({
      type: z.literal('passes'),
      target: Target,
      rule: FieldRule.describe('A field check rule the value must satisfy.'),
    })
    .strict()
    .describe(
      'Done when the field has a value that satisfies a field check rule, e.g. the note has no card number.',
    ),
]);

export const Step = z
  .object({
    id: Id,
    text: RichText,
    target: Target.optional(),
    done: Completion.optional(),
    optional: z.boolean().optional(),
  })
  .strict();

const aidBase = {
  id: Id,
  title: z.string().min(1).max(LIMITS.title),
  description: RichText.optional(),
  match: Match,
  audience: Audience.optional(),
  keywords: z
    .array(z.string().trim().min(1).max(LIMITS.keyword))
    .max(LIMITS.keywordsPerAid)
    .optional()
    .describe(
      'Words people may search for in the help panel besides the title and the texts, such as "change of address" for a "Move home" walkthrough.',
    ),
};

export const ChecklistAid = z
  .object({
    ...aidBase,
    kind: z.literal('checklist'),
    steps: z
      .array(Step)
      .min(1, 'a checklist needs at least one step')
      .max(LIMITS.stepsPerChecklist),
  })
  .strict();

export const TipAid = z
  .object({
    ...aidBase,
    kind: z.literal('tip'),
    target: Target,
    text: RichText,
    placement: Placement.optional(),
  })
  .strict();

/** One step of a walkthrough: a popover next to its target, on the pages `urls` names. */
export const WalkthroughStep = z
  .object({
    id: Id,
    text: RichText,
    target: Target.optional().describe(
      'The element the step points at. Without it the step is shown in the panel.',
    ),
    urls: z
      .array(UrlPatternString)
      .min(1)
      .max(LIMITS.urlPatternsPerAid)
      .optional()
      .describe(
        "The pages this step is on, when not every page of the aid's match: the walkthrough waits on other pages and says where the step is.",
      ),
    done: Completion.optional().describe('When the step is done without the person pressing Next.'),
    placement: Placement.optional(),
  })
  .strict();

export const WalkthroughAid = z
  .object({
    ...aidBase,
    kind: z.literal('walkthrough'),
    start: z
      .enum(['manual', 'auto'])
      .optional()
      .describe(
        '"auto": starts by itself the first time a person meets it (once per person); "manual" (the default): from the panel.',
      ),
    steps: z
      .array(WalkthroughStep)
      .min(1, 'a walkthrough needs at least one step')
      .max(LIMITS.stepsPerChecklist),
  })
  .strict();

/** A field and a rule on its value: a check applies only while `when` holds. */
export const FieldCondition = z
  .object({
    field: Target.describe('The other field.'),
    rule: FieldRule.describe('What its value must be for the check to apply.'),
  })
  .strict();

/** One rule on one field of a form, with the message shown next to it when it fails. */
export const FieldCheck = z
  .object({
    id: Id,
    field: Target.describe('The field checked.'),
    rule: FieldRule,
    message: z
      .string()
      .min(1, 'must not be empty')
      .max(LIMITS.signalText)
      .describe('Shown next to the field while the rule fails: say what to do.'),
    when: FieldCondition.optional().describe(
      'Check only while another field is so, e.g. Manager code is required when Refund is above 500.',
    ),
    block: z
      .boolean()
      .optional()
      .describe(
        'Stop the form from being saved while this check fails; the person may save anyway with a reason.',
      ),
  })
  .strict();

export const ChecksAid = z
  .object({
    ...aidBase,
    kind: z.literal('checks'),
    checks: z.array(FieldCheck).min(1, 'needs at least one check').max(LIMITS.checksPerAid),
    submit: Target.optional().describe(
      "The form's save button, when saving is not a form submit (a button with its own click handler). Clicks on it are checked like a submit.",
    ),
  })
  .strict();

/** Every aid kind. A new kind is added here and in src/*\/kinds. */
export const Aid = z.discriminatedUnion('kind', [ChecklistAid, TipAid, ChecksAid, WalkthroughAid]);

export const Pack = z
  .object({
    $schema: z.string().max(LIMITS.urlPattern).optional(),
    format: z.literal(1),
    id: Id,
    version: Version,
    title: z.string().min(1).max(LIMITS.title),
    description: z.string().max(LIMITS.richText).optional(),
    rollback: z.boolean().optional().describe('Allow this pack to replace a higher version.'),
    aids: z.array(Aid).max(LIMITS.aidsPerPack),
    signature: z
      .object({
        alg: z.literal('Ed25519'),
        keyId: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits'),
        value: z.string().min(1).max(200),
      })
      .strict()
      .optional()
      .describe(
        'Ed25519 signature over the RFC 8785 canonical JSON of the pack without this field.',
      ),
  })
  .strict()
  .superRefine((pack, ctx) => {
    const seen = new Map<string, number>();
    pack.aids.forEach((aid, i) => {
      const first = seen.get(aid.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['aids', i, 'id'],
          message: `duplicate aid id "${aid.id}" (first used at aids[${first}])`,
        });
      } else seen.set(aid.id, i);
      const list =
        aid.kind === 'checklist' || aid.kind === 'walkthrough'
          ? (['steps', aid.steps, 'step'] as const)
          : aid.kind === 'checks'
            ? (['checks', aid.checks, 'check'] as const)
            : null;
      if (list) {
        const [field, items, noun] = list;
        const ids = new Map<string, number>();
        items.forEach((item, j) => {
          const firstItem = ids.get(item.id);
          if (firstItem !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['aids', i, field, j, 'id'],
              message: `duplicate ${noun} id "${item.id}" (first used at ${field}[${firstItem}])`,
            });
          } else ids.set(item.id, j);
        });
      }
    });
  });

export type Target = z.infer<typeof Target>;
export type FrameRef = z.infer<typeof FrameRef>;
export type DomCondition = z.infer<typeof DomCondition>;
export type Match = z.infer<typeof Match>;
export type Audience = z.infer<typeof Audience>;
export type Completion = z.infer<typeof Completion>;
export type Step = z.infer<typeof Step>;
export type ChecklistAid = z.infer<typeof ChecklistAid>;
export type TipAid = z.infer<typeof TipAid>;
export type FieldRule = z.infer<typeof FieldRule>;
export type FieldCondition = z.infer<typeof FieldCondition>;
export type FieldCheck = z.infer<typeof FieldCheck>;
export type ChecksAid = z.infer<typeof ChecksAid>;
export type WalkthroughStep = z.infer<typeof WalkthroughStep>;
export type WalkthroughAid = z.infer<typeof WalkthroughAid>;
export type Aid = z.infer<typeof Aid>;
export type AidKind = Aid['kind'];
export type Pack = z.infer<typeof Pack>;
