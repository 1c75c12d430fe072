// @vitest-environment happy-dom
/**
 * The hub's touchpoint page (src/hub/web/pages/FleetTouchpoints.tsx), given a `get` that asks
 * the real hub over a socket (PGlite in memory, node:http) with a signed-in viewer's cookie: the ranked table with
 * its caption and headers, "fewer than 5" rows, the filters, the empty state, and errors.
 */

import http from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HubDb } from '../../../src/hub/db/open';
import { type Hub, startHub } from '../../../src/hub/server';
import { createSession } from '../../../src/hub/sessions';
import { ingestTouchpoints } from '../../../src/hub/touchpoints';
import { addUser } from '../../../src/hub/users';
import type { HubGet } from '../../../src/hub/web/get';
import { FleetTouchpoints } from '../../../src/hub/web/pages/FleetTouchpoints';
import type { TouchpointAggregate } from '../../../src/protocol/touchpoints';

const NOW = Date.UTC(2026, 2, 3, 12);
const SEARCH = 'https://crm.example.com/search';
const CUSTOMER = 'https://crm.example.com/customers/:id';
const CASES = 'https://desk.example.com/#/cases/:id';

let hub: Hub;
let db: HubDb;
let cookie = '';
const asked: string[] = [];

const realGet: HubGet = <T,>(path: string) => {
  asked.push(path);
  return new Promise<T>((resolve, reject) => {
    http
      .get(hub.url(path), { headers: { cookie } }, (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          const body = JSON.parse(text) as T & { error?: string };
          if ((res.statusCode ?? 0) >= 300) reject(new Error(body.error ?? `${res.statusCode}`));
          else resolve(body);
        });
      })
      .on('error', reject);
  });
};

let n = 0;
const agg = (over: Partial<TouchpointAggregate>): TouchpointAggregate => ({
  id: `agg-${String(++n).padStart(8, '0')}`,
  day: '2026-03-02',
  template: SEARCH,
  aided: false,
  ms: 60_000,
  views: 1,
  actor: 'p1',
  ...over,
});

async function show(get: HubGet = realGet) {
  const root = document.createElement('div');
  document.body.append(root);
  await act(async () => {
    render(<FleetTouchpoints get={get} />, root);
  });
  // The answer arrives after the first render.
  for (let i = 0; i < 50 && root.textContent?.includes('Loading'); i++) {
    await act(() => new Promise((r) => setTimeout(r, 20)));
  }
  return root;
}

const cells = (row: Element) =>
  [...row.querySelectorAll('th, td')].map((c) => c.textContent?.trim());

beforeAll(async () => {
  hub = await startHub({ pglite: new PGlite(), port: 0 });
  db = hub.db;
  // Signed in as a viewer (the test DOM's fetch hides Set-Cookie: the session is made here).
  const user = await addUser(db, 'vic', 'viewer', 'correct horse battery staple');
  const { token } = await createSession(db, user.id, new Date());
  cookie = `inflow_session=${token}`;
}, 30_000);
afterAll(() => hub?.close());
beforeEach(async () => {
  document.body.innerHTML = '';
  asked.length = 0;
  for (const t of ['touchpoint_daily', 'touchpoint_actors', 'touchpoint_ids'] as const) {
    await db.deleteFrom(t).execute();
  }
});

describe('FleetTouchpoints', () => {
  it('explains that the policy turns it on when nothing was measured', async () => {
    const root = await show();
    expect(root.querySelector('table')).toBeNull();
    expect(root.textContent).toContain('No touchpoints for all time.');
    expect(root.textContent).toContain('touchpointHosts');
    expect(root.textContent).toContain('It is off by default.');
  });

  it('ranks pages by time without an aid, and hides small groups', async () => {
    const six = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    await ingestTouchpoints(
      db,
      [
        ...six.map((actor) => agg({ actor, template: SEARCH, ms: 120_000, views: 2 })),
        ...six.map((actor) => agg({ actor, template: CUSTOMER, ms: 30_000 })),
        ...six.map((actor) => agg({ actor, template: CUSTOMER, aided: true, ms: 600_000 })),
        ...six.slice(0, 3).map((actor) => agg({ actor, template: CASES, ms: 9_000_000 })),
      ],
      new Date(NOW),
    );
    const root = await show();
    const table = root.querySelector('table')!;
    expect(table.querySelector('caption')?.textContent).toBe(
      'Pages by time spent without an aid, all time. Pages seen by fewer than 5 people show no figures.',
    );
    expect(cells(table.querySelector('thead tr')!)).toEqual([
      'Page',
      'Time without an aid',
      'Time in all',
      'Views',
      'Views with an aid',
      'People',
    ]);
    for (const th of table.querySelectorAll('thead th'))
      expect(th.getAttribute('scope')).toBe('col');
    const rows = [...table.querySelectorAll('tbody tr')];
    expect(rows.map(cells)).toEqual([
      [SEARCH, '12 min', '12 min', '12', '0%', '6'],
      [CUSTOMER, '3 min', '1 h 3 min', '12', '50%', '6'],
      [CASES, 'Fewer than 5 people: not shown'],
    ]);
    expect(rows[0]!.querySelector('th')?.getAttribute('scope')).toBe('row');
  });

  it('asks with the filters given, and says what went wrong', async () => {
    const root = await show();
    const input = (label: string) => {
      const id = [...root.querySelectorAll('label')].find((l) => l.textContent === label)!.htmlFor;
      return root.querySelector(`#${CSS.escape(id)}`) as HTMLInputElement;
    };
    await act(async () => {
      const team = input('Team');
      team.value = 'billing';
      team.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => {
      root
        .querySelector('form')!
        .dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    for (let i = 0; i < 50 && asked.length < 2; i++)
      await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(asked).toEqual(['/api/insights/touchpoints', '/api/insights/touchpoints?team=billing']);

    document.body.innerHTML = '';
    const failing = await show(async () => {
      throw new Error('invalid query');
    });
    expect(failing.querySelector('[role="alert"]')?.textContent).toBe(
      'Could not read touchpoints: invalid query',
    );
  });
});
