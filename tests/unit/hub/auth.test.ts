/**
 * Signing in, sessions, CSRF and roles through the Hono app (no socket), on both backends.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHubApp, type HubAppOptions } from '../../../src/hub/app';
import type { HubDb } from '../../../src/hub/db/open';
import { createDevice } from '../../../src/hub/devices';
import {
  deleteUserSessions,
  pruneSessions,
  SESSION_IDLE_MS,
  SESSION_MAX_MS,
} from '../../../src/hub/sessions';
import { addUser } from '../../../src/hub/users';
import { backends, emptyTables, type Opened } from './backends';
import { NOON } from './fixtures';

const PASSWORD = 'correct horse battery staple';

const signInRequest = (name: string, password: string, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ name, password }),
});

/** The cookie pair to send back, from a Set-Cookie header. */
const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

for (const backend of backends) {
  describe.skipIf(backend.skip)(`hub sign-in on ${backend.name}`, () => {
    let opened: Opened;
    let db: HubDb;
    let clock: number;

    const app = (over: Partial<HubAppOptions> = {}) =>
      createHubApp({ db, now: () => clock, ...over });

    async function signIn(hub: ReturnType<typeof app>, name: string) {
      const res = await hub.request('/api/session', signInRequest(name, PASSWORD));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { csrf: string };
      return { cookie: cookieOf(res), csrf: body.csrf };
    }

    beforeAll(async () => {
      opened = await backend.open();
      db = opened.db;
    }, 30_000);
    afterAll(() => opened?.drop());
    beforeEach(async () => {
      await emptyTables(db);
      clock = NOON;
      await addUser(db, 'ann', 'admin', PASSWORD);
      await addUser(db, 'vic', 'viewer', PASSWORD);
    });

    it('signs in: an HttpOnly SameSite=Strict cookie, and the CSRF token in the body', async () => {
      const res = await app().request('/api/session', signInRequest('ann', PASSWORD));
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toEqual({ name: 'ann', role: 'admin', csrf: expect.any(String) });
      expect(String(body.csrf).length).toBeGreaterThanOrEqual(32);
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^inflow_session=[A-Za-z0-9_-]{43};/);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      expect(cookie).toContain('Path=/');
      expect(cookie).toContain(`Max-Age=${SESSION_MAX_MS / 1000}`);
      expect(cookie).not.toContain('Secure');
      // Only the hash of the cookie's token is stored.
      const token = cookieOf(res).split('=')[1]!;
      const rows = await db.selectFrom('sessions').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.id).not.toBe(token);
    });

    it('marks the cookie Secure over HTTPS, or behind a trusted proxy saying so', async () => {
      const direct = await app().request(
        'https://hub.example.com/api/session',
        signInRequest('ann', PASSWORD),
      );
      expect(direct.headers.get('set-cookie')).toContain('Secure');
      const proxied = await app({ trustProxy: true }).request(
        '/api/session',
        signInRequest('ann', PASSWORD, { 'x-forwarded-proto': 'https' }),
      );
      expect(proxied.headers.get('set-cookie')).toContain('Secure');
      const untrusted = await app().request(
        '/api/session',
        signInRequest('ann', PASSWORD, { 'x-forwarded-proto': 'https' }),
      );
      expect(untrusted.headers.get('set-cookie')).not.toContain('Secure');
    });

    it('answers a wrong password and an unknown name the same way', async () => {
      const hub = app();
      const wrong = await hub.request('/api/session', signInRequest('ann', 'not it'));
      const unknown = await hub.request('/api/session', signInRequest('nobody', PASSWORD));
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(await wrong.json()).toEqual(await unknown.json());
      expect(wrong.headers.get('set-cookie')).toBeNull();
      expect(unknown.headers.get('set-cookie')).toBeNull();
    });

    it('refuses a malformed sign-in', async () => {
      const hub = app();
      const long = await hub.request('/api/session', signInRequest('x'.repeat(201), PASSWORD));
      expect(long.status).toBe(400);
      const missing = await hub.request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"ann"}',
      });
      expect(missing.status).toBe(400);
    });

    it('answers 429 after repeated failures for one name, even with the right password', async () => {
      const hub = app({ limits: { signInFailuresPerName: 3 } });
      for (let i = 0; i < 3; i++) {
        const res = await hub.request('/api/session', signInRequest('ann', 'wrong'));
        expect(res.status).toBe(401);
      }
      const blocked = await hub.request('/api/session', signInRequest('ann', PASSWORD));
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another name is not blocked; after the window the name may try again.
      expect((await hub.request('/api/session', signInRequest('vic', PASSWORD))).status).toBe(200);
      clock += 15 * 60 * 1000;
      expect((await hub.request('/api/session', signInRequest('ann', PASSWORD))).status).toBe(200);
    });

    it('counts attempts made all at once before any of them is checked', async () => {
      const hub = app({ limits: { signInFailuresPerName: 3 } });
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => hub.request('/api/session', signInRequest('ann', 'wrong'))),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
    });

    it('does not count successful sign-ins against the client address', async () => {
      const hub = app({ trustProxy: true, limits: { signInFailuresPerAddress: 2 } });
      for (let i = 0; i < 4; i++) {
        const res = await hub.request(
          '/api/session',
          signInRequest('ann', PASSWORD, { 'x-forwarded-for': '10.0.0.9' }),
        );
        expect(res.status).toBe(200);
      }
    });

    it('answers 429 after repeated failures from one client address', async () => {
      const hub = app({ trustProxy: true, limits: { signInFailuresPerAddress: 2 } });
      const from = (ip: string, name: string) =>
        hub.request('/api/session', signInRequest(name, 'wrong', { 'x-forwarded-for': ip }));
      expect((await from('10.0.0.1', 'a')).status).toBe(401);
      expect((await from('10.0.0.1', 'b')).status).toBe(401);
      expect((await from('10.0.0.1', 'c')).status).toBe(429);
      expect((await from('10.0.0.2', 'c')).status).toBe(401);
    });

    it('GET /api/session: the signed-in user with a cookie, 401 without', async () => {
      const hub = app();
      expect((await hub.request('/api/session')).status).toBe(401);
      const bogus = await hub.request('/api/session', {
        headers: { cookie: `inflow_session=${'A'.repeat(43)}` },
      });
      expect(bogus.status).toBe(401);
      const { cookie, csrf } = await signIn(hub, 'vic');
      const res = await hub.request('/api/session', { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ name: 'vic', role: 'viewer', csrf });
    });

    it('admin-only routes: 401 signed out, 403 for a viewer, 200 and no hashes for an admin', async () => {
      const hub = app();
      await createDevice(db, 'Front desk');
      expect((await hub.request('/api/devices')).status).toBe(401);
      const viewer = await signIn(hub, 'vic');
      for (const path of ['/api/devices', '/api/users']) {
        const res = await hub.request(path, { headers: { cookie: viewer.cookie } });
        expect(res.status).toBe(403);
      }
      const admin = await signIn(hub, 'ann');
      const devices = await hub.request('/api/devices', { headers: { cookie: admin.cookie } });
      expect(devices.status).toBe(200);
      const deviceText = await devices.text();
      expect(JSON.parse(deviceText).devices).toEqual([
        {
          id: expect.stringMatching(/^dev_/),
          name: 'Front desk',
          createdAt: expect.any(String),
          revokedAt: null,
        },
      ]);
      expect(deviceText).not.toMatch(/hash/i);
      const users = await hub.request('/api/users', { headers: { cookie: admin.cookie } });
      expect(users.status).toBe(200);
      const userText = await users.text();
      expect(
        JSON.parse(userText).users.map((u: { name: string; role: string }) => [u.name, u.role]),
      ).toEqual([
        ['ann', 'admin'],
        ['vic', 'viewer'],
      ]);
      expect(userText).not.toMatch(/hash|scrypt/i);
    });

    it('signs out only with the CSRF token; the session then no longer works', async () => {
      const hub = app();
      const { cookie, csrf } = await signIn(hub, 'vic');
      const without = await hub.request('/api/session', { method: 'DELETE', headers: { cookie } });
      expect(without.status).toBe(403);
      const wrong = await hub.request('/api/session', {
        method: 'DELETE',
        headers: { cookie, 'x-csrf-token': `${csrf.slice(0, -1)}x` },
      });
      expect(wrong.status).toBe(403);
      expect((await hub.request('/api/session', { headers: { cookie } })).status).toBe(200);
      const out = await hub.request('/api/session', {
        method: 'DELETE',
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(out.status).toBe(200);
      expect(out.headers.get('set-cookie')).toMatch(/^inflow_session=;.*Max-Age=0/);
      expect((await hub.request('/api/session', { headers: { cookie } })).status).toBe(401);
    });

    it('refuses cross-site unsafe requests even with the CSRF token', async () => {
      const hub = app();
      const { cookie, csrf } = await signIn(hub, 'vic');
      const unsafe = (headers: Record<string, string>) =>
        hub.request('/api/session', {
          method: 'DELETE',
          headers: { cookie, 'x-csrf-token': csrf, ...headers },
        });
      expect((await unsafe({ origin: 'https://evil.example' })).status).toBe(403);
      expect((await unsafe({ origin: 'null' })).status).toBe(403);
      expect((await unsafe({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
      const login = await hub.request(
        '/api/session',
        signInRequest('vic', PASSWORD, { origin: 'https://evil.example' }),
      );
      expect(login.status).toBe(403);
      // The hub's own origin is fine.
      expect(
        (await unsafe({ origin: 'http://localhost', 'sec-fetch-site': 'same-origin' })).status,
      ).toBe(200);
    });

    it('ends a session after the idle limit and after the longest life', async () => {
      const hub = app();
      const idle = await signIn(hub, 'vic');
      clock += SESSION_IDLE_MS - 1000;
      expect((await hub.request('/api/session', { headers: { cookie: idle.cookie } })).status).toBe(
        200,
      );
      // That request moved the idle limit on; a full idle period after it, it is over.
      clock += SESSION_IDLE_MS;
      expect((await hub.request('/api/session', { headers: { cookie: idle.cookie } })).status).toBe(
        401,
      );
      expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);

      const busy = await signIn(hub, 'vic');
      const started = clock;
      while (clock < started + SESSION_MAX_MS - SESSION_IDLE_MS) {
        clock += SESSION_IDLE_MS / 2;
        expect(
          (await hub.request('/api/session', { headers: { cookie: busy.cookie } })).status,
        ).toBe(200);
      }
      clock = started + SESSION_MAX_MS;
      expect((await hub.request('/api/session', { headers: { cookie: busy.cookie } })).status).toBe(
        401,
      );
    });

    it('leaves /api/events to device tokens: a session cookie is not enough', async () => {
      const hub = app();
      const { cookie, csrf } = await signIn(hub, 'ann');
      const res = await hub.request('/api/events', {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ events: [] }),
      });
      expect(res.status).toBe(401);
    });

    it('signs a user out everywhere, and prunes expired sessions', async () => {
      const hub = app();
      const one = await signIn(hub, 'vic');
      const two = await signIn(hub, 'vic');
      const ann = await signIn(hub, 'ann');
      const vic = await db
        .selectFrom('users')
        .select('id')
        .where('name', '=', 'vic')
        .executeTakeFirstOrThrow();
      expect(await deleteUserSessions(db, vic.id)).toBe(2);
      for (const { cookie } of [one, two]) {
        expect((await hub.request('/api/session', { headers: { cookie } })).status).toBe(401);
      }
      expect((await hub.request('/api/session', { headers: { cookie: ann.cookie } })).status).toBe(
        200,
      );
      expect(await pruneSessions(db, new Date(clock))).toBe(0);
      expect(await pruneSessions(db, new Date(clock + SESSION_IDLE_MS))).toBe(1);
    });
  });
}
