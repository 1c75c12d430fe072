// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completionHolds, conditionHolds } from '../../../src/aids/conditions';
import { MAX_MATCHED_CHARS, testPattern } from '../../../src/aids/regex';
import { installRegexEngine } from '../../../src/aids/regex-slot';
import type { Target } from '../../../src/aids/schema';
import { resolveTarget } from '../../../src/aids/target';

const resolve = (t: Target) => resolveTarget(t);
const fresh = () => ({ clicked: false, seen: false });

describe('conditions', () => {
  beforeEach(() => {
    document.body.innerHTML = `
      <h1 id="title">Case 42: billing</h1>
      <label for="email">Email</label><input id="email">
      <input type="checkbox" id="ok">
      <select id="channel"><option value="">Choose…</option><option value="sms">SMS</option></select>`;
  });

  it('evaluates present, absent and text', () => {
    expect(conditionHolds({ type: 'present', target: { css: '#email' } }, resolve)).toBe(true);
    expect(conditionHolds({ type: 'absent', target: { css: '#banner' } }, resolve)).toBe(true);
    expect(
      conditionHolds({ type: 'text', target: { css: '#title' }, contains: 'BILLING' }, resolve),
    ).toBe(true);
    expect(
      conditionHolds({ type: 'text', target: { css: '#title' }, contains: 'refund' }, resolve),
    ).toBe(false);
  });

  it('completes "matches" only when the value fits the pattern', () => {
    installRegexEngine({ test: testPattern });
    const done = {
      type: 'matches' as const,
      target: { label: 'Email' },
      pattern: '^\\S+@\\S+\\.\\S+$',
    };
    const input = document.getElementById('email') as HTMLInputElement;
    input.value = 'ann@';
    expect(completionHolds(done, resolve, '', fresh())).toBe(false);
    input.value = 'ann@example.com';
    expect(completionHolds(done, resolve, '', fresh())).toBe(true);
  });

  it('completes "passes" when the field has a value its field check rule accepts', () => {
    const input = document.getElementById('email') as HTMLInputElement;
    const noCard = {
      type: 'passes' as const,
      target: { css: '#email' },
      rule: { type: 'notPattern' as const, pattern: '\\d{4} ?\\d{4}' },
    };
    installRegexEngine(undefined);
    input.value = 'call back';
    // Without the engine nothing can be said: not done.
    expect(completionHolds(noCard, resolve, '', fresh())).toBe(false);
    installRegexEngine({ test: testPattern });
    expect(completionHolds(noCard, resolve, '', fresh())).toBe(true);
    input.value = 'card 4929 1234';
    expect(completionHolds(noCard, resolve, '', fresh())).toBe(false);
    // An empty field passes nothing, though an empty value has no card number.
    input.value = '';
    expect(completionHolds(noCard, resolve, '', fresh())).toBe(false);
    const channel = {
      type: 'passes' as const,
      target: { css: '#channel' },
      rule: { type: 'oneOf' as const, values: ['sms'] },
    };
    expect(completionHolds(channel, resolve, '', fresh())).toBe(false);
    (document.getElementById('channel') as HTMLSelectElement).value = 'sms';
    expect(completionHolds(channel, resolve, '', fresh())).toBe(true);
    installRegexEngine(undefined);
  });

  describe('"matches" and the engine the page loads on demand', () => {
    const done = { type: 'matches' as const, target: { css: '#email' }, pattern: '^(a+)+$' };
    const email = () => document.getElementById('email') as HTMLInputElement;
    afterEach(() => installRegexEngine(undefined));

    it('does not hold, and does not throw, while the engine is not loaded', () => {
      installRegexEngine(undefined);
      email().value = 'aaaa';
      expect(completionHolds(done, resolve, '', fresh())).toBe(false);
    });

    it('holds once the engine is there, on RE2 (no backtracking)', () => {
      installRegexEngine({ test: testPattern });
      email().value = 'aaaa';
      expect(completionHolds(done, resolve, '', fresh())).toBe(true);
      // Catastrophic for a backtracking engine: answered at once here.
      email().value = `${'a'.repeat(MAX_MATCHED_CHARS - 1)}!`;
      expect(completionHolds(done, resolve, '', fresh())).toBe(false);
    });

    it('does not hold when the engine fails', () => {
      installRegexEngine({
        test: () => {
          throw new Error('broken');
        },
      });
      email().value = 'aaaa';
      expect(completionHolds(done, resolve, '', fresh())).toBe(false);
    });

    it('does not hold on a blank field, even for a pattern that fits nothing', () => {
      installRegexEngine({ test: testPattern });
      const anything = { ...done, pattern: '^\\s*$' };
      email().value = '';
      expect(completionHolds(anything, resolve, '', fresh())).toBe(false);
      email().value = '  ';
      expect(completionHolds(anything, resolve, '', fresh())).toBe(false);
      // The same pattern on the engine itself fits both: the blank rule is the completion's.
      expect(testPattern('^\\s*$', '  ')).toBe(true);
    });

    it('does not hold on a missing field', () => {
      installRegexEngine({ test: testPattern });
      const gone = { ...done, target: { css: '#nowhere' } };
      expect(completionHolds(gone, resolve, '', fresh())).toBe(false);
    });
  });

  it('completes "filled" for a select with a chosen option and "checked" for a ticked box', () => {
    const select = document.getElementById('channel') as HTMLSelectElement;
    expect(
      completionHolds({ type: 'filled', target: { css: '#channel' } }, resolve, '', fresh()),
    ).toBe(false);
    select.value = 'sms';
    expect(
      completionHolds({ type: 'filled', target: { css: '#channel' } }, resolve, '', fresh()),
    ).toBe(true);
    (document.getElementById('ok') as HTMLInputElement).checked = true;
    expect(completionHolds({ type: 'checked', target: { css: '#ok' } }, resolve, '', fresh())).toBe(
      true,
    );
  });

  it('counts "disappears" only after the element was seen', () => {
    const memory = fresh();
    const done = { type: 'disappears' as const, target: { css: '#spinner' } };
    expect(completionHolds(done, resolve, '', memory)).toBe(false);
    document.body.insertAdjacentHTML('beforeend', '<div id="spinner"></div>');
    expect(completionHolds(done, resolve, '', memory)).toBe(false);
    document.getElementById('spinner')!.remove();
    expect(completionHolds(done, resolve, '', memory)).toBe(true);
  });

  it('completes "url" against the given URL', () => {
    const done = { type: 'url' as const, pattern: 'http://crm.localhost:*/contacts/:id(\\d+)' };
    expect(completionHolds(done, resolve, 'http://crm.localhost:4100/contacts/new', fresh())).toBe(
      false,
    );
    expect(completionHolds(done, resolve, 'http://crm.localhost:4100/contacts/17', fresh())).toBe(
      true,
    );
  });
});

describe('appears', () => {
  it('needs the element on screen, not just in the DOM', () => {
    document.body.innerHTML = '<div id="banner" style="display:none">Saved</div>';
    const done = { type: 'appears' as const, target: { css: '#banner' } };
    expect(completionHolds(done, resolve, '', fresh())).toBe(false);
    document.getElementById('banner')!.style.display = 'block';
    expect(completionHolds(done, resolve, '', fresh())).toBe(true);
  });
});
