// @vitest-environment happy-dom
import Papa from 'papaparse';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  EVENT_COLUMNS,
  eventsCsv,
  guardCell,
  SUMMARY_COLUMNS,
  summaryCsv,
} from '../../../src/insights-ui/csv';
import { duration, presetDates, rangeOf } from '../../../src/insights-ui/format';
import type { InsightsDeps } from '../../../src/options/insights/deps';
import { EMPTY_HEALTH, HealthView } from '../../../src/options/insights/HealthView';
import { EMPTY_INSIGHTS, InsightsView } from '../../../src/options/insights/InsightsView';
import type { AidHealth, AidInsight, ExportedEvent } from '../../../src/protocol/insights';

// uPlot draws on a canvas, which the test DOM does not have: a stand-in records the data.
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

const NOW = new Date(2026, 10, 22, 12, 0).getTime();

const CHECKLIST: AidInsight = {
  aidKey: 'crm/new-contact',
  packId: 'crm',
  aidId: 'new-contact',
  title: 'New contact',
  kind: 'checklist',
  installed: true,
  shown: 12,
  runs: 5,
  started: 4,
  completed: 3,
  abandoned: 1,
  completionRate: 0.75,
  medianMsToComplete: 200_000,
  opened: 0,
  dismissed: 0,
  targetMissing: 1,
  targetHealed: 0,
  steps: [
    {
      stepId: 'name',
      text: 'Enter the name',
      doneAuto: 1,
      doneManual: 3,
      undone: 2,
      skipped: 0,
      topReasons: [],
      targetMissing: 1,
      targetHealed: 0,
      reached: 4,
    },
    {
      stepId: 'save',
      text: 'Save',
      doneAuto: 0,
      doneManual: 0,
      undone: 0,
      skipped: 3,
      topReasons: [
        { reason: 'Customer hung up', count: 2 },
        { reason: '=HYPERLINK("x")', count: 1 },
      ],
      targetMissing: 0,
      targetHealed: 0,
      reached: 3,
    },
  ],
};

const CHECKS: AidInsight = {
  aidKey: 'crm/new-contact-checks',
  packId: 'crm',
  aidId: 'new-contact-checks',
  title: 'New contact: field checks',
  kind: 'checks',
  installed: true,
  shown: 9,
  runs: 0,
  started: 0,
  completed: 0,
  abandoned: 0,
  completionRate: null,
  medianMsToComplete: null,
  opened: 0,
  dismissed: 0,
  targetMissing: 2,
  targetHealed: 0,
  steps: [],
  checks: [
    {
      checkId: 'email-format',
      message: 'This does not look like an email address: check it with the caller.',
      failed: 7,
      corrected: 5,
      overridden: 2,
      topReasons: [
        { reason: 'Customer spelt it out', count: 1 },
        { reason: '=HYPERLINK("x")', count: 1 },
      ],
      targetMissing: 0,
    },
    {
      checkId: 'phone-for-channel',
      message: 'The customer prefers Phone or SMS: enter their phone number.',
      failed: 3,
      corrected: 0,
      overridden: 0,
      topReasons: [],
      targetMissing: 2,
    },
  ],
};

const EVENTS: ExportedEvent[] = [
  {
    id: 'a1',
    at: Date.UTC(2026, 10, 20, 9, 30),
    type: 'step_skipped',
    packId: 'crm',
    packVersion: '1.0.0',
    aidId: 'new-contact',
    stepId: 'save',
    reason: '=cmd|"/c calc"!A1',
    url: 'https://crm.example.com/contacts/new',
  },
  {
    id: 'a2',
    at: Date.UTC(2026, 10, 20, 9, 31),
    type: 'target_healed',
    packId: 'crm',
    packVersion: '1.0.0',
    aidId: 'new-contact',
    stepId: 'name',
    url: 'https://crm.example.com/contacts/new',
    foundBy: 'label',
    failedSignals: ['css', 'attrs'],
  },
  {
    id: 'a3',
    at: Date.UTC(2026, 10, 20, 9, 32),
    type: 'step_skipped',
    packId: 'crm',
    packVersion: '1.0.0',
    aidId: 'new-contact',
    stepId: 'save',
    reason: '@SUM(1), "quoted", and more',
    url: 'https://crm.example.com/contacts/new',
  },
];

