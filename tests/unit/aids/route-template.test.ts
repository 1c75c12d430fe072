/**
 * Route templates (src/aids/route-template.ts): real-looking addresses of business apps fold
 * to what every visit of the screen shares; never a query string, an anchor or a value.
 */
import { describe, expect, it } from 'vitest';
import {
  hostMatches,
  isIdSegment,
  isRouteTemplate,
  MAX_TEMPLATE_LENGTH,
  routeTemplate,
  urlOnHosts,
} from '../../../src/aids/route-template';

const CASES: [string, string][] = [
  // Plain paths stay.
  ['https://crm.example.com/', 'https://crm.example.com/'],
  ['https://crm.example.com/contacts/new', 'https://crm.example.com/contacts/new'],
  ['https://crm.example.com/contacts/new/', 'https://crm.example.com/contacts/new/'],
  ['https://CRM.Example.com:8443/Reports', 'https://crm.example.com:8443/Reports'],
  ['http://intranet.local/settings/profile', 'http://intranet.local/settings/profile'],
  ['https://app.example.com/v2/api-keys', 'https://app.example.com/v2/api-keys'],
  // All-digit ids.
  ['https://crm.example.com/customers/4821', 'https://crm.example.com/customers/:id'],
  [
    'https://crm.example.com/customers/4821/orders/77/edit',
    'https://crm.example.com/customers/:id/orders/:id/edit',
  ],
  ['https://erp.example.com/2024/03/invoices', 'https://erp.example.com/:id/:id/invoices'],
  // UUIDs.
  [
    'https://desk.example.com/tickets/123e4567-e89b-12d3-a456-426614174000',
    'https://desk.example.com/tickets/:id',
  ],
  [
    'https://desk.example.com/tickets/123E4567-E89B-12D3-A456-426614174000/reply',
    'https://desk.example.com/tickets/:id/reply',
  ],
  // Hex and base64-like tokens mixing digits and letters, 8 characters or more.
  [
    'https://git.example.com/commit/9fceb02d0ae598e95dc970b74767f19372d61af8',
    'https://git.example.com/commit/:id',
  ],
  ['https://files.example.com/s/aZ3k9Qx2', 'https://files.example.com/s/:id'],
  ['https://shop.example.com/orders/INV-2024-00042', 'https://shop.example.com/orders/:id'],
  [
    'https://sales.example.com/lightning/r/Account/0015g00000XyZ12AAB/view',
    'https://sales.example.com/lightning/r/Account/:id/view',
  ],
  ['https://sso.example.com/t/eyJhbGciOiJIUzI1NiJ9', 'https://sso.example.com/t/:id'],
  // Short mixes and plain words stay.
  ['https://app.example.com/step2/review', 'https://app.example.com/step2/review'],
  ['https://app.example.com/customers/onboarding', 'https://app.example.com/customers/onboarding'],
  // E-mail addresses, plain or percent-encoded.
  ['https://crm.example.com/people/jane.doe@example.com', 'https://crm.example.com/people/:id'],
  [
    'https://crm.example.com/people/jane.doe%40example.com/notes',
    'https://crm.example.com/people/:id/notes',
  ],
  // Long segments, whatever they hold.
  [`https://crm.example.com/notes/${'a'.repeat(65)}`, 'https://crm.example.com/notes/:id'],
  // Matrix parameters are dropped.
  [
    'https://legacy.example.com/account;jsessionid=A1B2C3D4E5F6/home',
    'https://legacy.example.com/account/home',
  ],
  // Never a query string or an anchor.
  ['https://crm.example.com/search?q=jane+doe&page=2', 'https://crm.example.com/search'],
  [
    'https://crm.example.com/customers/4821?tab=notes#history',
    'https://crm.example.com/customers/:id',
  ],
  ['https://crm.example.com/help#section-3', 'https://crm.example.com/help'],
  // Hash routes are the page's path, folded the same way, without their own query.
  ['https://desk.example.com/#/cases/1042', 'https://desk.example.com/#/cases/:id'],
  [
    'https://desk.example.com/app/#/contacts/jane%40example.com/edit?from=list',
    'https://desk.example.com/app/#/contacts/:id/edit',
  ],
  [
    'https://desk.example.com/#!/tickets/123e4567-e89b-12d3-a456-426614174000',
    'https://desk.example.com/#!/tickets/:id',
  ],
  ['https://desk.example.com/#/reports?period=2024-Q1#top', 'https://desk.example.com/#/reports'],
  [
    'https://desk.example.com/inbox?folder=7#/messages/88',
    'https://desk.example.com/inbox#/messages/:id',
  ],
];

