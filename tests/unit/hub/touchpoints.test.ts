/**
 * Touchpoint coverage on the hub, on both backends: `POST /api/touchpoints` with a device
 * token (exactly once per aggregate id, bad input named, sizes bounded) and
 * `GET /api/insights/touchpoints` (ranking by time without an aid, fewer than 5 hidden,
 * filters, roles). What the database holds is read back directly.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHubApp, type HubAppOptions } from '../../../src/hub/app';
import type { HubDb } from '../../../src/hub/db/open';
import type { UserRole } from '../../../src/hub/db/schema';
import { createDevice, revokeDevice } from '../../../src/hub/devices';
import { addUser } from '../../../src/hub/users';
import {
  TOUCHPOINT_MAX_BATCH,
  type TouchpointAggregate,
  type TouchpointSummary,
} from '../../../src/protocol/touchpoints';
import { backends, emptyTables, type Opened } from './backends';
import { NOON } from './fixtures';

const PASSWORD = 'correct horse battery staple';
const DAY = '2026-03-02';
const CUSTOMER = 'https://crm.example.com/customers/:id';
const SEARCH = 'https://crm.example.com/search';
const HASHED = 'https://desk.example.com/#/cases/:id';

let serial = 0;
function agg(over: Partial<TouchpointAggregate> = {}): TouchpointAggregate {
  serial++;
  return {
    id: `tp-${String(serial).padStart(8, '0')}-${Math.random().toString(36).slice(2, 8)}`,
    day: DAY,
    template: CUSTOMER,
    aided: false,
    ms: 60_000,
    views: 1,
    actor: 'actor-a',
    team: 'front-desk',
    role: 'agent',
    ...over,
  };
}

const post = (token: string | null, body: unknown) => ({
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    ...(token === null ? {} : { authorization: `Bearer ${token}` }),
  },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`hub touchpoints on ${backend.name}`, () => {
    let opened: Opened;
    let db: HubDb;
    let token: string;
    const cookies = new Map<UserRole, string>();

    const app = (over: Partial<HubAppOptions> = {}) =>
      createHubApp({ db, now: () => NOON, ...over });

    async function signIn(name: string, role: UserRole) {
      await addUser(db, name, role, PASSWORD);
      const res = await app().request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password: PASSWORD }),
      });
      expect(res.status).toBe(200);
      cookies.set(role, res.headers.get('set-cookie')!.split(';')[0]!);
    }

    async function send(touchpoints: TouchpointAggregate[]) {
      const res = await app().request('/api/touchpoints', post(token, { touchpoints }));
      expect(res.status).toBe(200);
      return res.json();
    }

    async function summary(query = '', role: UserRole = 'viewer') {
      const res = await app().request(`/api/insights/touchpoints${query}`, {
        headers: { cookie: cookies.get(role)! },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as TouchpointSummary;
    }

    beforeAll(async () => {
      opened = await backend.open();
      db = opened.db;
    }, 30_000);
    afterAll(() => opened?.drop());
    beforeEach(async () => {
      await emptyTables(db);
      await db.deleteFrom('sessions').execute();
      token = (await createDevice(db, 'Front desk')).token;
      cookies.clear();
      await signIn('vic', 'viewer');
    });

    it('stores each aggregate once: the same batch again is all duplicates', async () => {
      const batch = [agg(), agg({ actor: 'actor-b', ms: 30_000 }), agg({ aided: true })];
      expect(await send(batch)).toEqual({ accepted: 3, duplicates: 0 });
      expect(await send(batch)).toEqual({ accepted: 0, duplicates: 3 });
      // One id twice in one batch: counted once.
      const twice = agg({ template: SEARCH });
      expect(await send([twice, twice])).toEqual({ accepted: 1, duplicates: 1 });

      const rows = await db
        .selectFrom('touchpoint_daily')
        .selectAll()
        .orderBy('template')
        .orderBy('aided')
        .execute();
      expect(rows).toEqual([
        {
          day: DAY,
          host: 'crm.example.com',
          template: CUSTOMER,
          aided: false,
          team: 'front-desk',
          role: 'agent',
          ms: 90_000,
          views: 2,
        },
        expect.objectContaining({ template: CUSTOMER, aided: true, ms: 60_000, views: 1 }),
        expect.objectContaining({ template: SEARCH, aided: false, ms: 60_000, views: 1 }),
      ]);
      const people = await db
        .selectFrom('touchpoint_actors')
        .select(['template', 'aided', 'actor'])
        .orderBy('template')
        .orderBy('aided')
        .orderBy('actor')
        .execute();
      expect(people).toEqual([
        { template: CUSTOMER, aided: false, actor: 'actor-a' },
        { template: CUSTOMER, aided: false, actor: 'actor-b' },
        { template: CUSTOMER, aided: true, actor: 'actor-a' },
        { template: SEARCH, aided: false, actor: 'actor-a' },
      ]);
    });

    it('refuses bad input with 400 naming the field, and never stores a query string', async () => {
      const cases: [unknown, string][] = [
        [
          { touchpoints: [agg({ template: 'https://crm.example.com/customers/4821' })] },
          'touchpoints[0].template',
        ],
        [
          { touchpoints: [agg({ template: 'https://crm.example.com/search?q=jane' })] },
          'touchpoints[0].template',
        ],
        [
          { touchpoints: [agg({ template: 'https://crm.example.com/u/:id#notes' })] },
          'touchpoints[0].template',
        ],
        [{ touchpoints: [agg({ day: '2026-02-30' })] }, 'touchpoints[0].day'],
        [{ touchpoints: [agg({ ms: -1 })] }, 'touchpoints[0].ms'],
        [{ touchpoints: [agg({ ms: 86_400_001 })] }, 'touchpoints[0].ms'],
        [{ touchpoints: [agg({ views: 1.5 })] }, 'touchpoints[0].views'],
        [{ touchpoints: [{ ...agg(), url: 'https://x' }] }, 'touchpoints[0].url'],
        [{ touchpoints: [] }, 'touchpoints'],
        [
          { touchpoints: Array.from({ length: TOUCHPOINT_MAX_BATCH + 1 }, () => agg()) },
          'touchpoints',
        ],
      ];
      for (const [body, path] of cases) {
        const res = await app().request('/api/touchpoints', post(token, body));
        expect(res.status, path).toBe(400);
        const answer = (await res.json()) as { problems: { path: string }[] };
        expect(
          answer.problems.map((p) => p.path),
          path,
        ).toContain(path);
      }
      const notJson = await app().request('/api/touchpoints', post(token, '{"touchpoints":'));
      expect(notJson.status).toBe(400);
      expect(await db.selectFrom('touchpoint_daily').selectAll().execute()).toEqual([]);
      expect(await db.selectFrom('touchpoint_ids').selectAll().execute()).toEqual([]);
    });

    it('needs a valid, unrevoked device token and JSON under the size limit', async () => {
      const body = { touchpoints: [agg()] };
      expect((await app().request('/api/touchpoints', post(null, body))).status).toBe(401);
      expect((await app().request('/api/touchpoints', post('x'.repeat(40), body))).status).toBe(
        401,
      );
      const [device] = await db.selectFrom('devices').select('id').execute();
      await revokeDevice(db, device!.id);
      expect((await app().request('/api/touchpoints', post(token, body))).status).toBe(401);
      token = (await createDevice(db, 'Back office')).token;
      const form = await app().request('/api/touchpoints', {
        ...post(token, body),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      });
      expect(form.status).toBe(415);
      const big = await app({ limits: { maxBodyBytes: 200 } }).request(
        '/api/touchpoints',
        post(token, { touchpoints: [agg(), agg()] }),
      );
      expect(big.status).toBe(413);
      // A session cookie is no way in.
      const withCookie = await app().request('/api/touchpoints', {
        ...post(null, body),
        headers: { 'content-type': 'application/json', cookie: cookies.get('viewer')! },
      });
      expect(withCookie.status).toBe(401);
      expect(await db.selectFrom('touchpoint_daily').selectAll().execute()).toEqual([]);
    });

    it('ranks templates by time without an aid, hides fewer than 5 people', async () => {
      const six = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
      const batch: TouchpointAggregate[] = [];
      for (const actor of six) {
        // Customer page: 2 min unaided and 1 view aided each.
        batch.push(agg({ actor, template: CUSTOMER, ms: 120_000, views: 2 }));
        batch.push(agg({ actor, template: CUSTOMER, aided: true, ms: 500_000, views: 2 }));
        // Search: 3 min unaided each, never aided.
        batch.push(agg({ actor, template: SEARCH, ms: 180_000, views: 1 }));
      }
      // Cases: only four people, much time: hidden whatever its time.
      for (const actor of six.slice(0, 4)) {
        batch.push(agg({ actor, template: HASHED, ms: 3_600_000, views: 9 }));
      }
      await send(batch);
      const s = await summary();
      expect(s.minGroup).toBe(5);
      expect(s.templates.map((t) => t.template)).toEqual([SEARCH, CUSTOMER, HASHED]);
      expect(s.templates[0]).toEqual({
        template: SEARCH,
        host: 'crm.example.com',
        people: 6,
        fewerThan: null,
        ms: 6 * 180_000,
        unaidedMs: 6 * 180_000,
        views: 6,
        aidedShare: 0,
      });
      expect(s.templates[1]).toMatchObject({
        template: CUSTOMER,
        people: 6,
        ms: 6 * 620_000,
        unaidedMs: 6 * 120_000,
        views: 24,
        aidedShare: 0.5,
      });
      expect(s.templates[2]).toEqual({
        template: HASHED,
        host: 'desk.example.com',
        people: null,
        fewerThan: 5,
        ms: null,
        unaidedMs: null,
        views: null,
        aidedShare: null,
      });
      // A smaller threshold shows it, first.
      const res = await app({ minGroup: 3 }).request('/api/insights/touchpoints', {
        headers: { cookie: cookies.get('viewer')! },
      });
      const small = (await res.json()) as TouchpointSummary;
      expect(small.templates[0]).toMatchObject({ template: HASHED, people: 4, views: 36 });
    });

    it('filters by day, team and role; counts a person once across days', async () => {
      const six = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
      await send([
        ...six.map((actor) => agg({ actor, day: '2026-03-01' })),
        ...six.map((actor) => agg({ actor, day: DAY })),
        ...six.map((actor) => agg({ actor, day: DAY, team: 'billing', role: 'lead' })),
      ]);
      expect((await summary()).templates[0]).toMatchObject({ people: 6, views: 18 });
      expect((await summary(`?from=${DAY}&to=${DAY}`)).templates[0]).toMatchObject({
        people: 6,
        views: 12,
      });
      expect((await summary('?team=billing')).templates[0]).toMatchObject({ views: 6 });
      expect((await summary('?role=agent&team=')).templates[0]).toMatchObject({ views: 12 });
      expect((await summary('?team=nobody')).templates).toEqual([]);
    });

    it('answers the insights to every signed-in role, 401 to nobody, 400 naming the field', async () => {
      await signIn('ann', 'admin');
      await signIn('aut', 'author');
      for (const role of ['viewer', 'author', 'admin'] as const) {
        expect((await summary('', role)).templates).toEqual([]);
      }
      expect((await app().request('/api/insights/touchpoints')).status).toBe(401);
      // A device token is not a sign-in.
      const device = await app().request('/api/insights/touchpoints', {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(device.status).toBe(401);
      for (const [query, path] of [
        ['?from=yesterday', 'from'],
        ['?from=2026-03-05&to=2026-03-01', 'from'],
        ['?pack=crm', 'pack'],
        [`?team=${'x'.repeat(101)}`, 'team'],
      ] as const) {
        const res = await app().request(`/api/insights/touchpoints${query}`, {
          headers: { cookie: cookies.get('viewer')! },
        });
        expect(res.status, query).toBe(400);
        const body = (await res.json()) as { problems: { path: string; message: string }[] };
        expect(
          body.problems.map((p) => p.path),
          query,
        ).toContain(path);
      }
    });

    it('does not count an aggregate older than the retention', async () => {
      const old = agg({ day: '2025-01-01' });
      expect(await send([old])).toEqual({ accepted: 0, duplicates: 1 });
      expect(await db.selectFrom('touchpoint_ids').selectAll().execute()).toEqual([]);
    });
  });
}
