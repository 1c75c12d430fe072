// @vitest-environment happy-dom
/**
 * The hub's fleet Insights view with a fake `get`: names from the stored packs, rows hidden
 * by the fewer-than rule, the filters' query string, and the CSV of what is shown.
 */
import Papa from 'papaparse';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FLEET_COLUMNS } from '../../../src/hub/web/fleet-view';
import type { HubGet } from '../../../src/hub/web/get';
import { FleetInsights, summaryPath } from '../../../src/hub/web/pages/FleetInsights';
import { presetDates } from '../../../src/insights-ui/format';
import type { FleetAidInsight, FleetFilters, FleetSummary } from '../../../src/protocol/fleet';
import type { PackNamesAnswer } from '../../../src/protocol/packs';

const plots: unknown[][] = [];
vi.mock('uplot', () => {
  class FakePlot {
    static paths = { bars: () => () => null };
    constructor(_opts: unknown, data: unknown[]) {
      plots.push(data);
    }
    destroy() {}
  }
  return { default: FakePlot };
});

const HOSTILE = '<img src=x onerror="alert(1)">Refund';

const NEW_CONTACT: FleetAidInsight = {
  aidKey: 'crm/new-contact',
  packId: 'crm',
  versions: ['1.0.0', '1.1.0'],
  people: 12,
  fewerThan: null,
  started: 10,
  medianMs: 245_000,
  shown: 40,
  completed: 7,
  abandoned: 2,
  opened: 0,
  targetMissing: 3,
  targetHealed: 1,
  steps: [
    // In id order, as the hub answers; the pack's order is email, phone, notes.
    {
      stepId: 'notes',
      people: null,
      fewerThan: 5,
      doneAuto: null,
      doneManual: null,
      done: null,
      undone: null,
      skipped: null,
      topReasons: [],
      targetMissing: null,
      targetHealed: null,
      failed: null,
      corrected: null,
      overridden: null,
      reached: null,
    },
    {
      stepId: 'email',
      people: 10,
      fewerThan: null,
      doneAuto: 4,
      doneManual: 6,
      done: 10,
      undone: 1,
      skipped: 0,
      topReasons: [],
      targetMissing: 2,
      targetHealed: 1,
      failed: 0,
      corrected: 0,
      overridden: 0,
      reached: 10,
    },
    {
      stepId: 'phone',
      people: 8,
      fewerThan: null,
      doneAuto: 0,
      doneManual: 1,
      done: 1,
      undone: 0,
      skipped: 7,
      topReasons: [
        { reason: 'no number <b>given</b>', count: 6 },
        { reason: '=HYPERLINK("http://x")', count: 5 },
      ],
      targetMissing: 1,
      targetHealed: 0,
      failed: 0,
      corrected: 0,
      overridden: 0,
      reached: 8,
    },
  ],
};

const SMALL: FleetAidInsight = {
  aidKey: 'crm/refund',
  packId: 'crm',
  versions: ['1.1.0'],
  people: null,
  fewerThan: 5,
  started: null,
  medianMs: null,
  shown: null,
  completed: null,
  abandoned: null,
  opened: null,
  targetMissing: null,
  targetHealed: null,
  steps: [],
};

const SUMMARY: FleetSummary = { query: {}, minGroup: 5, aids: [SMALL, NEW_CONTACT] };

const FILTERS: FleetFilters = {
  teams: ['back-office', 'front-desk'],
  roles: ['agent'],
  packs: [
    { id: 'crm', versions: ['1.1.0', '1.0.0'] },
    { id: 'hr', versions: ['2.0.0'] },
  ],
};

const NAMES: PackNamesAnswer = {
  packs: [
    {
      id: 'crm',
      version: '1.1.0',
      title: 'Northwind CRM',
      aids: [
        {
          id: 'new-contact',
          key: 'crm/new-contact',
          title: 'New contact',
          kind: 'checklist',
          steps: [
            { id: 'email', text: 'Enter the email' },
            { id: 'phone', text: 'Enter the phone' },
            { id: 'notes', text: 'Write notes' },
          ],
        },
        { id: 'refund', key: 'crm/refund', title: HOSTILE, kind: 'checklist', steps: [] },
      ],
    },
  ],
};

function fakeGet(over: Record<string, unknown> = {}) {
  const paths: string[] = [];
  const get = vi.fn(async (path: string) => {
    paths.push(path);
    const base = path.split('?')[0]!;
    if (base in over) {
      const v = over[base];
      if (v instanceof Error) throw v;
      return v;
    }
    if (base === '/api/insights/summary') return SUMMARY;
    if (base === '/api/insights/filters') return FILTERS;
    if (base === '/api/packs') return NAMES;
    throw new Error(`unexpected ${path}`);
  }) as unknown as HubGet;
  return { get, paths };
}

