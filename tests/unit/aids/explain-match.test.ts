import { describe, expect, it } from 'vitest';
import { describeTarget, explainMatch } from '../../../src/aids/explain-match';
import { Aid } from '../../../src/aids/schema';

const CONTACT = 'https://crm.example.com/contacts/42';

function tip(extra: Record<string, unknown> = {}) {
  return Aid.parse({
    id: 'save-tip',
    kind: 'tip',
    title: 'Saving',
    match: { urls: ['https://crm.example.com/contacts/:id'] },
    target: { css: '#save' },
    text: 'Saving sends the welcome email.',
    ...extra,
  });
}

describe('explainMatch', () => {
  it('applies with no reasons when the URL matches and the aid is for everyone', () => {
    expect(explainMatch(tip(), CONTACT, {})).toEqual({ applies: true, reasons: [] });
  });

  it('names the patterns it tried when none matches', () => {
    const one = explainMatch(tip(), 'https://crm.example.com/deals/1', {});
    expect(one).toEqual({
      applies: false,
      reasons: ['its URL pattern "https://crm.example.com/contacts/:id" does not match'],
    });
    const two = tip({
      match: { urls: ['https://crm.example.com/contacts/:id', 'https://crm.example.com/leads/*'] },
    });
    expect(explainMatch(two, 'https://hr.example.com/', {}).reasons).toEqual([
      'none of its URL patterns matches: "https://crm.example.com/contacts/:id", "https://crm.example.com/leads/*"',
    ]);
  });

  it('names the exclude pattern that excluded the URL', () => {
    const aid = tip({
      match: {
        urls: ['https://crm.example.com/*'],
        exclude: ['https://crm.example.com/admin/*', 'https://crm.example.com/contacts/*'],
      },
    });
    expect(explainMatch(aid, CONTACT, {})).toEqual({
      applies: false,
      reasons: ['excluded by the pattern "https://crm.example.com/contacts/*"'],
    });
    expect(explainMatch(aid, 'https://crm.example.com/deals', {}).applies).toBe(true);
  });

  it('says whom the aid is for and who the viewer is', () => {
    const aid = tip({ audience: { roles: ['supervisor'], teams: ['north'] } });
    expect(explainMatch(aid, CONTACT, { role: 'agent', team: 'north' })).toEqual({
      applies: false,
      reasons: ['only for roles: supervisor; you are: agent'],
    });
    expect(explainMatch(aid, CONTACT, {}).reasons).toEqual([
      'only for roles: supervisor; no role set',
      'only for teams: north; no team set',
    ]);
    expect(explainMatch(aid, CONTACT, { role: 'supervisor', team: 'north' }).applies).toBe(true);
    const fr = tip({ audience: { locales: ['fr'] } });
    expect(explainMatch(fr, CONTACT, { locale: 'en-GB' }).reasons).toEqual([
      'only for languages: fr; your language: en-GB',
    ]);
    expect(explainMatch(fr, CONTACT, { locale: 'fr-CA' }).applies).toBe(true);
  });

  it('gives URL and audience reasons together', () => {
    const aid = tip({ audience: { roles: ['supervisor'] } });
    expect(explainMatch(aid, 'https://crm.example.com/', { role: 'agent' }).reasons).toEqual([
      'its URL pattern "https://crm.example.com/contacts/:id" does not match',
      'only for roles: supervisor; you are: agent',
    ]);
  });

  it('lists DOM conditions as what the page must also have, without changing the verdict', () => {
    const aid = tip({
      match: {
        urls: ['https://crm.example.com/contacts/:id'],
        when: [
          { type: 'present', target: { css: 'form#contact' } },
          { type: 'absent', target: { role: 'dialog', name: 'Merge' } },
          { type: 'text', target: { label: 'Status' }, contains: 'Open' },
        ],
      },
    });
    expect(explainMatch(aid, CONTACT, {})).toEqual({
      applies: true,
      reasons: [
        'Also needs on the page: an element matching "form#contact"',
        'Also needs on the page: no dialog named “Merge”',
        'Also needs on the page: a field labelled “Status” containing “Open”',
      ],
    });
    const elsewhere = explainMatch(aid, 'https://crm.example.com/', {});
    expect(elsewhere.applies).toBe(false);
    expect(elsewhere.reasons[0]).toMatch(/does not match/);
    expect(elsewhere.reasons.slice(1).every((r) => r.startsWith('Also needs on the page: '))).toBe(
      true,
    );
  });
});

describe('describeTarget', () => {
  it('names the signals an author wrote', () => {
    expect(describeTarget({ css: '#save' })).toBe('an element matching "#save"');
    expect(describeTarget({ role: 'button', name: 'Save', within: '.toolbar' })).toBe(
      'a button named “Save” inside ".toolbar"',
    );
    expect(describeTarget({ attrs: { name: 'email', type: 'email' } })).toBe(
      'an element with [name="email"][type="email"]',
    );
    expect(describeTarget({ text: 'Next' }, true)).toBe('no element with the text “Next”');
  });
});
