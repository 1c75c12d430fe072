// @vitest-environment happy-dom
/**
 * The hub's fleet Health page with a fake `get`: what it asks the API for, alerts first,
 * aids with their counts and failed signals, "fewer than 5 people" rows without counts,
 * comments as text, and the loading and error states.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HubGet } from '../../../src/hub/web/get';
import {
  EMPTY_FLEET_HEALTH,
  FleetHealth,
  healthPath,
} from '../../../src/hub/web/pages/FleetHealth';
import { presetDates } from '../../../src/insights-ui/format';
import type { FleetAidHealth, FleetHealth as Health } from '../../../src/protocol/fleet-health';
import type { PackNamesAnswer } from '../../../src/protocol/packs';
import { click, settle, textOf } from '../options/helpers';

let root: HTMLElement | null = null;

afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  root = null;
});

async function mount(get: HubGet): Promise<HTMLElement> {
  root = document.createElement('div');
  document.body.append(root);
  await act(() => render(<FleetHealth get={get} />, root!));
  await settle();
  return root;
}

function figure(view: Element, label: string): string | undefined {
  const dt = [...view.querySelectorAll('dt')].find((d) => d.textContent === label);
  return textOf(dt?.nextElementSibling);
}

const SHOWN: FleetAidHealth = {
  aidKey: 'crm/new-contact',
  packId: 'crm',
  people: 8,
  fewerThan: null,
  missing: 12,
  missingPeople: 7,
  healed: 3,
  feedback: 2,
  failedSignals: { css: 12, label: 4 },
  foundBy: { label: 3 },
  lastSeen: '2026-03-02',
  targets: [
    {
      stepId: 'email',
      people: 8,
      fewerThan: null,
      missing: 12,
      missingPeople: 7,
      healed: 3,
      failedSignals: { css: 12, label: 4 },
      foundBy: { label: 3 },
      lastSeen: '2026-03-02',
    },
  ],
  comments: [
    {
      day: '2026-03-02',
      url: 'https://crm.example.com/contacts/new',
      stepId: 'email',
      comment: '<img src=x onerror=alert(1)> the box moved',
    },
  ],
  commentCount: 60,
};

const HIDDEN: FleetAidHealth = {
  aidKey: 'crm/tip',
  packId: 'crm',
  people: null,
  fewerThan: 5,
  missing: null,
  missingPeople: null,
  healed: null,
  feedback: null,
  failedSignals: null,
  foundBy: null,
  lastSeen: '2026-03-01',
  targets: [
    {
      stepId: null,
      people: null,
      fewerThan: 5,
      missing: null,
      missingPeople: null,
      healed: null,
      failedSignals: null,
      foundBy: null,
      lastSeen: '2026-03-01',
    },
  ],
  comments: [],
  commentCount: 0,
};

const HEALTH: Health = {
  query: {},
  minGroup: 5,
  retentionDays: 180,
  alerts: [
    {
      day: '2026-03-02',
      aidKey: 'crm/new-contact',
      packId: 'crm',
      stepId: 'email',
      people: 7,
      fewerThan: null,
      missing: 12,
      views: 15,
      raisedAt: '2026-03-02T12:00:00.000Z',
      deliveredAt: '2026-03-02T12:00:01.000Z',
    },
    {
      day: '2026-03-01',
      aidKey: 'crm/tip',
      packId: 'crm',
      stepId: null,
      people: null,
      fewerThan: 5,
      missing: null,
      views: null,
      raisedAt: '2026-03-01T12:00:00.000Z',
      deliveredAt: null,
    },
  ],
  aids: [SHOWN, HIDDEN],
};

const fake = (answer: () => Promise<unknown>) =>
  vi.fn((_path: string) => answer()) as unknown as HubGet & ReturnType<typeof vi.fn>;

describe('FleetHealth page', () => {
  it('asks for the last 7 days, then another period when the person picks one', async () => {
    const get = fake(async () => HEALTH);
    const view = await mount(get);
    const week = presetDates('last7', Date.now());
    expect(get).toHaveBeenCalledWith(`/api/insights/health?from=${week.from}&to=${week.to}`);
    const all = [...view.querySelectorAll('button')].find((b) => textOf(b) === 'All time')!;
    await click(all);
    expect(get).toHaveBeenLastCalledWith('/api/insights/health');
    expect(healthPath({ from: '2026-03-01', to: '' })).toBe('/api/insights/health?from=2026-03-01');
  });

  it('shows the alerts first, then the aids by people affected, with counts and signals', async () => {
    const view = await mount(fake(async () => HEALTH));
    const headings = [...view.querySelectorAll('h2')].map(textOf);
    expect(headings).toEqual(['Alerts', 'crm/new-contact', 'crm/tip']);
    expect([...view.querySelectorAll('.alert-list li')].map(textOf)).toEqual([
      expect.stringMatching(
        /: step email of crm\/new-contact missing for 7 people, in 12 of 15 page views\. Sent to the webhook\.$/,
      ),
      expect.stringMatching(
        /: the aid’s own target of crm\/tip missing for fewer than 5 people, in more than half of the page views\. Not sent to a webhook\.$/,
      ),
    ]);
    // Each aid is a list item holding a section named by its heading.
    const [shown, hidden] = [...view.querySelectorAll('.health-item > section')];
    expect(
      view.querySelector(`#${CSS.escape(shown!.getAttribute('aria-labelledby')!)}`)?.textContent,
    ).toBe('crm/new-contact');
    expect(figure(shown!, 'People affected')).toBe('7');
    expect(figure(shown!, 'Target missing')).toBe('12');
    expect(figure(shown!, 'Found by weaker signals')).toBe('3');
    expect(figure(shown!, 'Signals that failed')).toBe('css 12, label 4');
    expect(figure(shown!, 'Found instead by')).toBe('label 3');
    const table = shown!.querySelector('table.targets')!;
    expect([...table.querySelectorAll('thead th')].map(textOf)).toEqual([
      'Target',
      'People affected',
      'Missing',
      'Found by weaker signals',
      'Signals that failed',
      'Found by',
      'Last seen',
    ]);
    expect(textOf(table.querySelector('tbody th[scope="row"]'))).toBe('Step email');
    expect([...table.querySelectorAll('tbody td')].slice(0, 5).map(textOf)).toEqual([
      '7',
      '12',
      '3',
      'css 12, label 4',
      'label 3',
    ]);
    expect(table.querySelector('time')?.getAttribute('datetime')).toBe('2026-03-02');

    // Fewer than 5 people: said in words, and no count anywhere in the card.
    expect(figure(hidden!, 'People affected')).toBe('fewer than 5 people');
    expect(figure(hidden!, 'Target missing')).toBe('—');
    const row = [...hidden!.querySelectorAll('tbody td')].map(textOf);
    expect(row.slice(0, 5)).toEqual(['fewer than 5 people', '—', '—', '—', '—']);
    expect(textOf(hidden!.querySelector('tbody th'))).toBe('The aid’s own target');
  });

  it('shows comments as text, how many there are, and how long they are kept', async () => {
    const view = await mount(fake(async () => HEALTH));
    const card = view.querySelector('.health-item')!;
    expect(textOf(card.querySelector('h3'))).toBe('Comments from staff');
    const comment = card.querySelector('.feedback .comment')!;
    expect(comment.textContent).toBe('<img src=x onerror=alert(1)> the box moved');
    expect(comment.querySelector('img')).toBeNull();
    expect(textOf(card.querySelector('.feedback .muted'))).toMatch(
      /on https:\/\/crm\.example\.com\/contacts\/new \(step email\)$/,
    );
    expect(textOf(card.querySelector('.feedback + p'))).toBe(
      'The newest 1 of 60 comments. Comments are kept 180 days.',
    );
  });

  it('says when nothing is broken, and shows an error the hub gave as an alert', async () => {
    const empty = await mount(fake(async () => ({ ...HEALTH, alerts: [], aids: [] })));
    expect(textOf(empty.querySelector('.empty'))).toBe(EMPTY_FLEET_HEALTH);
    expect(textOf(empty.querySelector('.alerts p'))).toMatch(/^No alerts in this period\./);
    render(null, root!);
    root!.remove();

    let fail!: (e: Error) => void;
    const view = await mount(fake(() => new Promise((_, no) => (fail = no))));
    expect(view.querySelector('[aria-busy="true"]')).not.toBeNull();
    await act(() => fail(new Error('signed out')));
    await settle();
    expect(textOf(view.querySelector('[role="alert"]'))).toBe(
      'Could not read the fleet’s health: signed out',
    );
  });

  it('names aids and steps from the published packs, keeping the aid key beside the title', async () => {
    const packs: PackNamesAnswer = {
      packs: [
        {
          id: 'crm',
          title: 'CRM',
          version: '1.0.0',
          aids: [
            {
              id: 'new-contact',
              key: 'crm/new-contact',
              title: 'New <b>contact</b>',
              kind: 'checklist',
              steps: [{ id: 'email', text: 'Enter the email' }],
            },
          ],
        },
      ],
    };
    const get = vi.fn(async (path: string) =>
      path === '/api/packs' ? packs : HEALTH,
    ) as unknown as HubGet;
    const view = await mount(get);
    await act(async () => {});
    const headings = [...view.querySelectorAll('h2')].map(textOf);
    expect(headings).toEqual(['Alerts', 'New <b>contact</b> (crm/new-contact)', 'crm/tip']);
    expect(view.querySelector('h2 b')).toBeNull();
    expect(textOf(view.querySelector('.alert-list li')!)).toMatch(
      /: step “Enter the email” of New <b>contact<\/b> \(crm\/new-contact\) missing for 7 people/,
    );
    expect(textOf(view.querySelector('tbody th[scope="row"]')!)).toBe('Step “Enter the email”');
  });
});
