import { describe, expect, it } from 'vitest';
import { looksGenerated, stableAttr, stableClass, stableId } from '../../../src/picker/stable';

describe('looksGenerated', () => {
  it.each([
    'Form_input__Bn8v1',
    'Layout_main__u2Hk4',
    'Header_root__aZ3k1',
    'sc-gKsEwQ',
    'sc-abc123',
    'css-1x2y3z',
    'jsx-2843759123',
    'jXkLmP',
    'hFyQsA',
    'kTrQzu',
    ':r3:',
    'ember1234',
    'input-17345',
    '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    'x9f8d7s6a5',
  ])('flags %s', (name) => {
    expect(looksGenerated(name)).toBe(true);
  });

  it.each([
    'account-number',
    'agent-status',
    'wrapup-notes',
    'submit-request',
    'email',
    'btn-primary',
    'card__title',
    'isActive',
    'field1',
    'w10',
    'contact_phone',
    'strength',
  ])('keeps %s', (name) => {
    expect(looksGenerated(name)).toBe(false);
  });
});

describe('stable names', () => {
  it('keeps classes and ids a person wrote', () => {
    expect(stableClass('visually-hidden')).toBe(true);
    expect(stableClass('Form_input__Bn8v1')).toBe(false);
    expect(stableClass('md:flex')).toBe(false);
    expect(stableId('account-number')).toBe(true);
    expect(stableId('radix-:r1:')).toBe(false);
  });

  it('keeps identifying attributes and never a value or a state', () => {
    expect(stableAttr('name', 'account_number')).toBe(true);
    expect(stableAttr('data-testid', 'save-btn')).toBe(true);
    expect(stableAttr('data-queue-rows', '')).toBe(true);
    expect(stableAttr('aria-label', 'Support request')).toBe(true);
    expect(stableAttr('placeholder', 'you@example.com')).toBe(true);
    expect(stableAttr('value', 'NW-204118')).toBe(false);
    expect(stableAttr('data-state', 'open')).toBe(false);
    expect(stableAttr('data-v-7ba5bd90', '')).toBe(false);
    expect(stableAttr('style', 'color: red')).toBe(false);
    expect(stableAttr('class', 'x')).toBe(false);
    expect(stableAttr('data-id', 'a8Lk3p0Fv7')).toBe(false);
  });
});
