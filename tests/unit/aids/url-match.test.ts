import { describe, expect, it } from 'vitest';
import {
  compileUrlPattern,
  hostKeyOfPattern,
  hostKeysOfUrl,
  MAX_TESTED_COMPONENT,
  matchesEverySite,
  matchesUrl,
  redactUrl,
  testUrlPattern,
  urlPatternProblem,
} from '../../../src/aids/url-match';

describe('URL patterns', () => {
  it('matches with URLPattern syntax', () => {
    expect(
      testUrlPattern(
        'https://crm.localhost:3000/contacts/:id',
        'https://crm.localhost:3000/contacts/42',
      ),
    ).toBe(true);
    expect(
      testUrlPattern(
        'https://crm.localhost:3000/contacts/:id',
        'https://crm.localhost:3000/contacts/42/edit',
      ),
    ).toBe(false);
    expect(testUrlPattern('*://*.example.com/*', 'http://a.b.example.com/x?y=1')).toBe(true);
    expect(testUrlPattern('*://*.example.com/*', 'https://example.org/')).toBe(false);
  });

  it('never matches with an invalid pattern, and reports it', () => {
    const compiled = compileUrlPattern('https://x.test/(');
    expect(compiled).toBeInstanceOf(Error);
    expect((compiled as Error).message).toContain('invalid URL pattern "https://x.test/("');
    expect(testUrlPattern('https://x.test/(', 'https://x.test/(')).toBe(false);
  });

  it('matchesUrl needs any url and no exclude', () => {
    const match = {
      urls: ['https://crm.test/contacts/*', 'https://crm.test/leads/*'],
      exclude: ['https://crm.test/contacts/archived/*'],
    };
    expect(matchesUrl(match, 'https://crm.test/leads/1')).toBe(true);
    expect(matchesUrl(match, 'https://crm.test/contacts/1')).toBe(true);
    expect(matchesUrl(match, 'https://crm.test/contacts/archived/1')).toBe(false);
    expect(matchesUrl(match, 'https://crm.test/deals/1')).toBe(false);
    expect(matchesUrl({ urls: ['https://crm.test/*'] }, 'https://crm.test/x')).toBe(true);
  });
});

describe('host keys', () => {
  it('indexes a pattern by its literal host, wildcard suffix, or "*"', () => {
    expect(hostKeyOfPattern('https://CRM.Example.com/contacts/*')).toBe('crm.example.com');
    expect(hostKeyOfPattern('https://crm.localhost:3000/*')).toBe('crm.localhost');
    expect(hostKeyOfPattern('*://*.Example.com/*')).toBe('*.example.com');
    expect(hostKeyOfPattern('https://*/help')).toBe('*');
    expect(hostKeyOfPattern('https://crm-:tenant.example.com/*')).toBe('*');
    expect(hostKeyOfPattern('https://x.test/(')).toBe('*');
  });

  it('lists every key an aid for a URL may be indexed under', () => {
    expect(hostKeysOfUrl('https://a.crm.example.com:8443/x?y#z')).toEqual([
      'a.crm.example.com',
      '*',
      '*.crm.example.com',
      '*.example.com',
      '*.com',
    ]);
    expect(hostKeysOfUrl('http://localhost/')).toEqual(['localhost', '*']);
    expect(hostKeysOfUrl('nonsense')).toEqual([]);
  });

  it("a URL that a pattern matches is found under that pattern's key", () => {
    const cases: [string, string][] = [
      ['https://crm.example.com/contacts/*', 'https://crm.example.com/contacts/1'],
      ['*://*.example.com/*', 'https://deep.crm.example.com/'],
      ['https://*/help', 'https://anything.test/help'],
    ];
    for (const [pattern, url] of cases) {
      expect(testUrlPattern(pattern, url)).toBe(true);
      expect(hostKeysOfUrl(url)).toContain(hostKeyOfPattern(pattern));
    }
  });
});

describe('redactUrl', () => {
  it('keeps origin and path only', () => {
    expect(redactUrl('https://crm.localhost:3000/contacts/new?email=a@b.c#notes')).toBe(
      'https://crm.localhost:3000/contacts/new',
    );
    expect(redactUrl('https://user:pw@crm.test/x')).toBe('https://crm.test/x');
    expect(redactUrl('not a url')).toBe('');
  });

  it('keeps the route of a hash-routed app, without its query', () => {
    const app = 'https://app.example/';
    expect(redactUrl(`${app}#/contacts/new`)).toBe(`${app}#/contacts/new`);
    expect(redactUrl(`${app}#!/contacts/new`)).toBe(`${app}#!/contacts/new`);
    expect(redactUrl(`${app}index.html?tab=2#/contacts/42`)).toBe(`${app}index.html#/contacts/42`);
    // A query inside the route is a query: it never goes into the record.
    expect(redactUrl(`${app}#/contacts?id=3&email=a@b.c`)).toBe(`${app}#/contacts`);
    expect(redactUrl(`${app}#!/search?q=smith`)).toBe(`${app}#!/search`);
    expect(redactUrl(`${app}#/contacts/new#notes`)).toBe(`${app}#/contacts/new`);
    expect(redactUrl(`${app}#/`)).toBe(`${app}#/`);
  });

  it('drops a fragment that is an anchor, not a route', () => {
    const app = 'https://app.example/help';
    expect(redactUrl(`${app}#section`)).toBe(app);
    expect(redactUrl(`${app}#`)).toBe(app);
    expect(redactUrl(`${app}#!section`)).toBe(app);
    expect(redactUrl(`${app}#?/contacts`)).toBe(app);
    expect(redactUrl(`${app}?next=%23/contacts`)).toBe(app);
  });
});

