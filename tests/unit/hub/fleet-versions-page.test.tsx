// @vitest-environment happy-dom
/**
 * The Versions page with a fake `get`: what a person sees and hears for the answers of
 * GET /api/insights/summary and GET /api/insights/versions.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HubGet } from '../../../src/hub/web/get';
import { FleetVersions, NO_AIDS, rateText } from '../../../src/hub/web/pages/FleetVersions';
import type { FleetSummary } from '../../../src/protocol/fleet';
import type { FleetVersions as Answer, FleetVersion } from '../../../src/protocol/fleet-versions';

/** A summary of checklists (with a step) with these keys, and a tip (no steps). */
const summary = (...keys: string[]): FleetSummary =>
  ({
    query: {},
    minGroup: 5,
    aids: [
      ...keys.map((aidKey) => ({ aidKey, packId: 'crm', steps: [{ stepId: 'name' }] })),
      { aidKey: 'crm/save-tip', packId: 'crm', steps: [] },
    ],
  }) as unknown as FleetSummary;

const hidden = (version: string, day: string): FleetVersion => ({
  version,
  firstDay: day,
  lastDay: day,
  people: null,
  fewerThan: 5,
  finishedRuns: null,
  completed: null,
  abandoned: null,
  stepsDone: null,
  stepsSkipped: null,
  completionRate: null,
  abandonRate: null,
  skipRate: null,
  timeToComplete: {
    people: null,
    fewerThan: 5,
    runs: null,
    medianMs: null,
    q1Ms: null,
    q3Ms: null,
  },
  change: null,
});

const v190: FleetVersion = {
  version: '1.9.0',
  firstDay: '2026-03-02',
  lastDay: '2026-03-03',
  people: 8,
  fewerThan: null,
  finishedRuns: 80,
  completed: 48,
  abandoned: 32,
  stepsDone: 133,
  stepsSkipped: 15,
  completionRate: { rate: 0.6, low: 0.4905, high: 0.7007 },
  abandonRate: { rate: 0.4, low: 0.2993, high: 0.5095 },
  skipRate: { rate: 0.1014, low: 0.0624, high: 0.1605 },
  timeToComplete: {
    people: 8,
    fewerThan: null,
    runs: 48,
    medianMs: 24_500,
    q1Ms: 12_750,
    q3Ms: 36_250,
  },
  change: null,
};

const v1100: FleetVersion = {
  ...v190,
  version: '1.10.0',
  firstDay: '2026-03-04',
  lastDay: '2026-03-04',
  people: 6,
  finishedRuns: 70,
  completed: 56,
  abandoned: 14,
  stepsDone: 28,
  stepsSkipped: 1,
  completionRate: { rate: 0.8, low: 0.692, high: 0.8769 },
  abandonRate: { rate: 0.2, low: 0.1231, high: 0.308 },
  skipRate: { rate: 0.0345, low: 0.0061, high: 0.1718 },
  timeToComplete: { ...v190.timeToComplete, people: 6, runs: 55, medianMs: 14_000 },
  change: {
    from: '1.9.0',
    completionRate: { difference: 0.2, low: 0.0524, high: 0.3339, verdict: 'better' },
    abandonRate: { difference: -0.2, low: -0.3339, high: -0.0524, verdict: 'better' },
    skipRate: { difference: -0.0669, low: -0.1184, high: 0.0713, verdict: 'no clear change' },
    medianMsDifference: -10_500,
  },
};

const answer = (...versions: FleetVersion[]): Answer => ({
  query: { aid: 'crm/new-contact' },
  minGroup: 5,
  versions,
});

let root: HTMLElement | null = null;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  root = null;
});

async function show(routes: Record<string, unknown | Error>) {
  const asked: string[] = [];
  const get = vi.fn(async (path: string) => {
    asked.push(path);
    const r = routes[path];
    if (r === undefined) throw new Error(`no route for ${path}`);
    if (r instanceof Error) throw r;
    return r;
  }) as unknown as HubGet;
  root = document.createElement('div');
  document.body.append(root);
  await act(async () => {
    render(<FleetVersions get={get} />, root!);
  });
  await settle();
  return { root, asked };
}

async function settle() {
  for (let i = 0; i < 5; i++) {
    await act(async () => {
      await new Promise((done) => setTimeout(done, 0));
    });
  }
}

const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim();
const VERSIONS = '/api/insights/versions?aid=crm%2Fnew-contact';

