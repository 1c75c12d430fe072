/**
 * What the hub's pages need from it, on both backends: the filters' choices, the drop-off by
 * people in the summary, published packs (roles, CSRF, a broken pack refused and the stored
 * one kept, names from the newest version), and the page itself with its strict headers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHubApp } from '../../../src/hub/app';
import type { HubDb } from '../../../src/hub/db/open';
import { ingestBatch } from '../../../src/hub/ingest';
import { addUser } from '../../../src/hub/users';
import type { FleetFilters, FleetSummary } from '../../../src/protocol/fleet';
import type { HubEvent } from '../../../src/protocol/hub';
import type { PackNamesAnswer } from '../../../src/protocol/packs';
import { backends, emptyTables, type Opened } from './backends';
import { event, NOON } from './fixtures';

const PASSWORD = 'correct horse battery staple';

/**
 * crm/new-contact: six people (four front-desk agents, two back-office leads) did "email";
 * five skipped "phone"; three did "notes"; all six had "address" go missing, two did it.
 * Pack versions 1.2.0 and 1.10.0. hr/leave: two people.
 */
function fleetEvents(): HubEvent[] {
  const out: HubEvent[] = [];
  const people = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
  for (const [i, actor] of people.entries()) {
    const who = {
      actor,
      team: i < 4 ? 'front-desk' : 'back-office',
      role: i < 4 ? 'agent' : 'lead',
      packVersion: i % 2 ? '1.10.0' : '1.2.0',
    };
    out.push(event({ ...who, type: 'aid_shown', stepId: undefined, how: undefined }));
    out.push(event({ ...who, stepId: 'email', how: 'auto' }));
    if (i < 5) out.push(event({ ...who, type: 'step_skipped', stepId: 'phone', how: undefined }));
    if (i < 3) out.push(event({ ...who, stepId: 'notes', how: 'manual' }));
    out.push(event({ ...who, type: 'target_missing', stepId: 'address', how: undefined }));
    if (i < 2) out.push(event({ ...who, stepId: 'address', how: 'manual' }));
  }
  for (const actor of ['q1', 'q2']) {
    out.push(
      event({
        actor,
        packId: 'hr',
        aidKey: 'hr/leave',
        aidId: 'leave',
        packVersion: '3.0.0',
        team: '',
        role: '',
        stepId: 'dates',
      }),
    );
  }
  return out;
}

