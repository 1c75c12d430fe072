// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AidList, badgesOf, hostsOf } from '../../../src/options/authoring/AidList';
import type { AuthoringListItem, ImportResult } from '../../../src/protocol/authoring';
import {
  button,
  choose,
  chooseFile,
  click,
  fakeDeps,
  field,
  heading,
  item,
  link,
  mount,
  textOf,
  type,
} from './helpers';

const AIDS: AuthoringListItem[] = [
  item({
    key: 'my-aids/new-contact',
    title: 'New contact',
    urls: ['https://crm.example.com/contacts/new'],
    hasDraft: true,
    missing: 2,
  }),
  item({
    key: 'northwind/vat-number',
    packTitle: 'Northwind CRM',
    source: 'bundled',
    title: 'VAT number format',
    kind: 'tip',
    urls: ['https://*.example.com/invoices/*'],
    editable: false,
    readOnlyReason: 'From your organisation’s pack “Northwind CRM”: read-only.',
    healed: 3,
  }),
  item({
    key: 'my-aids/close-case',
    title: 'Close a case',
    urls: ['https://helpdesk.example.org/cases/:id'],
    published: false,
    hasDraft: true,
  }),
  item({
    key: 'hr/onboarding',
    packTitle: 'HR basics',
    source: 'import',
    title: 'Onboarding <b>day one</b>',
    urls: ['https://hr.example.net/*'],
  }),
];

let root: HTMLElement;

beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

const titles = () => [...root.querySelectorAll('.aid-list > li h3')].map(textOf);
const count = () => textOf(root.querySelector('.aids-count'));
const row = (title: string) =>
  [...root.querySelectorAll<HTMLElement>('.aid-list > li')].find(
    (li) => textOf(li.querySelector('h3')) === title,
  )!;

