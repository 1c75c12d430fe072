import { describe, expect, it } from 'vitest';
import { fold, searchHelp } from '../../../src/overlay/help/search';
import type { HelpEntry } from '../../../src/protocol/help';

const entry = (key: string, over: Partial<HelpEntry> = {}): HelpEntry => ({
  key,
  kind: 'checklist',
  title: key,
  texts: [],
  keywords: [],
  here: false,
  ...over,
});

const ENTRIES = [
  entry('Change of address', {
    texts: ['Ask for the move-in date: the day they get the keys.'],
  }),
  entry('Move home', {
    kind: 'walkthrough',
    here: true,
    keywords: ['relocation'],
    texts: [
      'For a customer who is moving.',
      'Choose the move-in date: the day the customer gets the keys.',
    ],
  }),
  entry('Postcode', { kind: 'tip', texts: ['Full postcode with the space, e.g. SW1A 1AA.'] }),
];

const keys = (query: string) => searchHelp(ENTRIES, query).map((r) => r.entry.key);

describe('searchHelp', () => {
  it('lists everything for an empty query, those on this page first, each with what it is for', () => {
    const all = searchHelp(ENTRIES, '  ');
    expect(all.map((r) => r.entry.key)).toEqual(['Move home', 'Change of address', 'Postcode']);
    expect(all[0]!.passage).toBe('For a customer who is moving.');
  });

  it('needs every word, anywhere in the title, keywords or texts, ignoring case and accents', () => {
    expect(keys('keys')).toEqual(['Move home', 'Change of address']);
    expect(keys('KEYS customer')).toEqual(['Move home']);
    expect(keys('rélocation')).toEqual(['Move home']);
    expect(keys('postcode sw1a')).toEqual(['Postcode']);
    expect(keys('keys zebra')).toEqual([]);
  });

  it('ranks title matches above keywords above texts', () => {
    const entries = [
      entry('A', { texts: ['about billing'] }),
      entry('B', { keywords: ['billing'] }),
      entry('Billing', {}),
    ];
    expect(searchHelp(entries, 'billing').map((r) => r.entry.key)).toEqual(['Billing', 'B', 'A']);
  });

  it('shows the passage of the text that matched, cut around the word in a long text', () => {
    expect(searchHelp(ENTRIES, 'keys')[0]!.passage).toBe(
      'Choose the move-in date: the day the customer gets the keys.',
    );
    const long = `${'Lorem ipsum dolor sit amet. '.repeat(10)}Spell the surname back. ${'Sed do eiusmod. '.repeat(10)}`;
    const [hit] = searchHelp([entry('X', { texts: [long] })], 'surname');
    expect(hit!.passage).toContain('Spell the surname back.');
    expect(hit!.passage!.startsWith('…')).toBe(true);
    expect(hit!.passage!.endsWith('…')).toBe(true);
    expect(hit!.passage!.length).toBeLessThanOrEqual(122);
  });

  it('folds accents and case without changing lengths for accented letters', () => {
    expect(fold('Réglé ÉTÉ')).toBe('regle ete');
    expect(fold('Café').length).toBe(4);
  });
});
