import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, plainText } from '../../../src/aids/markdown';

describe('markdown subset', () => {
  it('parses bold, italic, code and safe links', () => {
    expect(parseInline('**Ask** for *their* `ID` via [policy](https://example.com/p)')).toEqual([
      { t: 'strong', c: [{ t: 'text', v: 'Ask' }] },
      { t: 'text', v: ' for ' },
      { t: 'em', c: [{ t: 'text', v: 'their' }] },
      { t: 'text', v: ' ' },
      { t: 'code', v: 'ID' },
      { t: 'text', v: ' via ' },
      { t: 'link', href: 'https://example.com/p', c: [{ t: 'text', v: 'policy' }] },
    ]);
  });

  it('keeps javascript: links and HTML as literal text', () => {
    const nodes = parseInline('[x](javascript:alert(1)) <img src=x onerror=alert(1)>');
    expect(nodes.every((n) => n.t === 'text')).toBe(true);
    expect(nodes.map((n) => ('v' in n ? n.v : '')).join('')).toContain('<img');
  });

  it('splits paragraphs and bullet lists', () => {
    const blocks = parseMarkdown('Check:\n- name\n- date of birth\n\nThen continue.');
    expect(blocks.map((b) => b.t)).toEqual(['p', 'ul', 'p']);
  });

  it('gives plain text for accessible names', () => {
    expect(plainText('Enter the **email** address')).toBe('Enter the email address');
  });
});

describe('markdown subset and identifiers', () => {
  it('keeps snake_case names literal', () => {
    expect(plainText('Fill first_name and last_name')).toBe('Fill first_name and last_name');
    expect(parseInline('_really_ important')[0]).toEqual({
      t: 'em',
      c: [{ t: 'text', v: 'really' }],
    });
  });
});