describe('the aid list', () => {
  it('shows every aid with its kind, pack, hosts and status in words', async () => {
    await mount(root, <AidList deps={fakeDeps({ list: async () => ({ aids: AIDS }) })} />);

    expect(titles()).toEqual([
      'New contact',
      'VAT number format',
      'Close a case',
      'Onboarding <b>day one</b>',
    ]);
    expect(count()).toBe('4 aids · showing 4');
    expect(root.querySelector('.aids-count')?.getAttribute('role')).toBe('status');

    expect(link(root, 'New contact').getAttribute('href')).toBe('#aids/edit/my-aids%2Fnew-contact');
    const contact = textOf(row('New contact'));
    expect(contact).toContain('Checklist');
    expect(contact).toContain('My aids');
    expect(contact).toContain('crm.example.com');
    expect(contact).toContain('Draft');
    expect(contact).toContain('Broken: 2 missing targets');

    const vat = textOf(row('VAT number format'));
    expect(vat).toContain('Tip');
    expect(vat).toContain('Northwind CRM');
    expect(vat).toContain('*.example.com');
    expect(vat).toContain('Read-only');
    expect(vat).toContain('From your organisation’s pack “Northwind CRM”: read-only.');
    expect(vat).toContain('Healed 3 times');

    expect(textOf(row('Close a case'))).toContain('Not published');
    expect(textOf(row('Close a case'))).not.toContain('Draft');
    // Titles are text: markup in them is shown, never interpreted.
    expect(root.querySelector('.aid-list b')).toBeNull();
  });

  it('narrows the list with the search and the filters, and says how many are shown', async () => {
    await mount(root, <AidList deps={fakeDeps({ list: async () => ({ aids: AIDS }) })} />);

    await type(field(root, 'Search'), 'CASE');
    expect(titles()).toEqual(['Close a case']);
    expect(count()).toBe('4 aids · showing 1');

    // By URL pattern and by id too.
    await type(field(root, 'Search'), 'hr.example.net');
    expect(titles()).toEqual(['Onboarding <b>day one</b>']);
    await type(field(root, 'Search'), 'vat-number');
    expect(titles()).toEqual(['VAT number format']);
    await type(field(root, 'Search'), '');

    await choose(field<HTMLSelectElement>(root, 'Kind'), 'tip');
    expect(titles()).toEqual(['VAT number format']);
    await choose(field<HTMLSelectElement>(root, 'Kind'), '');

    await choose(field<HTMLSelectElement>(root, 'Pack'), 'my-aids');
    expect(titles()).toEqual(['New contact', 'Close a case']);
    await choose(field<HTMLSelectElement>(root, 'Status'), 'broken');
    expect(titles()).toEqual(['New contact']);
    expect(count()).toBe('4 aids · showing 1');
    await choose(field<HTMLSelectElement>(root, 'Pack'), '');

    await choose(field<HTMLSelectElement>(root, 'Status'), 'drafts');
    expect(titles()).toEqual(['New contact', 'Close a case']);
    await choose(field<HTMLSelectElement>(root, 'Status'), 'read-only');
    expect(titles()).toEqual(['VAT number format']);
    await choose(field<HTMLSelectElement>(root, 'Status'), 'all');

    const apps = [...field<HTMLSelectElement>(root, 'App').options].map((o) => o.text);
    expect(apps).toEqual([
      'All apps',
      '*.example.com',
      'crm.example.com',
      'helpdesk.example.org',
      'hr.example.net',
    ]);
    await choose(field<HTMLSelectElement>(root, 'App'), 'helpdesk.example.org');
    expect(titles()).toEqual(['Close a case']);
  });

  it('says when nothing matches and clears the filters on request', async () => {
    await mount(root, <AidList deps={fakeDeps({ list: async () => ({ aids: AIDS }) })} />);
    await type(field(root, 'Search'), 'invoice approval');

    expect(titles()).toEqual([]);
    expect(count()).toBe('4 aids · showing 0');
    expect(textOf(root)).toContain('No aid matches “invoice approval”.');

    const clear = [...root.querySelectorAll('button')].filter(
      (b) => textOf(b) === 'Clear the filters',
    );
    await click(clear.at(-1)!);
    expect(titles()).toHaveLength(4);
    expect(field(root, 'Search').value).toBe('');
    expect(document.activeElement).toBe(field(root, 'Search'));
  });

  it('tells an author with no aids what to do next', async () => {
    await mount(root, <AidList deps={fakeDeps({ list: async () => ({ aids: [] }) })} />);

    expect(textOf(root)).toContain(
      'No aids yet. Create a checklist or a tip, or import a pack file.',
    );
    expect(link(root, 'Create an aid').getAttribute('href')).toBe('#aids/new');
    expect(root.querySelector('#aids-search')).toBeNull();

    const imports = [...root.querySelectorAll('button')].filter(
      (b) => textOf(b) === 'Import a pack file',
    );
    await click(imports.at(-1)!);
    expect(document.activeElement).toBe(field(root, 'Pack file (JSON)'));
  });

  it('offers the way to a new aid, import, export and the URL tester', async () => {
    await mount(root, <AidList deps={fakeDeps({ list: async () => ({ aids: AIDS }) })} />);
    expect(link(root, 'New aid').getAttribute('href')).toBe('#aids/new');
    expect(link(root, 'Test a URL').getAttribute('href')).toBe('#aids/test-url');
    expect(button(root, 'Import a pack file').getAttribute('aria-expanded')).toBe('false');
    expect(button(root, 'Export…').getAttribute('aria-expanded')).toBe('false');
  });

  it('says in words when the aids cannot be read, and tries again', async () => {
    const list = vi
      .fn()
      .mockRejectedValueOnce(new Error('the store is not open'))
      .mockResolvedValue({ aids: AIDS });
    await mount(root, <AidList deps={fakeDeps({ list })} />);

    expect(textOf(root.querySelector('[role="alert"]'))).toBe(
      'Could not read the aids: the store is not open',
    );
    await click(button(root, 'Try again'));
    expect(titles()).toHaveLength(4);
  });
});