function fakeDeps(over: Partial<InsightsDeps> = {}) {
  const downloads: { name: string; text: string }[] = [];
  const deps: InsightsDeps = {
    summary: vi.fn(async (range) => ({ ...range, events: 40, aids: [CHECKLIST] })),
    events: vi.fn(async () => ({ events: EVENTS, truncated: false })),
    health: vi.fn(async () => ({ aids: [] })),
    download: (name, text) => {
      downloads.push({ name, text });
    },
    ...over,
  };
  return { deps, downloads };
}

let root: HTMLElement | null = null;

async function mount(node: preact.ComponentChild): Promise<HTMLElement> {
  root = document.createElement('div');
  document.body.append(root);
  await act(() => render(node, root!));
  await settle();
  return root;
}

/** Lets the fake deps' promises resolve and Preact re-render. */
async function settle() {
  await act(() => new Promise((r) => setTimeout(r, 0)));
}

afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  root = null;
  plots.length = 0;
});

const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim();

function figure(view: HTMLElement, label: string): string | undefined {
  const dt = [...view.querySelectorAll('dt')].find((d) => d.textContent === label);
  return text(dt?.nextElementSibling);
}

describe('InsightsView', () => {
  it('shows the numbers per aid and per step, and the drop-off as a chart and a table', async () => {
    const { deps } = fakeDeps();
    const view = await mount(<InsightsView deps={deps} now={() => NOW} />);
    // Last 30 days by default, inclusive of today.
    expect(deps.summary).toHaveBeenCalledWith(rangeOf(presetDates('last30', NOW)));
    expect(text(view.querySelector('h2'))).toBe('New contact');
    expect(figure(view, 'Shown')).toBe('12');
    expect(figure(view, 'Started')).toBe('4');
    expect(figure(view, 'Completed')).toBe('3');
    expect(figure(view, 'Left unfinished')).toBe('1');
    expect(figure(view, 'Completion rate')).toBe('75%');
    expect(figure(view, 'Median time to complete')).toBe('3 min 20 s');

    const steps = view.querySelector('table.steps')!;
    expect(text(steps.querySelector('caption'))).toContain('Steps of “New contact”');
    expect([...steps.querySelectorAll('thead th')].map((th) => th.getAttribute('scope'))).toEqual(
      Array(7).fill('col'),
    );
    const first = steps.querySelector('tbody tr')!;
    expect([...first.querySelectorAll('td')].map(text)).toEqual(['1', '3', '2', '0', '1', '0']);

    // Expanding a step shows its skip reasons, as text.
    const toggle = [...steps.querySelectorAll('button')].find((b) => text(b)?.includes('Save'))!;
    const details = view.querySelector(`#${CSS.escape(toggle.getAttribute('aria-controls')!)}`)!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect((details as HTMLElement).hidden).toBe(true);
    await act(() => toggle.click());
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect((details as HTMLElement).hidden).toBe(false);
    expect(text(details)).toContain('“Customer hung up”: 2');
    expect(text(details)).toContain('“=HYPERLINK("x")”: 1');

    // The chart's data and its text alternative hold the same numbers.
    expect(plots).toEqual([
      [
        [1, 2],
        [4, 3],
      ],
    ]);
    expect(view.querySelector('.chart')!.getAttribute('aria-hidden')).toBe('true');
    const drop = view.querySelector('table.dropoff-table')!;
    expect([...drop.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map(text))).toEqual([
      ['1. Enter the name', '4', '80%'],
      ['2. Save', '3', '60%'],
    ]);
  });

  it('says what to do when the period has no activity', async () => {
    const { deps } = fakeDeps({ summary: async () => ({ events: 0, aids: [] }) });
    const view = await mount(<InsightsView deps={deps} now={() => NOW} />);
    expect(text(view.querySelector('.empty'))).toBe(EMPTY_INSIGHTS);
    expect(view.querySelector('table')).toBeNull();
  });

  it('asks again when a preset is chosen', async () => {
    const { deps } = fakeDeps();
    const view = await mount(<InsightsView deps={deps} now={() => NOW} />);
    const all = [...view.querySelectorAll('button')].find((b) => text(b) === 'All time')!;
    await act(() => all.click());
    await settle();
    expect(deps.summary).toHaveBeenLastCalledWith({});
    expect(all.getAttribute('aria-pressed')).toBe('true');
  });

  it('asks for the days typed in the date inputs', async () => {
    const { deps } = fakeDeps();
    const view = await mount(<InsightsView deps={deps} now={() => NOW} />);
    const from = view.querySelector<HTMLInputElement>('input[type="date"]')!;
    expect(view.querySelector(`label[for="${from.id}"]`)?.textContent).toBe('From');
    from.value = '2026-11-01';
    await act(() => {
      from.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect(deps.summary).toHaveBeenLastCalledWith(
      rangeOf({ from: '2026-11-01', to: presetDates('last30', NOW).to }),
    );
    // No preset matches any more.
    expect(view.querySelectorAll('button[aria-pressed="true"]')).toHaveLength(0);
  });

  it('downloads the events as CSV: a header and one row per event, formulas guarded', async () => {
    const { deps, downloads } = fakeDeps();
    const view = await mount(<InsightsView deps={deps} now={() => NOW} />);
    const button = [...view.querySelectorAll('button')].find(
      (b) => text(b) === 'Download events (CSV)',
    )!;
    await act(() => button.click());
    await settle();
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.name).toMatch(/^inflow-events-.*\.csv$/);
    const parsed = Papa.parse<string[]>(downloads[0]!.text.replace(/^\uFEFF/, ''), {
      skipEmptyLines: true,
    });
    expect(parsed.data[0]).toEqual(EVENT_COLUMNS);
    expect(parsed.data).toHaveLength(1 + EVENTS.length);
    expect(parsed.data[1]).toEqual([
      'a1',
      '2026-11-20T09:30:00.000Z',
      'step_skipped',
      'crm',
      '1.0.0',
      'new-contact',
      'save',
      '',
      `'=cmd|"/c calc"!A1`,
      'https://crm.example.com/contacts/new',
      '',
      '',
    ]);
    expect(parsed.data[2]!.slice(10)).toEqual(['label', 'css attrs']);
    expect(parsed.data[3]![8]).toBe(`'@SUM(1), "quoted", and more`);
    expect(text(view.querySelector('[role="status"]'))).toBe('Downloaded 3 events.');
  });
});

describe('CSV', () => {
  it('guards every cell that a spreadsheet would read as a formula', () => {
    for (const bad of ['=1+1', '+1', '-1', '@A1', '\t=1', '\r=1']) {
      expect(guardCell(bad)).toBe(`'${bad}`);
    }
    expect(guardCell('a=1')).toBe('a=1');
    expect(guardCell(-1)).toBe(-1);
    expect(guardCell(undefined)).toBe('');
  });

  it('has one row per event, and per aid and step in the summary', () => {
    expect(eventsCsv([]).trim()).toBe(EVENT_COLUMNS.join(','));
    const rows = Papa.parse<string[]>(summaryCsv([CHECKLIST]), { skipEmptyLines: true }).data;
    expect(rows).toHaveLength(1 + 1 + CHECKLIST.steps.length);
    expect(rows[1]!.slice(0, 12)).toEqual([
      'crm',
      'new-contact',
      'New contact',
      'checklist',
      '',
      '',
      '12',
      '5',
      '4',
      '3',
      '0.75',
      '200',
    ]);
    expect(rows[3]![18]).toBe(`Customer hung up (2); =HYPERLINK("x") (1)`);
  });
});

describe('summary CSV of field checks', () => {
  const parse = (csvText: string) =>
    Papa.parse<string[]>(csvText.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
  /** The cells of a row under these columns. */
  const cells = (row: string[], names: string[]) =>
    Object.fromEntries(names.map((n) => [n, row[SUMMARY_COLUMNS.indexOf(n)]]));
  const CHECK_CELLS = [
    'aid',
    'kind',
    'step',
    'step text',
    'message shown',
    'corrected',
    'saved anyway',
    'top reasons for saving anyway',
    'target missing',
    'done automatically',
    'skipped',
    'top skip reasons',
    'runs that reached the step',
  ];

  it('has a row per check after the aid’s row, as a checklist has a row per step', () => {
    const rows = parse(summaryCsv([CHECKLIST, CHECKS]));
    expect(rows[0]).toEqual(SUMMARY_COLUMNS);
    for (const row of rows) expect(row).toHaveLength(SUMMARY_COLUMNS.length);
    expect(rows.map((r) => [r[1], r[4]])).toEqual([
      ['aid', 'step'],
      ['new-contact', ''],
      ['new-contact', 'name'],
      ['new-contact', 'save'],
      ['new-contact-checks', ''],
      ['new-contact-checks', 'email-format'],
      ['new-contact-checks', 'phone-for-channel'],
    ]);
    expect(cells(rows[4]!, ['shown', 'target missing', 'message shown', 'saved anyway'])).toEqual({
      shown: '9',
      'target missing': '2',
      'message shown': '',
      'saved anyway': '',
    });
    expect(cells(rows[5]!, CHECK_CELLS)).toEqual({
      aid: 'new-contact-checks',
      kind: 'checks',
      step: 'email-format',
      'step text': 'This does not look like an email address: check it with the caller.',
      'message shown': '7',
      corrected: '5',
      'saved anyway': '2',
      // Reasons as staff typed them, most frequent first, as for skip reasons.
      'top reasons for saving anyway': `Customer spelt it out (1); =HYPERLINK("x") (1)`,
      'target missing': '0',
      'done automatically': '',
      skipped: '',
      'top skip reasons': '',
      'runs that reached the step': '',
    });
    // The field not found is the check's target missing.
    expect(
      cells(rows[6]!, ['message shown', 'corrected', 'saved anyway', 'target missing']),
    ).toEqual({ 'message shown': '3', corrected: '0', 'saved anyway': '0', 'target missing': '2' });
    // A checklist's rows leave the check columns empty.
    expect(cells(rows[2]!, ['message shown', 'corrected', 'saved anyway'])).toEqual({
      'message shown': '',
      corrected: '',
      'saved anyway': '',
    });
  });

  it('guards a reason for saving anyway that would start a formula', () => {
    const first = {
      ...CHECKS.checks![1]!,
      topReasons: [{ reason: '=cmd|"/c calc"!A1', count: 4 }],
    };
    const rows = parse(summaryCsv([{ ...CHECKS, checks: [first] }]));
    expect(rows[2]![SUMMARY_COLUMNS.indexOf('top reasons for saving anyway')]).toBe(
      `'=cmd|"/c calc"!A1 (4)`,
    );
  });

  it('is what Download summary (CSV) saves', async () => {
    const { deps, downloads } = fakeDeps({
      summary: vi.fn(async () => ({ events: 12, aids: [CHECKS] })),
    });
    const view = await mount(<InsightsView deps={deps} now={() => NOW} />);
    const button = [...view.querySelectorAll('button')].find(
      (b) => text(b) === 'Download summary (CSV)',
    )!;
    await act(() => button.click());
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.name).toMatch(/^inflow-summary-.*\.csv$/);
    const rows = parse(downloads[0]!.text);
    expect(rows.map((r) => r[SUMMARY_COLUMNS.indexOf('step')])).toEqual([
      'step',
      '',
      'email-format',
      'phone-for-channel',
    ]);
    expect(rows[3]![SUMMARY_COLUMNS.indexOf('message shown')]).toBe('3');
  });
});

describe('format', () => {
  it('makes whole, inclusive days of a period', () => {
    const r = rangeOf({ from: '2026-11-16', to: '2026-11-22' });
    expect(r.from).toBe(new Date(2026, 10, 16).getTime());
    expect(r.to).toBe(new Date(2026, 10, 23).getTime() - 1);
    expect(rangeOf({ from: '', to: '' })).toEqual({});
    expect(presetDates('last7', NOW)).toEqual({ from: '2026-11-16', to: '2026-11-22' });
  });

  it('writes durations for people', () => {
    expect(duration(45_000)).toBe('45 s');
    expect(duration(3 * 3600_000 + 60_000)).toBe('3 h 1 min');
    expect(duration(26 * 3600_000)).toBe('1 day 2 h');
  });
});

const BROKEN: AidHealth = {
  aidKey: 'crm/new-contact',
  title: 'New contact',
  kind: 'checklist',
  installed: true,
  urls: ['https://crm.example.com/contacts/*'],
  missing: 4,
  healed: 1,
  pageViews: 3,
  lastSeen: NOW - 3600_000,
  failedSignals: { css: 5, label: 2 },
  foundBy: { label: 1 },
  targets: [
    {
      stepId: 'email',
      text: 'Enter the email',
      missing: 4,
      healed: 1,
      failedSignals: { css: 5, label: 2 },
      foundBy: { label: 1 },
      lastSeen: NOW - 3600_000,
    },
  ],
  feedback: [
    { at: NOW - 7200_000, url: 'https://crm.example.com/contacts/new', comment: '<b>Wrong</b>' },
  ],
  feedbackCount: 1,
};

describe('HealthView', () => {
  it('lists broken aids in the given order, with counts, signals, feedback and a link to the editor', async () => {
    const other: AidHealth = {
      ...BROKEN,
      aidKey: 'old/retired',
      title: 'Retired',
      installed: false,
      urls: [],
      targets: [],
      feedback: [],
      pageViews: 1,
    };
    const { deps } = fakeDeps({ health: vi.fn(async () => ({ aids: [BROKEN, other] })) });
    const view = await mount(<HealthView deps={deps} now={() => NOW} />);
    // The last 7 days by default, like the popup.
    expect(deps.health).toHaveBeenCalledWith(rangeOf(presetDates('last7', NOW)));
    expect([...view.querySelectorAll('h2')].map(text)).toEqual(['New contact', 'Retired']);
    expect(text(view.querySelector('.help'))).toContain('page views stand in for people');
    const item = view.querySelector('.health-item')!;
    expect(figure(item as HTMLElement, 'Page views affected')).toBe('3');
    expect(figure(item as HTMLElement, 'Target missing')).toBe('4');
    expect(figure(item as HTMLElement, 'Signals that failed')).toBe('css 5, label 2');
    expect(figure(item as HTMLElement, 'Found instead by')).toBe('label 1');
    expect(text(item.querySelector('.urls'))).toBe('https://crm.example.com/contacts/*');
    const link = item.querySelector('a.fix')!;
    expect(text(link)).toBe('Fix in the editor');
    expect(link.getAttribute('href')).toBe('#aids/edit/crm%2Fnew-contact');
    expect([...item.querySelectorAll('table.targets tbody td')].slice(0, 4).map(text)).toEqual([
      '4',
      '1',
      'css 5, label 2',
      'label 1',
    ]);
    // A comment is shown as text, never as markup.
    expect(text(item.querySelector('.comment'))).toBe('<b>Wrong</b>');
    expect(item.querySelector('.comment b')).toBeNull();
    expect(view.querySelectorAll('a.fix')).toHaveLength(1);
  });

  it('says in words which steps’ rules can never hold, and how often', async () => {
    const aid: AidHealth = {
      ...BROKEN,
      missing: 0,
      healed: 0,
      unworkable: 3,
      targets: [
        {
          stepId: 'notes',
          text: 'Write the notes',
          missing: 0,
          healed: 0,
          failedSignals: {},
          foundBy: {},
          lastSeen: NOW - 3600_000,
          rule: 'filled',
          unworkable: { no_value: 2 },
        },
        {
          stepId: 'ok',
          text: 'Tick the box',
          missing: 0,
          healed: 0,
          failedSignals: {},
          foundBy: {},
          lastSeen: NOW - 3600_000,
          rule: 'checked',
          unworkable: { no_checked_state: 1 },
        },
      ],
      feedback: [],
      feedbackCount: 0,
    };
    const { deps } = fakeDeps({ health: vi.fn(async () => ({ aids: [aid] })) });
    const view = await mount(<HealthView deps={deps} now={() => NOW} />);
    const item = view.querySelector('.health-item') as HTMLElement;
    expect(figure(item, 'Rules that can never hold')).toBe('3');
    // Steps with only a rule problem are not listed as broken targets.
    expect(item.querySelector('table.targets')).toBeNull();
    expect([...item.querySelectorAll('.unworkable li')].map(text)).toEqual([
      'Write the notes' +
        '“Filled” can never hold here: the element has no value a person can type or choose ' +
        'that Inflow can read. Point the rule at the field itself (for a web component, the ' +
        'field inside it). Reported on 2 page views.',
      'Tick the box' +
        '“Checked” can never hold here: the element has no checked state (it is not a checkbox, ' +
        'switch or radio). Point the rule at the box itself. Reported on 1 page view.',
    ]);
  });

  it('says nothing is broken when no aid has a problem', async () => {
    const { deps } = fakeDeps();
    const view = await mount(<HealthView deps={deps} now={() => NOW} />);
    expect(text(view.querySelector('.empty'))).toBe(EMPTY_HEALTH);
  });
});