function pack(version: string, title = 'New contact') {
  return {
    format: 1,
    id: 'crm',
    version,
    title: 'Northwind CRM',
    aids: [
      {
        id: 'new-contact',
        kind: 'checklist',
        title,
        match: { urls: ['https://crm.example.com/contacts/*'] },
        steps: [
          { id: 'email', text: 'Enter the **email**' },
          { id: 'phone', text: 'Enter the phone' },
        ],
      },
    ],
  };
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`the hub's pages on ${backend.name}`, () => {
    let opened: Opened;
    let db: HubDb;
    const app = () => createHubApp({ db, now: () => NOON });

    async function signIn(name: string, role: 'viewer' | 'author' | 'admin') {
      await addUser(db, name, role, PASSWORD);
      const res = await app().request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password: PASSWORD }),
      });
      expect(res.status).toBe(200);
      const { csrf } = (await res.json()) as { csrf: string };
      return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf };
    }

    const put = (body: unknown, headers: Record<string, string>) =>
      app().request('/api/packs', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    beforeAll(async () => {
      opened = await backend.open();
      db = opened.db;
    }, 30_000);
    afterAll(() => opened?.drop());
    beforeEach(async () => {
      await emptyTables(db);
      await ingestBatch(db, { deviceId: 'dev_1', events: fleetEvents(), now: new Date(NOON) });
    });

    it('offers the teams, roles, packs and versions the rollups hold', async () => {
      expect((await app().request('/api/insights/filters')).status).toBe(401);
      const { cookie } = await signIn('vic', 'viewer');
      const res = await app().request('/api/insights/filters', { headers: { cookie } });
      expect(res.status).toBe(200);
      expect((await res.json()) as FleetFilters).toEqual({
        teams: ['back-office', 'front-desk'],
        roles: ['agent', 'lead'],
        packs: [
          { id: 'crm', versions: ['1.10.0', '1.2.0'] },
          { id: 'hr', versions: ['3.0.0'] },
        ],
      });
      const odd = await app().request('/api/insights/filters?team=x', { headers: { cookie } });
      expect(odd.status).toBe(400);
    });

    it('counts the people who reached each step and started each aid, hiding fewer than 5', async () => {
      const { cookie } = await signIn('vic', 'viewer');
      const read = async (query = '') => {
        const res = await app().request(`/api/insights/summary${query}`, { headers: { cookie } });
        expect(res.status).toBe(200);
        return (await res.json()) as FleetSummary;
      };
      const s = await read();
      const crm = s.aids.find((a) => a.aidKey === 'crm/new-contact')!;
      expect(crm).toMatchObject({ people: 6, started: 6 });
      const steps = Object.fromEntries(crm.steps.map((x) => [x.stepId, x]));
      expect(steps.email).toMatchObject({ people: 6, reached: 6, doneAuto: 6 });
      expect(steps.phone).toMatchObject({ people: 5, reached: 5, skipped: 5 });
      // Shown (six people had its target missing), but only two did it: that count is hidden.
      expect(steps.address).toMatchObject({ people: 6, reached: null, targetMissing: 6 });
      expect(steps.notes).toMatchObject({ people: null, fewerThan: 5, reached: null });
      expect(s.aids.find((a) => a.aidKey === 'hr/leave')).toMatchObject({
        people: null,
        started: null,
      });
      // Four front-desk people: the whole aid is hidden, its drop-off too.
      const team = await read('?team=front-desk');
      expect(team.aids[0]).toMatchObject({ people: null, started: null });
      expect(team.aids[0]!.steps.every((x) => x.reached === null)).toBe(true);
    });

    it('keeps packs that authors and admins publish, with the CSRF token, and names from the newest', async () => {
      const viewer = await signIn('vic', 'viewer');
      const author = await signIn('ann', 'author');
      const admin = await signIn('ada', 'admin');

      expect((await put(pack('1.0.0'), {})).status).toBe(401);
      expect(
        (await put(pack('1.0.0'), { cookie: viewer.cookie, 'x-csrf-token': viewer.csrf })).status,
      ).toBe(403);
      const noCsrf = await put(pack('1.0.0'), { cookie: author.cookie });
      expect(noCsrf.status).toBe(403);
      expect(await noCsrf.json()).toEqual({ error: 'missing or wrong X-CSRF-Token' });
      const crossSite = await put(pack('1.0.0'), {
        cookie: author.cookie,
        'x-csrf-token': author.csrf,
        origin: 'https://evil.example',
      });
      expect(crossSite.status).toBe(403);
      expect(await db.selectFrom('packs').selectAll().execute()).toEqual([]);

      const as = (who: { cookie: string; csrf: string }) => ({
        cookie: who.cookie,
        'x-csrf-token': who.csrf,
      });
      const added = await put(pack('1.0.0'), as(author));
      expect(added.status).toBe(201);
      expect(await added.json()).toEqual({ id: 'crm', version: '1.0.0', added: true });
      const again = await put(pack('1.0.0'), as(admin));
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ id: 'crm', version: '1.0.0', added: false });
      const changed = await put(pack('1.0.0', 'Other title'), as(author));
      expect(changed.status).toBe(409);

      // A broken newer version is refused with where its problems are; the good one stays.
      const broken = pack('1.1.0') as Record<string, unknown>;
      (broken.aids as Record<string, unknown>[])[0]!.steps = [];
      broken.colour = 'red';
      const refused = await put(broken, as(author));
      expect(refused.status).toBe(400);
      const body = (await refused.json()) as { error: string; problems: { path: string }[] };
      expect(body.error).toBe('invalid pack');
      expect(body.problems.map((p) => p.path).sort()).toEqual(['aids[0].steps', 'colour']);
      expect((await put('{"format": 1,', as(author))).status).toBe(400);
      const text = await put(pack('1.1.0'), { ...as(author), 'content-type': 'text/plain' });
      expect(text.status).toBe(415);

      const names = async () => {
        const res = await app().request('/api/packs', { headers: { cookie: viewer.cookie } });
        expect(res.status).toBe(200);
        return (await res.json()) as PackNamesAnswer;
      };
      expect((await names()).packs).toEqual([
        {
          id: 'crm',
          version: '1.0.0',
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
              ],
            },
          ],
        },
      ]);
      // 1.10.0 is newer than 1.9.0: versions are compared as numbers.
      expect((await put(pack('1.10.0', 'New contact (v10)'), as(admin))).status).toBe(201);
      expect((await put(pack('1.9.0', 'New contact (v9)'), as(author))).status).toBe(201);
      const newest = (await names()).packs[0]!;
      expect([newest.version, newest.aids[0]!.title]).toEqual(['1.10.0', 'New contact (v10)']);
      expect((await app().request('/api/packs')).status).toBe(401);
    });

    it('serves its page with strict headers, and its files with a long cache', async () => {
      const res = await app().request('/');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const html = await res.text();
      // No inline script or style: one script and one style sheet, both files.
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
      expect(html).not.toMatch(/<style|\sstyle=/);
      const script = /<script type="module" src="(\/assets\/main-[A-Z0-9]+\.js)">/.exec(html)![1]!;
      const style = /<link rel="stylesheet" href="(\/assets\/main-[A-Z0-9]+\.css)">/.exec(
        html,
      )![1]!;

      const js = await app().request(script);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(js.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await js.text()).toContain('Sign in to the Inflow hub');
      const css = await app().request(style);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      // uPlot's style sheet comes in the bundle.
      expect(await css.text()).toContain('.uplot');

      // A revalidation with the ETag is answered 304.
      const etag = res.headers.get('etag')!;
      expect((await app().request('/', { headers: { 'if-none-match': etag } })).status).toBe(304);
      // A typed path opens the page too; /api/ and missing files do not.
      const typed = await app().request('/insights');
      expect(typed.status).toBe(200);
      expect(typed.headers.get('content-security-policy')).toBe(csp);
      expect((await app().request('/api/nothing')).status).toBe(404);
      expect((await app().request('/assets/main-NOPE.js')).status).toBe(404);
      expect((await app().request('/favicon.ico')).status).toBe(404);
    });
  });
}
