// @vitest-environment happy-dom
import axe from 'axe-core';
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AidList } from '../../../src/options/authoring/AidList';
import { UrlTester } from '../../../src/options/authoring/UrlTester';
import type { ImportResult } from '../../../src/protocol/authoring';
import { button, chooseFile, click, fakeDeps, field, item, mount, type } from './helpers';

const AIDS = [
  item({ key: 'my-aids/new-contact', title: 'New contact', hasDraft: true, missing: 1 }),
  item({
    key: 'northwind/vat-number',
    title: 'VAT number format',
    kind: 'tip',
    editable: false,
    readOnlyReason: 'From your organisation’s pack: read-only.',
  }),
  item({ key: 'my-aids/close-case', title: 'Close a case', published: false, hasDraft: true }),
];

let root: HTMLElement;

beforeEach(() => {
  document.documentElement.lang = 'en';
  document.title = 'Inflow options';
  root = document.createElement('main');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

/** Serious and critical violations; contrast needs layout, which happy-dom does not do. */
async function serious(): Promise<string[]> {
  const results = await axe.run(root, { rules: { 'color-contrast': { enabled: false } } });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' ')}`);
}

describe('accessibility of the Aids view', () => {
  it('the list, with the export and import panels open, has no serious violations', async () => {
    const importPack = async (): Promise<ImportResult> => ({
      ok: false,
      problems: [{ path: 'aids[0].id', message: 'must be a lower-case id' }],
    });
    await mount(
      root,
      <AidList deps={fakeDeps({ list: async () => ({ aids: AIDS }), importPack })} />,
    );
    await click(button(root, 'Export…'));
    await click(button(root, 'Import a pack file'));
    expect(await serious()).toEqual([]);
    await chooseFile(field(root, 'Pack file (JSON)'), new File(['{}'], 'x.json'));
    expect(await serious()).toEqual([]);
  });

  it('the empty list has no serious violations', async () => {
    await mount(root, <AidList deps={fakeDeps({ list: async () => ({ aids: [] }) })} />);
    expect(await serious()).toEqual([]);
  });

  it('the URL tester, with an error and with results, has no serious violations', async () => {
    const testUrl = async () => ({
      results: [
        { key: 'a/b', title: 'B', applies: true, reasons: [] },
        { key: 'a/c', title: 'C', applies: false, reasons: ['No URL pattern matches.'] },
      ],
    });
    await mount(root, <UrlTester deps={fakeDeps({ testUrl })} />);
    await click(button(root, 'Test'));
    expect(await serious()).toEqual([]);
    await type(field(root, 'Page address (URL)'), 'https://crm.example.com/');
    await click(button(root, 'Test'));
    expect(await serious()).toEqual([]);
  });
});