describe('the Versions page', () => {
  it('shows the versions of the first aid in a table with a caption and headers', async () => {
    const { root, asked } = await show({
      '/api/insights/summary': summary('crm/new-contact', 'crm/other'),
      [VERSIONS]: answer(v190, hidden('1.9.1', '2026-03-03'), v1100),
    });
    expect(asked).toEqual(['/api/packs', '/api/insights/summary', VERSIONS]);
    const select = root.querySelector('select')!;
    expect(root.querySelector(`label[for="${select.id}"]`)?.textContent).toBe('Checklist');
    // Checklists only: the tip has no runs.
    expect([...select.options].map((o) => o.value)).toEqual(['crm/new-contact', 'crm/other']);

    const table = root.querySelector('table')!;
    expect(text(table.querySelector('caption'))).toBe(
      'Versions of crm/new-contact, in the order they were first used',
    );
    expect([...table.querySelectorAll('thead th[scope="col"]')].map(text)).toEqual([
      'Version',
      'Used (UTC days)',
      'People',
      'Finished runs',
      'Completion rate',
      'Abandon rate',
      'Step skip rate',
      'Time to complete',
    ]);
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map(text));
    expect(rows[0]).toEqual([
      '1.9.0',
      '2026-03-02 to 2026-03-03',
      '8',
      '80 (48 completed, 32 abandoned)',
      '60% (49–70%)',
      '40% (30–51%)',
      '10% (6–16%)15 of 148 steps skipped',
      'median 25 s (half between 13 s and 36 s), 48 runs',
    ]);
    // The hidden version: no count, no rate.
    expect(rows[1]).toEqual(['1.9.1', '2026-03-03', 'fewer than 5 people: not shown']);
    expect(rows[2]?.[4]).toBe('80% (69–88%)');
    expect(table.querySelectorAll('tbody th[scope="row"]')).toHaveLength(3);
    const change = root.querySelector('.version-change')!;
    expect(text(change.querySelector('h3'))).toBe('1.10.0 against 1.9.0');
    expect([...change.querySelectorAll('li')].map(text)).toEqual([
      'Completion rate: +20 points (+5 to +33): better',
      'Abandon rate: \u221220 points (\u221233 to \u22125): better',
      'Step skip rate: \u22127 points (\u221212 to +7): no clear change',
      'median time: 11 s shorter',
    ]);
    expect(root.textContent).not.toContain('Too little data');
  });

  it('loads the versions of the aid chosen', async () => {
    const other = '/api/insights/versions?aid=crm%2Fother';
    const { root, asked } = await show({
      '/api/insights/summary': summary('crm/new-contact', 'crm/other'),
      [VERSIONS]: answer(v190, v1100),
      [other]: answer({ ...v190, version: '2.0.0' }),
    });
    const select = root.querySelector('select')!;
    await act(async () => {
      select.value = 'crm/other';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect(asked.at(-1)).toBe(other);
    expect(text(root.querySelector('caption'))).toContain('crm/other');
    expect(text(root.querySelector('tbody th'))).toBe('2.0.0');
    // One version shown: nothing to compare, said in words.
    expect(text(root.querySelector('.empty'))).toBe(
      'Too little data to compare: only version 2.0.0 was used by at least 5 people.',
    );
    expect(root.querySelector('.version-change')).toBeNull();
  });

  it('says plainly when every version is too small, or nothing was recorded', async () => {
    const few = await show({
      '/api/insights/summary': summary('crm/new-contact'),
      [VERSIONS]: answer(hidden('1.0.0', '2026-03-02')),
    });
    expect(text(few.root.querySelector('.empty'))).toBe(
      'Too little data: every version of this aid was used by fewer than 5 people.',
    );
    render(null, few.root);
    const none = await show({ '/api/insights/summary': summary() });
    expect(text(none.root)).toBe(NO_AIDS);
    expect(none.asked).toEqual(['/api/packs', '/api/insights/summary']);
  });

  it("shows the hub's error, and a version as text, never markup", async () => {
    const failed = await show({ '/api/insights/summary': new Error('sign in first') });
    expect(text(failed.root.querySelector('[role="alert"]'))).toBe(
      'Could not load the aids: sign in first',
    );
    render(null, failed.root);
    const odd = await show({
      '/api/insights/summary': summary('crm/new-contact'),
      [VERSIONS]: answer({ ...v190, version: '<img src=x>' }),
    });
    expect(odd.root.querySelector('img')).toBeNull();
    expect(text(odd.root.querySelector('tbody th'))).toBe('<img src=x>');
  });
});

describe('the period', () => {
  it('asks for the UTC days chosen', async () => {
    const from = `${VERSIONS}&from=2026-03-04`;
    const { root, asked } = await show({
      '/api/insights/summary': summary('crm/new-contact'),
      [VERSIONS]: answer(v190, v1100),
      [from]: answer({ ...v1100, change: null }),
    });
    const input = [...root.querySelectorAll('label')].find((l) => l.textContent === 'From')!;
    const field = root.querySelector<HTMLInputElement>(`#${CSS.escape(input.htmlFor)}`)!;
    await act(async () => {
      field.value = '2026-03-04';
      field.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect(asked.at(-1)).toBe(from);
    expect([...root.querySelectorAll('tbody th')].map(text)).toEqual(['1.10.0']);
  });
});

describe('rateText', () => {
  it('writes a rate with its interval, and a dash for none', () => {
    expect(rateText({ rate: 0.62, low: 0.55, high: 0.69 })).toBe('62% (55–69%)');
    expect(rateText(null)).toBe('—');
  });

  it('names the checklists from the published packs, keeping the key beside the title', async () => {
    const { root } = await show({
      '/api/packs': {
        packs: [
          {
            id: 'crm',
            title: 'CRM',
            version: '1.0.0',
            aids: [
              {
                id: 'new-contact',
                key: 'crm/new-contact',
                title: 'New contact',
                kind: 'checklist',
                steps: [],
              },
            ],
          },
        ],
      },
      '/api/insights/summary': summary('crm/new-contact', 'crm/other'),
      [VERSIONS]: answer(v190, v1100),
    });
    const options = [...root.querySelectorAll('option')].map((o) => text(o));
    expect(options).toEqual(['New contact (crm/new-contact)', 'crm/other']);
    expect(text(root.querySelector('caption'))).toBe(
      'Versions of New contact (crm/new-contact), in the order they were first used',
    );
  });
});
