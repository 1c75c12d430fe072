// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UrlTester } from '../../../src/options/authoring/UrlTester';
import { button, click, fakeDeps, field, heading, link, mount, textOf, type } from './helpers';

let root: HTMLElement;

beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

const RESULTS = [
  {
    key: 'my-aids/new-contact',
    title: 'New contact',
    applies: true,
    reasons: ['Shows only when the page has “#contact-form”.'],
  },
  {
    key: 'northwind/vat-number',
    title: 'VAT number format',
    applies: false,
    reasons: ['No URL pattern matches this address.', 'Meant for the role “finance”.'],
  },
  {
    key: 'hr/onboarding',
    title: 'Onboarding',
    applies: false,
    reasons: ['Excluded by https://crm.example.com/admin/*'],
  },
];

describe('the URL tester', () => {
  it('lists the aids that would apply and those that would not, with the reasons', async () => {
    const testUrl = vi.fn(async () => ({ results: RESULTS }));
    await mount(root, <UrlTester deps={fakeDeps({ testUrl })} />);

    await type(field(root, 'Page address (URL)'), ' https://crm.example.com/contacts/new ');
    await type(field(root, 'Role (optional)'), 'sales');
    await click(button(root, 'Test'));

    expect(testUrl).toHaveBeenCalledWith('https://crm.example.com/contacts/new', 'sales');
    const results = heading(root, /^Results for/);
    expect(textOf(results)).toBe('Results for https://crm.example.com/contacts/new as “sales”');
    expect(document.activeElement).toBe(results);

    const apply = heading(root, 'Would apply (1)');
    const skip = heading(root, 'Would not apply (2)');
    const listAfter = (h: HTMLElement) => h.nextElementSibling as HTMLElement;
    expect([...listAfter(apply).querySelectorAll(':scope > li > a')].map(textOf)).toEqual([
      'New contact',
    ]);
    expect(textOf(listAfter(apply))).toContain('Shows only when the page has “#contact-form”.');
    const skipped = listAfter(skip);
    expect([...skipped.querySelectorAll(':scope > li > a')].map(textOf)).toEqual([
      'VAT number format',
      'Onboarding',
    ]);
    expect([...skipped.querySelectorAll(':scope > li:first-child li')].map(textOf)).toEqual([
      'No URL pattern matches this address.',
      'Meant for the role “finance”.',
    ]);
    expect(link(root, 'VAT number format').getAttribute('href')).toBe(
      '#aids/edit/northwind%2Fvat-number',
    );
  });

  it('says next to the field when the address is not one', async () => {
    const testUrl = vi.fn(async () => ({ results: RESULTS }));
    await mount(root, <UrlTester deps={fakeDeps({ testUrl })} />);

    await type(field(root, 'Page address (URL)'), 'crm.example.com/contacts');
    await click(button(root, 'Test'));

    const input = field(root, 'Page address (URL)');
    expect(testUrl).not.toHaveBeenCalled();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(textOf(document.getElementById(input.getAttribute('aria-describedby')!))).toBe(
      'This is not a full address: it should start with https:// or http://.',
    );
    expect(document.activeElement).toBe(input);

    await type(input, 'https://crm.example.com/contacts');
    await click(button(root, 'Test'));
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect(testUrl).toHaveBeenCalledWith('https://crm.example.com/contacts', undefined);
  });

  it('says when there are no aids to test', async () => {
    await mount(root, <UrlTester deps={fakeDeps({ testUrl: async () => ({ results: [] }) })} />);
    await type(field(root, 'Page address (URL)'), 'https://crm.example.com/');
    await click(button(root, 'Test'));
    expect(textOf(root)).toContain('There are no aids to test yet.');
  });

  it('suggests the pages open in other tabs', async () => {
    const appTabs = async () => [
      { id: 4, title: 'Contacts – CRM', url: 'https://crm.example.com/contacts' },
    ];
    await mount(root, <UrlTester deps={fakeDeps({ appTabs })} />);
    const input = field(root, 'Page address (URL)');
    const list = document.getElementById(input.getAttribute('list')!);
    expect([...(list?.querySelectorAll('option') ?? [])].map((o) => o.value)).toEqual([
      'https://crm.example.com/contacts',
    ]);
  });
});
