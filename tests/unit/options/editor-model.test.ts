import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { schemaHash, VALIDATOR_FILE } from '../../../scripts/gen-pack-validator';
import { describeChanges } from '../../../src/options/authoring/diff';
import {
  assignProblems,
  attrsOf,
  attrsText,
  describePath,
  describeReport,
  draftProblems,
  localPath,
  ownedPaths,
  ownerOf,
  parsePath,
  setAt,
  slug,
  uniqueId,
  wordsOf,
} from '../../../src/options/authoring/editor-model';
import { checkRawAid, lineColumn } from '../../../src/options/authoring/raw-json';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const base = {
  id: 'ticket',
  kind: 'checklist',
  title: 'Ticket',
  match: { urls: ['https://portal.example.com/support/*'] },
  steps: [{ id: 'a', text: 'First', target: { css: '#a' } }],
};

describe('editor model', () => {
  it('makes ids from text, unique among the others', () => {
    expect(slug('Check the caller’s ID!')).toBe('check-the-caller-s-id');
    expect(slug('Übergabe prüfen')).toBe('ubergabe-prufen');
    expect(slug('¿?')).toBe('');
    expect(uniqueId('step', ['step', 'step-2'])).toBe('step-3');
    expect(uniqueId('', [])).toBe('step');
  });

  it('reads typed lists and attributes', () => {
    expect(wordsOf(' agent, ,team-lead ')).toEqual(['agent', 'team-lead']);
    expect(wordsOf(' , ')).toBeUndefined();
    expect(attrsOf('name = email\n\ndata-test=save=1')).toEqual({
      name: 'email',
      'data-test': 'save=1',
    });
    expect(attrsText({ name: 'email', type: 'email' })).toBe('name=email\ntype=email');
  });

  it('sets and removes values by path without touching the original', () => {
    const next = setAt(base, ['steps', 0, 'target', 'css'], undefined);
    expect(next).toMatchObject({ steps: [{ target: {} }] });
    expect(base.steps[0]!.target.css).toBe('#a');
    expect(setAt({}, ['audience', 'roles'], ['agent'])).toEqual({ audience: { roles: ['agent'] } });
  });

  it('names paths in words and reads both path styles', () => {
    expect(parsePath('steps[1].target.css')).toEqual(['steps', 1, 'target', 'css']);
    expect(parsePath('/steps/1/text')).toEqual(['steps', 1, 'text']);
    expect(localPath('aids[0].steps[1].text')).toBe('steps[1].text');
    expect(localPath('/aids/0/match/urls/0')).toBe('match.urls[0]');
    expect(describePath(['steps', 1, 'target', 'css'])).toBe('Step 2 target: CSS selector');
    expect(describePath(['steps', 0, 'done', 'pattern'])).toBe('Step 1 “Done when” pattern');
    expect(describePath(['match', 'urls', 0])).toBe('URL pattern 1');
    expect(describePath(['target', 'label'])).toBe('Target: label');
    expect(describePath(['title'])).toBe('Title');
    expect(describePath(['steps', 0, 'target', 'frame', 'url'])).toBe(
      'Step 1 target: frame page address',
    );
    expect(describePath(['steps', 0, 'done', 'target', 'frame', 'css'])).toBe(
      'Step 1 “Done when” target: frame element',
    );
    expect(describePath(['target', 'frame'])).toBe('Target: frame');
  });

  it('reports a frame address that is not a URL pattern, and a frame left empty, on their fields', () => {
    const framed = (frame: unknown) => ({
      ...base,
      steps: [{ id: 'a', text: 'First', target: { css: '#a', frame } }],
    });
    const bad = framed({ url: 'https://lookup.example.com/(', css: 'iframe' });
    const problems = draftProblems(bad);
    expect(problems).toEqual([
      {
        path: 'steps[0].target.frame.url',
        message: expect.stringContaining('invalid URL pattern "https://lookup.example.com/("'),
      },
    ]);
    expect([...assignProblems(problems, ownedPaths(bad)).keys()]).toEqual([
      'steps[0].target.frame.url',
    ]);
    expect(draftProblems(framed({ url: 'https://lookup.example.com/*' }))).toEqual([]);
    const tip = {
      id: 'tip',
      kind: 'tip',
      title: 'Tip',
      match: { urls: ['https://portal.example.com/*'] },
      target: { label: 'Postcode', frame: { url: '((' } },
      text: 'Hi',
    };
    expect(draftProblems(tip).map((p) => p.path)).toEqual(['target.frame.url']);
    const empty = framed({});
    const refused = draftProblems(empty);
    expect(refused).toEqual([
      {
        path: 'steps[0].target.frame',
        message: 'a frame needs a url pattern, a css selector or both',
      },
    ]);
    const long = framed({ css: 'x'.repeat(501) });
    expect(draftProblems(long)).toEqual([
      { path: 'steps[0].target.frame.css', message: 'is too long (at most 500)' },
    ]);
    const owned = ownedPaths(empty);
    expect(ownerOf('steps[0].target.frame', owned)).toBe('steps[0].target.frame');
    expect(ownerOf('steps[0].target.frame.css', owned)).toBe('steps[0].target.frame.css');
  });

  it('finds the draft’s problems and gives each to the field that owns it', () => {
    const draft = {
      ...base,
      match: { urls: ['not a pattern ('] },
      steps: [
        { id: 'a', text: '', target: {} },
        { id: 'b', text: 'x', done: { type: 'matches', target: { css: '#b' }, pattern: '(' } },
      ],
    };
    const problems = draftProblems(draft);
    expect(problems).toEqual([
      { path: 'steps[0].text', message: 'must not be empty' },
      {
        path: 'steps[0].target',
        message: 'a target needs at least one signal: css, role, name, label, attrs or text',
      },
    ]);
    const fixed = { ...draft, steps: [{ id: 'a', text: 'A' }, draft.steps[1]] };
    const content = draftProblems(fixed);
    expect(content.map((p) => p.path)).toEqual(['match.urls[0]', 'steps[1].done.pattern']);
    const byField = assignProblems(
      [
        ...content,
        { path: 'steps[1].done.target.css', message: 'x' },
        { path: 'kind', message: 'y' },
      ],
      ownedPaths(fixed),
    );
    expect([...byField.keys()]).toEqual([
      'match.urls[0]',
      'steps[1].done.pattern',
      'steps[1].done.target.css',
      '',
    ]);
  });

  it('reports duplicate step ids', () => {
    const draft = {
      ...base,
      steps: [
        { id: 'a', text: 'A' },
        { id: 'a', text: 'B' },
      ],
    };
    expect(draftProblems(draft)).toEqual([
      { path: 'steps[1].id', message: 'another step already has the id "a"' },
    ]);
  });

  it('says what staff pages reported', () => {
    const lastAt = new Date(2026, 10, 22, 10, 42).getTime();
    const now = new Date(2026, 11, 1).getTime();
    const common = { stepId: 'a', lastAt, lastUrl: 'https://portal.example.com/support/new?x=1' };
    const target = { css: '#email', label: 'Email' };
    expect(
      describeReport(
        { ...common, type: 'target_healed', count: 3, foundBy: 'label', failedSignals: ['css'] },
        target,
        now,
      ),
    ).toBe(
      'On staff pages: Found by label “Email”; the CSS selector no longer matches. 3 times, last 22 Nov 10:42 on /support/new.',
    );
    expect(
      describeReport(
        { ...common, type: 'target_missing', count: 2, failedSignals: ['css', 'label'] },
        target,
        now,
      ),
    ).toBe(
      'On staff pages: Not found: the CSS selector and the label “Email” match nothing on this page. 2 times, last 22 Nov 10:42 on /support/new.',
    );
  });
});

