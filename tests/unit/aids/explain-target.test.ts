import { describe, expect, it } from 'vitest';
import {
  describeResolution,
  describeRuleProblem,
  describeSignal,
} from '../../../src/aids/explain-target';
import type { Target } from '../../../src/aids/schema';

const email: Target = {
  css: '#email',
  role: 'textbox',
  name: 'Email',
  label: 'Email',
  attrs: { id: 'email', name: 'email' },
};

describe('describeSignal', () => {
  it('names each signal in words, with its value where it is short', () => {
    expect(describeSignal('css', email)).toBe('CSS selector');
    expect(describeSignal('label', email)).toBe('label “Email”');
    expect(describeSignal('name', email)).toBe('accessible name “Email”');
    expect(describeSignal('role', email)).toBe('role “textbox”');
    expect(describeSignal('attrs', email)).toBe('attributes id=“email”, name=“email”');
    expect(describeSignal('attrs', { attrs: { name: 'email' } })).toBe('attribute name=“email”');
    expect(describeSignal('text', { text: 'Save contact' })).toBe('text “Save contact”');
    expect(describeSignal('within', { css: 'input', within: 'customer-card' })).toBe(
      'container selector',
    );
  });

  it('leaves long values out and names unknown signals as they are', () => {
    const long = 'A very long piece of visible text that goes on and on and on';
    expect(describeSignal('text', { text: long })).toBe('text');
    expect(describeSignal('colour', email)).toBe('signal “colour”');
  });
});

describe('describeResolution', () => {
  it('says which signal found the element', () => {
    expect(
      describeResolution(email, { found: true, foundBy: 'css', failed: [], ambiguous: false }),
    ).toBe('Found by CSS selector.');
  });

  it('says which signals no longer match when another one healed the target', () => {
    expect(
      describeResolution(email, {
        found: true,
        foundBy: 'label',
        failed: ['css'],
        ambiguous: false,
      }),
    ).toBe('Found by label “Email”; the CSS selector no longer matches.');
    expect(
      describeResolution(email, {
        found: true,
        foundBy: 'label',
        failed: ['css', 'attrs'],
        ambiguous: false,
      }),
    ).toBe(
      'Found by label “Email”; the CSS selector and the attributes id=“email”, name=“email” no longer match.',
    );
  });

  it('lists every signal that matches nothing when the target is not found', () => {
    const target: Target = { css: '#email', label: 'Email', role: 'textbox' };
    expect(
      describeResolution(target, {
        found: false,
        foundBy: null,
        failed: ['css', 'label', 'role'],
        ambiguous: false,
      }),
    ).toBe(
      'Not found: the CSS selector, the label “Email” and the role “textbox” match nothing on this page.',
    );
    expect(
      describeResolution(
        { label: 'Email' },
        { found: false, foundBy: null, failed: [], ambiguous: false },
      ),
    ).toBe('Not found: the label “Email” matches nothing on this page.');
  });

  it('warns when several elements match equally well', () => {
    const sentence = describeResolution(
      { css: '.field' },
      { found: true, foundBy: 'css', failed: [], ambiguous: true },
    );
    expect(sentence).toMatch(/^Matches several elements equally well, by CSS selector\. /);
    expect(sentence).toContain('add a label, name or text that tells them apart');
  });

  it('accepts reports with signals it does not know, and repeated ones', () => {
    expect(
      describeResolution(email, {
        found: true,
        foundBy: 'colour',
        failed: ['css', 'css'],
        ambiguous: false,
      }),
    ).toBe('Found by signal “colour”; the CSS selector no longer matches.');
  });
});

describe('describeRuleProblem', () => {
  it('says why a rule can never hold, naming the rule when it is known', () => {
    expect(describeRuleProblem('no_value', 'filled')).toBe(
      '“Filled” can never hold here: the element has no value a person can type or choose. ' +
        'Point the rule at the field itself.',
    );
    expect(describeRuleProblem('no_value')).toMatch(/^“Filled” or “Matches” can never hold/);
    expect(describeRuleProblem('no_checked_state', 'checked')).toBe(
      '“Checked” can never hold here: the element has no checked state ' +
        '(it is not a checkbox, switch or radio). Point the rule at the box itself.',
    );
    expect(describeRuleProblem('no_idea')).toBe(
      'The completion rule can never hold on the element its target finds.',
    );
  });
});