describe('importing a pack file', () => {
  const file = (text: string, name = 'crm-pack.json') =>
    new File([text], name, { type: 'application/json' });

  it('names every problem by its path and says nothing was imported', async () => {
    const importPack = vi.fn(
      async (): Promise<ImportResult> => ({
        ok: false,
        problems: [
          { path: 'aids[0].title', message: 'Too small: expected string to have >=1 characters' },
          { path: '', message: 'unknown field(s): author' },
        ],
      }),
    );
    const list = vi.fn(async () => ({ aids: AIDS }));
    await mount(root, <AidList deps={fakeDeps({ list, importPack })} />);
    await click(button(root, 'Import a pack file'));
    expect(document.activeElement).toBe(field(root, 'Pack file (JSON)'));

    await chooseFile(field(root, 'Pack file (JSON)'), file('{"id":"crm"}'));

    expect(importPack).toHaveBeenCalledWith('{"id":"crm"}');
    const report = heading(root, /^Nothing was imported/);
    expect(textOf(report)).toBe('Nothing was imported: 2 problems in crm-pack.json');
    expect(document.activeElement).toBe(report);
    const problems = [...root.querySelectorAll('.problems li')];
    expect(problems.map(textOf)).toEqual([
      'aids[0].title Too small: expected string to have >=1 characters',
      '(file) unknown field(s): author',
    ]);
    expect(problems.map((li) => textOf(li.querySelector('code')))).toEqual([
      'aids[0].title',
      '(file)',
    ]);
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('says what was imported and refreshes the list', async () => {
    const imported = item({ key: 'crm/new-lead', title: 'New lead', packTitle: 'CRM' });
    const list = vi
      .fn()
      .mockResolvedValueOnce({ aids: AIDS })
      .mockResolvedValue({ aids: [...AIDS, imported] });
    const importPack = vi.fn(
      async (): Promise<ImportResult> => ({
        ok: true,
        packId: 'crm',
        version: '1.2.0',
        aids: 1,
        status: 'installed',
      }),
    );
    await mount(root, <AidList deps={fakeDeps({ list, importPack })} />);
    await click(button(root, 'Import a pack file'));
    await chooseFile(field(root, 'Pack file (JSON)'), file('{}'));

    expect(textOf(root.querySelector('#aids-import [role="status"]'))).toBe(
      'Imported “crm” version 1.2.0: 1 aid.',
    );
    expect(titles()).toContain('New lead');
    expect(count()).toBe('5 aids · showing 5');
  });

  it('says when the pack was installed already', async () => {
    const importPack = vi.fn(
      async (): Promise<ImportResult> => ({
        ok: true,
        packId: 'crm',
        version: '1.2.0',
        aids: 4,
        status: 'unchanged',
      }),
    );
    await mount(
      root,
      <AidList deps={fakeDeps({ list: async () => ({ aids: AIDS }), importPack })} />,
    );
    await click(button(root, 'Import a pack file'));
    await chooseFile(field(root, 'Pack file (JSON)'), file('{}'));
    expect(textOf(root.querySelector('#aids-import [role="status"]'))).toBe(
      'Already installed: crm 1.2.0, nothing changed.',
    );
  });

  it('shows a refusal in words', async () => {
    const importPack = vi.fn(() => Promise.reject(new Error('authors may not import packs')));
    await mount(
      root,
      <AidList deps={fakeDeps({ list: async () => ({ aids: AIDS }), importPack })} />,
    );
    await click(button(root, 'Import a pack file'));
    await chooseFile(field(root, 'Pack file (JSON)'), file('{}', 'team.json'));
    expect(textOf(root.querySelector('#aids-import [role="status"]'))).toBe(
      'Could not import team.json: authors may not import packs',
    );
  });
  it('refuses a file too large to send, without sending it', async () => {
    const importPack = vi.fn();
    await mount(
      root,
      <AidList
        deps={fakeDeps({ list: async () => ({ aids: AIDS }), importPack })}
        readText={async () => ' '.repeat(5_000_001)}
      />,
    );
    await click(button(root, 'Import a pack file'));
    await chooseFile(field(root, 'Pack file (JSON)'), file('{}', 'huge.json'));
    expect(importPack).not.toHaveBeenCalled();
    expect(textOf(root.querySelector('#aids-import [role="status"]'))).toContain(
      'huge.json is too large to import',
    );
  });
});

describe('status in words and hosts', () => {
  it('counts in words and names hosts, with “any site” for a pattern on every host', () => {
    expect(badgesOf(item({ key: 'a/b', missing: 1, healed: 1 })).map((b) => b.text)).toEqual([
      'Broken: 1 missing target',
      'Healed once',
    ]);
    expect(
      hostsOf([
        'https://crm.example.com/a/*',
        'https://crm.example.com/b/*',
        'https://*/x',
        'not a pattern ((',
      ]),
    ).toEqual(['crm.example.com', 'any site']);
  });

  it('says what an aid on every site costs', () => {
    const everywhere = item({ key: 'a/c', urls: ['https://crm.example.com/*', 'https://*.com/x'] });
    expect(badgesOf(everywhere).map((b) => b.text)).toEqual([
      'Every site: Inflow loads on every page you open',
    ]);
    const local = item({ key: 'a/d', urls: ['https://*.localhost/x', 'https://crm.example.com/'] });
    expect(badgesOf(local)).toEqual([]);
  });
});

describe('exporting aids', () => {
  it('exports the selected aids in list order and downloads the pack file', async () => {
    const exportPack = vi.fn(async () => ({
      pack: { id: 'team-aids', aids: [] },
      fileName: 'team-aids-1.0.0.json',
    }));
    const save = vi.fn();
    await mount(
      root,
      <AidList deps={fakeDeps({ list: async () => ({ aids: AIDS }), exportPack })} save={save} />,
    );
    await click(button(root, 'Export…'));
    expect(document.activeElement).toBe(heading(root, 'Export aids'));

    // Selected out of order: the file keeps the list's order.
    await click(field(root, 'Select Onboarding <b>day one</b>'));
    await click(field(root, 'Select New contact'));
    // A never-published aid cannot be chosen, and says why.
    const draftOnly = field(root, 'Select Close a case');
    expect(draftOnly.disabled).toBe(true);
    expect(textOf(document.getElementById(draftOnly.getAttribute('aria-describedby')!))).toBe(
      'Never published: publish it to export it.',
    );

    await type(field(root, 'Pack id'), 'team-aids');
    await type(field(root, 'Pack title'), 'Team aids');
    await click(button(root, 'Export selected (2)'));

    expect(exportPack).toHaveBeenCalledWith(
      ['my-aids/new-contact', 'hr/onboarding'],
      'team-aids',
      'Team aids',
    );
    expect(save).toHaveBeenCalledWith(
      'team-aids-1.0.0.json',
      '{\n  "id": "team-aids",\n  "aids": []\n}\n',
    );
    expect(textOf(root.querySelector('#aids-export [role="status"]'))).toBe(
      'Exported 2 aids to team-aids-1.0.0.json.',
    );
  });

  it('selects every published aid shown, and refuses a bad pack id next to the field', async () => {
    const exportPack = vi.fn(async () => ({ pack: {}, fileName: 'exported-aids.json' }));
    await mount(
      root,
      <AidList
        deps={fakeDeps({ list: async () => ({ aids: AIDS }), exportPack })}
        save={() => {}}
      />,
    );
    await click(button(root, 'Export…'));
    expect(field(root, 'Pack id').value).toBe('exported-aids');
    await click(button(root, 'Select all shown'));
    expect(button(root, /^Export selected/).textContent).toBe('Export selected (3)');

    await type(field(root, 'Pack id'), 'Team Aids');
    await click(button(root, 'Export selected (3)'));
    const id = field(root, 'Pack id');
    expect(id.getAttribute('aria-invalid')).toBe('true');
    expect(textOf(document.getElementById(id.getAttribute('aria-describedby')!))).toContain(
      'lower-case id',
    );
    expect(exportPack).not.toHaveBeenCalled();

    await type(field(root, 'Pack id'), 'exported-aids');
    await click(button(root, 'Export selected (3)'));
    expect(exportPack).toHaveBeenCalledWith(
      ['my-aids/new-contact', 'northwind/vat-number', 'hr/onboarding'],
      'exported-aids',
      'Exported aids',
    );
  });
});