describe('describeChanges', () => {
  it('says what changed in words, matching steps by id', () => {
    const after = {
      ...base,
      title: 'Support ticket',
      audience: { roles: ['agent', 'lead'] },
      match: {
        urls: ['https://portal.example.com/tickets/*'],
        exclude: ['https://x.example.com/*'],
      },
      steps: [
        { id: 'new', text: 'Greet the caller' },
        { id: 'a', text: 'First', target: { css: '#b', label: 'Account' } },
      ],
    };
    expect(describeChanges(base, after)).toEqual([
      'Title: “Ticket” → “Support ticket”',
      'Who it is for set to {"roles":["agent","lead"]}',
      'URL pattern added: https://portal.example.com/tickets/*',
      'URL pattern removed: https://portal.example.com/support/*',
      'Exclude pattern added: https://x.example.com/*',
      'Step “Greet the caller” added',
      'Step 2 target: CSS selector: “#a” → “#b”',
      'Step 2 target: label set to “Account”',
    ]);
    expect(describeChanges(after, { ...after, steps: [...after.steps].reverse() })).toEqual([
      'Steps reordered',
    ]);
    expect(describeChanges(after, { ...after, audience: { roles: ['agent'] } })).toEqual([
      'Roles: “agent, lead” → “agent”',
    ]);
    expect(describeChanges(base, base)).toEqual([]);
  });
});

