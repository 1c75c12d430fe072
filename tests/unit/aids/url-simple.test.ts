/**
 * The simple patterns' own matcher agrees with URLPattern (the polyfill here, which follows
 * the standard) on every pair of a generated pattern and URL; and it takes only the forms it
 * knows, leaving the rest to URLPattern.
 */
import { describe, expect, it } from 'vitest';
import { compileUrlPattern } from '../../../src/aids/url-match';
import { simpleUrlTest } from '../../../src/aids/url-simple';

describe('which patterns are simple', () => {
  it.each([
    'https://crm.example.com/contacts/new',
    '*://console.localhost:*/floor',
    'https://*.example.com/contacts/*',
    'https://*/*',
    'https://crm.example.com/contacts/:id(\\d+)/edit',
    'https://crm.example.com/contacts/:id',
    'https://crm.example.com/',
    'https://crm.example.com',
    'HTTPS://CRM.Example.com/Contacts',
  ])('%s is', (pattern) => {
    expect(simpleUrlTest(pattern)).not.toBeNull();
  });

  it.each([
    'https://crm.example.com/#/contacts',
    'https://crm.example.com/contacts?tab=*',
    'https://crm.example.com:8443/contacts',
    'https://crm.example.com/contacts/:id?',
    'https://crm.example.com/contacts/:id(\\w+)',
    'https://crm.example.com/(contacts|leads)/new',
    'https://crm.example.com/contacts/*/edit',
    'https://crm.example.com/a/../b',
    'https://crm.example.com/contacts%20x',
    'https://[::1]/x',
    'http{s}?://crm.example.com/x',
    'ftp://files.example.com/x',
    '/contacts/new',
  ])('%s is not', (pattern) => {
    expect(simpleUrlTest(pattern)).toBeNull();
  });
});

describe('agreement with URLPattern', () => {
  const schemes = ['https', 'http', '*'];
  const hosts = ['crm.example.com', '*.example.com', '*', 'CRM.Example.COM', 'localhost'];
  const ports = ['', ':*'];
  const paths = [
    '',
    '/',
    '/contacts',
    '/contacts/',
    '/contacts/*',
    '/contacts/new',
    '/contacts/:id',
    '/contacts/:id(\\d+)',
    '/contacts/:id(\\d+)/edit',
    '/contacts/:id/*',
    '/*',
    '/a.b/c-d_e~f',
    '/Contacts/New',
  ];
  const urls = [
    'https://crm.example.com/contacts',
    'https://crm.example.com/contacts/',
    'https://crm.example.com/contacts/new',
    'https://crm.example.com/contacts/new?x=1#top',
    'https://crm.example.com/contacts/42',
    'https://crm.example.com/contacts/42/edit',
    'https://crm.example.com/contacts/4a2/edit',
    'https://crm.example.com/contacts/42/edit/more',
    'https://crm.example.com/Contacts/New',
    'https://crm.example.com/',
    'https://crm.example.com',
    'https://crm.example.com:8443/contacts/new',
    'https://crm.example.com:443/contacts/new',
    'http://crm.example.com/contacts/new',
    'https://eu.crm.example.com/contacts/new',
    'https://example.com/contacts/new',
    'https://notexample.com/contacts/new',
    'https://user:secret@crm.example.com/contacts/new',
    'http://localhost:3000/contacts/new',
    'http://localhost/contacts/%20x',
    'https://crm.example.com/a.b/c-d_e~f',
    'https://crm.example.com/a%2eb/c-d_e~f',
    'file:///contacts/new',
  ];

  it('gives the same answer for every pattern and URL', () => {
    let pairs = 0;
    let matches = 0;
    const disagree: string[] = [];
    for (const scheme of schemes)
      for (const host of hosts)
        for (const port of ports)
          for (const path of paths) {
            const pattern = `${scheme}://${host}${port}${path}`;
            const ours = simpleUrlTest(pattern);
            const theirs = compileUrlPattern(pattern);
            expect(ours, pattern).not.toBeNull();
            if (theirs instanceof Error) throw theirs;
            for (const url of urls) {
              const expected = theirs.test(url);
              if (ours!(new URL(url)) !== expected) disagree.push(`${pattern} ${url} ${expected}`);
              pairs++;
              if (expected) matches++;
            }
          }
    expect(disagree).toEqual([]);
    // Enough of both answers for the agreement to mean something.
    expect(pairs).toBe(3 * 5 * 2 * 13 * 23);
    expect(matches).toBeGreaterThan(300);
    expect(pairs - matches).toBeGreaterThan(2000);
  });
});