describe('routeTemplate', () => {
  it.each(CASES)('%s -> %s', (url, template) => {
    expect(routeTemplate(url)).toBe(template);
  });

  it('never keeps a query string, a value from the query, or an e-mail', () => {
    for (const [url] of CASES) {
      const template = routeTemplate(url);
      expect(template).not.toContain('?');
      expect(template).not.toMatch(/jane|doe|q=|tab=|period|folder|history|@|%40/i);
    }
  });

  it('is stable: a template folds to itself, and is recognised as one', () => {
    for (const [url] of CASES) {
      const template = routeTemplate(url);
      expect(routeTemplate(template)).toBe(template);
      expect(isRouteTemplate(template)).toBe(true);
    }
    expect(isRouteTemplate('https://crm.example.com/customers/4821')).toBe(false);
    expect(isRouteTemplate('https://crm.example.com/search?q=x')).toBe(false);
    expect(isRouteTemplate('https://crm.example.com/help#section')).toBe(false);
    expect(isRouteTemplate('crm.example.com/customers')).toBe(false);
  });

  it('takes http(s) only', () => {
    for (const url of [
      'file:///home/jane/x.html',
      'chrome://settings',
      'about:blank',
      'not a url',
    ]) {
      expect(routeTemplate(url)).toBe('');
    }
  });

  it('stays within its length, dropping trailing segments', () => {
    const deep = `https://crm.example.com/${Array.from({ length: 40 }, (_, i) => `section-${'x'.repeat(40)}${String.fromCharCode(97 + (i % 26))}`).join('/')}`;
    const template = routeTemplate(deep);
    expect(template.length).toBeLessThanOrEqual(MAX_TEMPLATE_LENGTH);
    expect(template.startsWith('https://crm.example.com/section-')).toBe(true);
    expect(routeTemplate(template)).toBe(template);
  });

  it('tells ids from words', () => {
    for (const id of ['4821', 'deadbeef01', 'A1B2C3D4', 'x@y.z'])
      expect(isIdSegment(id)).toBe(true);
    for (const word of ['contacts', 'new', 'v2', 'step2', 'api-keys', ':id', '']) {
      expect(isIdSegment(word)).toBe(false);
    }
  });
});

describe('touchpoint hosts', () => {
  it('matches exact hosts and *.domain (the domain too), ignoring ports and case', () => {
    expect(hostMatches('crm.example.com', ['crm.example.com'])).toBe(true);
    expect(hostMatches('CRM.example.com', ['crm.example.com'])).toBe(true);
    expect(hostMatches('desk.example.com', ['crm.example.com'])).toBe(false);
    expect(hostMatches('desk.example.com', ['*.example.com'])).toBe(true);
    expect(hostMatches('example.com', ['*.example.com'])).toBe(true);
    expect(hostMatches('badexample.com', ['*.example.com'])).toBe(false);
    expect(hostMatches('example.com.evil.net', ['*.example.com'])).toBe(false);
    expect(urlOnHosts('http://crm.localhost:5173/x?y=1', ['crm.localhost'])).toBe(true);
    expect(urlOnHosts('https://crm.example.com/', [])).toBe(false);
    expect(urlOnHosts('file:///crm.example.com', ['crm.example.com'])).toBe(false);
  });
});