describe('checkRawAid', () => {
  it('uses validators generated from the current docs/pack.schema.json, without eval', () => {
    const schema = readFileSync(resolve(ROOT, 'docs/pack.schema.json'), 'utf8');
    const generated = readFileSync(VALIDATOR_FILE, 'utf8');
    expect(
      generated.includes(`schema sha256: ${schemaHash(schema)}`),
      'stale: run `npx tsx scripts/gen-pack-validator.ts`',
    ).toBe(true);
    expect(generated).not.toMatch(/new Function|\beval\(/);
  });

  it('names a missing or unknown kind', () => {
    expect(checkRawAid('{"kind":"toString"}')).toEqual({
      ok: false,
      problems: [
        { path: 'kind', message: 'must be one of "checklist", "tip", "checks", "walkthrough"' },
      ],
    });
    expect(checkRawAid('[1]')).toMatchObject({ ok: false, problems: [{ path: '' }] });
  });

  it('checks field checks as their own kind, naming the path inside a check', () => {
    const aid = {
      id: 'refunds',
      kind: 'checks',
      title: 'Refund checks',
      match: { urls: ['https://crm.example.com/*'] },
      checks: [
        { id: 'code', field: { label: 'Manager code' }, rule: { type: 'required' }, message: 'x' },
      ],
    };
    expect(checkRawAid(JSON.stringify(aid))).toEqual({ ok: true, aid });
    const bad = { ...aid, checks: [{ ...aid.checks[0], rule: { type: 'number', min: 'ten' } }] };
    const r = checkRawAid(JSON.stringify(bad));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path)).toContain('checks/0/rule/min');
  });

  it('gives line and column of a syntax error', () => {
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    const r = checkRawAid('{\n  "id": "a",\n  oops\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/^JSON syntax error at line 3, column 3/);
  });

  it('checks against the pack schema with paths inside the aid, without the other kind’s noise', () => {
    const aid = {
      ...base,
      steps: [
        { id: 'a', text: 'A', extra: true },
        { id: 'b', text: 'B', done: { type: 'filled' } },
        { id: 'c', text: 'C', target: {} },
      ],
    };
    const r = checkRawAid(JSON.stringify(aid));
    expect(r).toEqual({
      ok: false,
      problems: [
        { path: 'steps/0', message: 'unknown field "extra"' },
        { path: 'steps/1/done', message: 'needs the field "target"' },
        {
          path: 'steps/2/target',
          message: 'a target needs at least one signal: css, role, name, label, attrs or text',
        },
      ],
    });
    expect(checkRawAid(JSON.stringify(base))).toEqual({ ok: true, aid: base });
  });
});