describe('literal path prefixes', () => {
  it('takes the text before the first pattern syntax, and nothing when it is not plain', async () => {
    const { literalPathPrefix, testUrlPattern } = await import('../../../src/aids/url-match');
    expect(literalPathPrefix('*://crm.localhost:*/contacts/:id(\\d+)')).toBe('/contacts/');
    expect(literalPathPrefix('https://a.example/billing/address')).toBe('/billing/address');
    expect(literalPathPrefix('https://a.example/*')).toBe('/');
    expect(literalPathPrefix('https://a.example/caf%C3%A9/*')).toBe('');
    expect(literalPathPrefix('https://a.example')).toBe('');
    // The prefix only rules out; the pattern still decides.
    expect(
      testUrlPattern('*://crm.localhost:*/contacts/:id(\\d+)', 'http://crm.localhost:1/cases/5'),
    ).toBe(false);
    expect(
      testUrlPattern('*://crm.localhost:*/contacts/:id(\\d+)', 'http://crm.localhost:1/contacts/5'),
    ).toBe(true);
    expect(
      testUrlPattern(
        '*://crm.localhost:*/contacts/:id(\\d+)',
        'http://crm.localhost:1/contacts/new',
      ),
    ).toBe(false);
  });
});

describe('patterns Inflow refuses', () => {
  it('accepts the patterns of the authoring guide', () => {
    for (const p of [
      'https://crm.example.com/contacts/:id',
      'https://crm.example.com/contacts/:id(\\d+)',
      'https://crm.example.com/contacts/:id/notes/:note',
      'https://crm.example.com/contacts/:tab(notes|calls)',
      'https://crm.example.com/contacts{/*}?',
      '*://crm.localhost:*/contacts/new',
      'https://*.example.com/*',
      'https://crm.example.com/app?*#/contacts/*',
    ]) {
      expect(urlPatternProblem(p), p).toBe(null);
    }
  });

  it('refuses control characters and white space, saying where', () => {
    expect(urlPatternProblem('https://crm.example.com/a\u0000b')).toBe(
      'contains the control character \\u0000 at position 25',
    );
    expect(urlPatternProblem('https://crm.example.com/a\u001bb')).toMatch(/\\u001b/);
    expect(urlPatternProblem('https://crm.example.com/a\u0085')).toMatch(/\\u0085/);
    expect(urlPatternProblem('https://crm.example.com/a b')).toMatch(/white space at position 25/);
  });

  it('refuses a third variable part in one component, and groups that can backtrack', () => {
    expect(urlPatternProblem('https://crm.example.com/*/*/*-x')).toMatch(
      /the pathname has 3 variable parts/,
    );
    expect(urlPatternProblem('https://crm.example.com/:a-:b-:c')).toMatch(/3 variable parts/);
    // A literal before a group does not make it part of a name.
    expect(urlPatternProblem('https://crm.example.com/abc(\\d+)/:a/:b')).toMatch(/3 variable/);
    for (const group of ['(a+)', '(\\w+\\d+)', '([a-z]|\\d)']) {
      expect(urlPatternProblem(`https://crm.example.com/:x${group}`), group).toMatch(
        /regular expression .* is not accepted/,
      );
    }
    // Repeating a group lets each segment be taken two ways: 2^n tries on n segments.
    for (const p of [':x(a|a)*', ':x(a|b)+', '{/:x(\\d+)}+', ':x(\\d+)*']) {
      expect(urlPatternProblem(`https://crm.example.com/${p}`), p).toMatch(/is repeated with/);
    }
    expect(urlPatternProblem('https://crm.example.com/:path+')).toBe(null);
    expect(urlPatternProblem('https://crm.example.com/:code([A-Z]{2,3})')).toBe(null);
  });

  it('never tests a component past the bound against two variable parts', () => {
    const pattern = 'https://crm.example.com/*/*-x';
    const long = `https://crm.example.com/${'a/'.repeat(MAX_TESTED_COMPONENT)}b-x`;
    expect(testUrlPattern(pattern, 'https://crm.example.com/a/b-x')).toBe(true);
    expect(testUrlPattern(pattern, long)).toBe(false);
    // One variable part has no such bound.
    expect(testUrlPattern('https://crm.example.com/*', long)).toBe(true);
  });

  it('knows the patterns that match every site', () => {
    for (const p of ['*://*/*', 'https://*/help', 'https://*.com/*', 'https://:tenant/*']) {
      expect(matchesEverySite(p), p).toBe(true);
    }
    for (const p of [
      'https://crm.example.com/*',
      'https://*.example.com/*',
      'https://*.localhost/*',
      'http://*.test/*',
    ]) {
      expect(matchesEverySite(p), p).toBe(false);
    }
  });
});