let root: HTMLElement | null = null;

async function mount(get: HubGet): Promise<HTMLElement> {
  root = document.createElement('div');
  document.body.append(root);
  await act(() => render(<FleetInsights get={get} />, root!));
  await settle();
  return root;
}

async function settle() {
  await act(() => new Promise((r) => setTimeout(r, 0)));
}

const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim();

function figure(scope: Element, label: string): string | undefined {
  const dt = [...scope.querySelectorAll('dt')].find((d) => d.textContent === label);
  return text(dt?.nextElementSibling);
}

function section(view: HTMLElement, title: string): HTMLElement {
  return [...view.querySelectorAll<HTMLElement>('section.aid-insight')].find(
    (s) => s.querySelector('h2')?.textContent === title,
  )!;
}

async function choose(select: HTMLSelectElement, value: string) {
  select.value = value;
  await act(() => {
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle();
}

const NOW = new Date(2026, 10, 22, 12).getTime();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  if (root) render(null, root);
  root?.remove();
  root = null;
  plots.length = 0;
});

describe('FleetInsights', () => {
  it('names aids and steps from the packs, in their order, with figures and counts', async () => {
    const { get } = fakeGet();
    const view = await mount(get);
    expect([...view.querySelectorAll('h2:not(.visually-hidden)')].map(text)).toEqual([
      'New contact',
      HOSTILE,
    ]);
    const aid = section(view, 'New contact');
    expect(text(aid.querySelector('.meta'))).toBe(
      'Checklist from Northwind CRM (crm), versions 1.0.0, 1.1.0',
    );
    expect(figure(aid, 'People')).toBe('12');
    expect(figure(aid, 'People who started')).toBe('10');
    expect(figure(aid, 'Shown')).toBe('40');
    expect(figure(aid, 'Completed')).toBe('7');
    expect(figure(aid, 'Median time to complete')).toBe('about 4 min 5 s');

    const steps = aid.querySelector('table.steps')!;
    const rows = [...steps.querySelectorAll('tbody > tr:not(.details)')];
    expect(rows.map((tr) => [...tr.children].map(text))).toEqual([
      ['▸1. Enter the email', '10', '4', '6', '1', '0', '2', '1'],
      ['▸2. Enter the phone', '8', '0', '1', '0', '7', '1', '0'],
      ['3. Write notes', 'fewer than 5 people'],
    ]);
    // The hidden row has no button to expand: there is nothing to show.
    expect(rows[2]!.querySelector('button')).toBeNull();

    // Reasons are text, never markup.
    const toggle = rows[1]!.querySelector('button')!;
    await act(() => toggle.click());
    const details = view.querySelector(`#${CSS.escape(toggle.getAttribute('aria-controls')!)}`)!;
    expect(text(details)).toContain('Reached by 8 people. Skipped 7 times.');
    expect(text(details)).toContain('“no number <b>given</b>”: 6');
    expect(details.querySelector('b')).toBeNull();

    // Drop-off by people: the hidden step reads "fewer than 5" and has no bar.
    const drop = aid.querySelector('table.dropoff-table')!;
    expect([...drop.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map(text))).toEqual([
      ['1. Enter the email', '10', '100%'],
      ['2. Enter the phone', '8', '80%'],
      ['3. Write notes', 'fewer than 5', '—'],
    ]);
    expect(plots).toEqual([
      [
        [1, 2, 3],
        [10, 8, null],
      ],
    ]);
  });

  it('shows field checks as checks: caught, corrected, saved anyway, and why', async () => {
    const checks: FleetAidInsight = {
      ...NEW_CONTACT,
      aidKey: 'crm/contact-checks',
      completed: null,
      abandoned: null,
      steps: [
        {
          ...NEW_CONTACT.steps[1]!,
          stepId: 'refund',
          people: 6,
          skipped: 0,
          failed: 7,
          corrected: 1,
          overridden: 6,
          targetMissing: 0,
          topReasons: [{ reason: 'Manager approved', count: 5 }],
        },
      ],
    };
    const names: PackNamesAnswer = {
      packs: [
        {
          ...NAMES.packs[0]!,
          aids: [
            {
              id: 'contact-checks',
              key: 'crm/contact-checks',
              title: 'Contact checks',
              kind: 'checks',
              steps: [{ id: 'refund', text: 'A refund over 500 needs a manager code.' }],
            },
          ],
        },
      ],
    };
    const { get } = fakeGet({
      '/api/insights/summary': { ...SUMMARY, aids: [checks] },
      '/api/packs': names,
    });
    const view = await mount(get);
    const s = section(view, 'Contact checks');
    expect(text(s.querySelector('.meta'))).toMatch(/^Field checks from Northwind CRM/);
    expect(figure(s, 'Completed')).toBeUndefined();
    const table = s.querySelector('table')!;
    expect(text(table.querySelector('caption'))).toMatch(/^Checks of “Contact checks”/);
    expect([...table.querySelectorAll('thead th')].map(text)).toEqual([
      'Check',
      'People',
      'Message shown',
      'Corrected',
      'Saved anyway',
      'Field not found',
    ]);
    const row = [...table.querySelectorAll('tbody tr')][0]!;
    expect(text(row.querySelector('th'))).toContain('A refund over 500 needs a manager code.');
    expect([...row.querySelectorAll('td')].map(text)).toEqual(['6', '7', '1', '6', '0']);
    expect(text(table)).toContain('Most common reasons for saving anyway:“Manager approved”: 5');
    // No drop-off: checks are not a path.
    expect(s.querySelector('.chart')).toBeNull();

    // The CSV has a row per check, with the check's own columns.
    const blobs: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:fake';
    });
    const button = [...view.querySelectorAll('button')].find(
      (b) => text(b) === 'Download what is shown (CSV)',
    )!;
    await act(() => button.click());
    create.mockRestore();
    const rows = Papa.parse<string[]>((await blobs[0]!.text()).replace(/^\uFEFF/, ''), {
      skipEmptyLines: true,
    }).data;
    for (const r of rows) expect(r).toHaveLength(FLEET_COLUMNS.length);
    const cells = (r: string[], names: string[]) =>
      Object.fromEntries(names.map((n) => [n, r[FLEET_COLUMNS.indexOf(n)]]));
    expect(rows.map((r) => r[FLEET_COLUMNS.indexOf('step')])).toEqual(['step', '', 'refund']);
    expect(
      cells(rows[2]!, [
        'kind',
        'step text',
        'people',
        'message shown',
        'corrected',
        'saved anyway',
        'top reasons for saving anyway',
        'target missing',
        'skipped',
        'top skip reasons',
        'people who reached the step',
      ]),
    ).toEqual({
      kind: 'checks',
      'step text': 'A refund over 500 needs a manager code.',
      people: '6',
      'message shown': '7',
      corrected: '1',
      'saved anyway': '6',
      'top reasons for saving anyway': 'Manager approved (5)',
      'target missing': '0',
      skipped: '',
      'top skip reasons': '',
      'people who reached the step': '',
    });
  });

  it('shows an aid used by fewer than 5 people as such, its title as text', async () => {
    const { get } = fakeGet();
    const view = await mount(get);
    const small = section(view, HOSTILE);
    expect(text(small.querySelector('.hidden-aid'))).toBe('fewer than 5 people');
    expect(small.querySelector('img')).toBeNull();
    expect(small.querySelector('dl, table')).toBeNull();
  });

  it('falls back to ids when the hub has no pack naming an aid', async () => {
    const { get } = fakeGet({ '/api/packs': { packs: [] } });
    const view = await mount(get);
    const aid = section(view, 'new-contact');
    expect(text(aid.querySelector('.meta'))).toBe('Aid from crm, versions 1.0.0, 1.1.0');
    const first = aid.querySelector('table.steps tbody th');
    expect(text(first)).toBe('▸1. email');
  });

  it('asks again with the filters in the query string', async () => {
    const { get, paths } = fakeGet();
    const view = await mount(get);
    const last30 = presetDates('last30', NOW);
    expect(paths).toContain(`/api/insights/summary?from=${last30.from}&to=${last30.to}`);

    const select = (label: string) => {
      const l = [...view.querySelectorAll('label')].find((x) => text(x) === label)!;
      return view.querySelector<HTMLSelectElement>(`#${CSS.escape(l.htmlFor)}`)!;
    };
    expect([...select('Team').options].map((o) => o.value)).toEqual([
      '',
      'back-office',
      'front-desk',
    ]);
    await choose(select('Team'), 'front-desk');
    expect(paths.at(-1)).toBe(
      `/api/insights/summary?from=${last30.from}&to=${last30.to}&team=front-desk`,
    );
    await choose(select('Role'), 'agent');
    // Versions are offered once an app is chosen, and only its versions.
    expect(select('Pack version').disabled).toBe(true);
    expect([...select('App').options].map(text)).toEqual(['All apps', 'Northwind CRM (crm)', 'hr']);
    await choose(select('App'), 'crm');
    expect(select('Pack version').disabled).toBe(false);
    expect([...select('Pack version').options].map((o) => o.value)).toEqual(['', '1.1.0', '1.0.0']);
    await choose(select('Pack version'), '1.0.0');
    const all = [...view.querySelectorAll('button')].find((b) => text(b) === 'All time')!;
    await act(() => all.click());
    await settle();
    expect(paths.at(-1)).toBe(
      '/api/insights/summary?team=front-desk&role=agent&pack=crm&version=1.0.0',
    );
    // Another app drops the version chosen for the first.
    await choose(select('App'), 'hr');
    expect(paths.at(-1)).toBe('/api/insights/summary?team=front-desk&role=agent&pack=hr');
  });

  it('says why when the hub refuses, in an alert', async () => {
    const { get } = fakeGet({ '/api/insights/summary': new Error('sign in first') });
    const view = await mount(get);
    expect(text(view.querySelector('[role="alert"]'))).toBe(
      'Could not read the fleet insights: sign in first',
    );
  });

  it('downloads what is shown as CSV, hidden counts as "fewer than 5", formulas guarded', async () => {
    const blobs: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:fake';
    });
    const { get } = fakeGet();
    const view = await mount(get);
    const button = [...view.querySelectorAll('button')].find(
      (b) => text(b) === 'Download what is shown (CSV)',
    )!;
    await act(() => button.click());
    create.mockRestore();
    expect(blobs).toHaveLength(1);
    const csvText = (await blobs[0]!.text()).replace(/^\uFEFF/, '');
    const rows = Papa.parse<string[]>(csvText, { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual(FLEET_COLUMNS);
    const col = (name: string) => FLEET_COLUMNS.indexOf(name);
    // New contact, its 3 steps, then the small aid.
    expect(rows.map((r) => [r[col('aid title')], r[col('step')]])).toEqual([
      ['aid title', 'step'],
      ['New contact', ''],
      ['New contact', 'email'],
      ['New contact', 'phone'],
      ['New contact', 'notes'],
      [HOSTILE, ''],
    ]);
    expect(rows[1]![col('people who started')]).toBe('10');
    expect(rows[3]![col('skipped')]).toBe('7');
    expect(rows[3]![col('top skip reasons')]).toBe(
      'no number <b>given</b> (6); =HYPERLINK("http://x") (5)',
    );
    expect(rows[4]![col('people')]).toBe('fewer than 5');
    expect(rows[4]![col('people who reached the step')]).toBe('fewer than 5');
    expect(rows[5]![col('shown')]).toBe('fewer than 5');
    expect(rows[1]![col('median seconds to complete')]).toBe('245');
    expect(rows[5]![col('median seconds to complete')]).toBe('fewer than 5');
    expect(text(view.querySelector('[role="status"]'))).toBe('Downloaded the figures of 2 aids.');
  });

  it('guards a reason that would start a formula', async () => {
    const first = {
      ...NEW_CONTACT.steps[2]!,
      topReasons: [{ reason: '=cmd|"/c calc"!A1', count: 5 }],
    };
    const summary: FleetSummary = {
      ...SUMMARY,
      aids: [{ ...NEW_CONTACT, steps: [first] }],
    };
    const blobs: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:fake';
    });
    const view = await mount(fakeGet({ '/api/insights/summary': summary }).get);
    const button = [...view.querySelectorAll('button')].find((b) =>
      text(b)?.startsWith('Download'),
    )!;
    await act(() => button.click());
    create.mockRestore();
    const rows = Papa.parse<string[]>((await blobs[0]!.text()).replace(/^\uFEFF/, ''), {
      skipEmptyLines: true,
    }).data;
    expect(rows[2]![FLEET_COLUMNS.indexOf('top skip reasons')]).toBe(`'=cmd|"/c calc"!A1 (5)`);
  });
});

describe('summaryPath', () => {
  it('leaves out what is not set, and a version without an app', () => {
    const none = { from: '', to: '' };
    expect(summaryPath({ dates: none, team: '', role: '', pack: '', version: '1.0.0' })).toBe(
      '/api/insights/summary',
    );
    expect(
      summaryPath({
        dates: { from: '2026-01-01', to: '' },
        team: 'a&b',
        role: '',
        pack: '',
        version: '',
      }),
    ).toBe('/api/insights/summary?from=2026-01-01&team=a%26b');
  });
});
