/**
 * POST /api/events and GET /api/health through the Hono app (no socket), on both backends;
 * one test over real HTTP with startHub (events, and signing in).
 */

import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHubApp, type HubAppOptions } from '../../../src/hub/app';
import type { HubDb } from '../../../src/hub/db/open';
import { createDevice, revokeDevice } from '../../../src/hub/devices';
import { startHub } from '../../../src/hub/server';
import { addUser } from '../../../src/hub/users';
import { HUB_MAX_BODY_BYTES } from '../../../src/protocol/hub';
import { backends, emptyTables, type Opened } from './backends';
import { event, NOON } from './fixtures';

const json = (token: string | null, body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    ...headers,
  },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`hub API on ${backend.name}`, () => {
    let opened: Opened;
    let db: HubDb;
    let token: string;
    let logs: string[];
    let clock: number;

    const app = (over: Partial<HubAppOptions> = {}) =>
      createHubApp({ db, now: () => clock, log: (l) => logs.push(l), ...over });

    beforeAll(async () => {
      opened = await backend.open();
      db = opened.db;
    }, 30_000);
    afterAll(() => opened?.drop());
    beforeEach(async () => {
      await emptyTables(db);
      token = (await createDevice(db, 'Front desk')).token;
      logs = [];
      clock = NOON + 1000;
    });

    it('answers health with its version', async () => {
      const res = await app().request('/api/health');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, version: expect.any(String), demoData: null });
    });

    it('accepts a batch once: the same batch again is all duplicates', async () => {
      const batch = { events: [event(), event({ actor: 'b' })] };
      const hub = app();
      const first = await hub.request('/api/events', json(token, batch));
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ accepted: 2, duplicates: 0 });
      const again = await hub.request('/api/events', json(token, batch));
      expect(await again.json()).toEqual({ accepted: 0, duplicates: 2 });
      const rollup = await db.selectFrom('daily_rollups').select('events').execute();
      expect(rollup).toEqual([{ events: 2 }]);
      expect(logs[0]).toMatch(/^200 POST \/api\/events \d+ms device=dev_[0-9a-f]+$/);
    });

    it('folds an upload into the period rollups shortly after, without a view asking', async () => {
      const hub = app();
      const res = await hub.request(
        '/api/events',
        json(token, { events: [event(), event({ actor: 'b' })] }),
      );
      expect(res.status).toBe(200);
      // Appended in the upload's own transaction, folded by the hub's folder.
      expect((await db.selectFrom('period_pending').select('id').execute()).length).toBeGreaterThan(
        0,
      );
      await hub.folder.idle();
      expect(await db.selectFrom('period_pending').select('id').execute()).toEqual([]);
      const month = await db
        .selectFrom('period_counts')
        .select('events')
        .where('span', '=', 'm')
        .where('team', '=', '*')
        .where('role', '=', '*')
        .where('metric', '=', event().type)
        .execute();
      expect(month).toEqual([{ events: 2 }]);
    });

    it('answers 400 naming the JSON path of each problem, with control characters escaped', async () => {
      const bad = {
        events: [
          { ...event(), type: 'nope' },
          { ...event(), 'x\u001b[31m': 1 },
        ],
      };
      const res = await app().request('/api/events', json(token, bad));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { problems: { path: string; message: string }[] };
      expect(body.problems.map((p) => p.path)).toEqual([
        'events[0].type',
        'events[1].x\\u001b[31m',
      ]);
      expect((await app().request('/api/events', json(token, '{"events":'))).status).toBe(400);
      expect((await app().request('/api/events', json(token, { events: [] }))).status).toBe(400);
    });

    it('answers 401 without a token, with a wrong one, and with a revoked one', async () => {
      const batch = { events: [event()] };
      const none = await app().request('/api/events', json(null, batch));
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({ error: expect.stringMatching(/token/) });
      const wrong = await app().request('/api/events', json('A'.repeat(43), batch));
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toEqual({ error: 'unknown device token' });
      const { device, token: other } = await createDevice(db, 'Laptop');
      await revokeDevice(db, device.id);
      const revoked = await app().request('/api/events', json(other, batch));
      expect(revoked.status).toBe(401);
      expect(await revoked.json()).toEqual({ error: 'device token revoked' });
      expect(await db.selectFrom('events').select('id').execute()).toEqual([]);
    });

    it('answers 415 to a body that is not JSON', async () => {
      const res = await app().request(
        '/api/events',
        json(token, { events: [event()] }, { 'content-type': 'text/plain' }),
      );
      expect(res.status).toBe(415);
    });

    it('answers 413 to a body declared too large, unread, and to one that streams too much', async () => {
      const declared = await app().request('/api/events', {
        ...json(token, { events: [event()] }),
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'content-length': String(HUB_MAX_BODY_BYTES + 1),
        },
      });
      expect(declared.status).toBe(413);

      const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent > HUB_MAX_BODY_BYTES + chunk.length) return controller.close();
          sent += chunk.length;
          controller.enqueue(chunk);
        },
      });
      const streamed = await app().request('/api/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
    });

    it('answers 429 with Retry-After once a device sends more than its requests a minute', async () => {
      const hub = app({ limits: { requestsPerMinute: 3 } });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await hub.request('/api/events', json(token, { events: [event()] }))).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await hub.request('/api/events', json(token, { events: [event()] }));
      expect(limited.headers.get('retry-after')).toBe('20');
      clock += 20_000;
      expect((await hub.request('/api/events', json(token, { events: [event()] }))).status).toBe(
        200,
      );
    });

    it('logs one line per request with control characters escaped', async () => {
      await app().request('/api/\u001b[2Jnothing');
      expect(logs).toEqual([expect.stringMatching(/^404 GET \/api\/.*nothing \d+ms$/)]);
      expect([...logs.join('')].filter((ch) => ch.charCodeAt(0) < 0x20)).toEqual([]);
    });
  });
}

describe('the hub over HTTP', () => {
  it('takes a batch from fetch on a real socket', async () => {
    const hub = await startHub({
      pglite: new PGlite(),
      port: 0,
      limits: { signInFailuresPerAddress: 1 },
    });
    try {
      const { token } = await createDevice(hub.db, 'Front desk');
      const events = [event({ at: Date.now(), recordedAt: Date.now() })];
      const res = await fetch(hub.url('api/events'), json(token, { events }));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
      const health = await fetch(hub.url('api/health'));
      expect(await health.json()).toMatchObject({ ok: true });

      // Sign-in over the socket: the cookie works, and failures count per socket address.
      await addUser(hub.db, 'ann', 'admin', 'a good password');
      const signIn = (name: string, password: string) =>
        fetch(hub.url('api/session'), json(null, { name, password }));
      const ok = await signIn('ann', 'a good password');
      expect(ok.status).toBe(200);
      const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;
      const me = await fetch(hub.url('api/session'), { headers: { cookie } });
      expect(await me.json()).toMatchObject({ name: 'ann', role: 'admin' });
      expect((await signIn('x', 'wrong')).status).toBe(401);
      expect((await signIn('y', 'wrong')).status).toBe(429);
    } finally {
      await hub.close();
    }
  }, 30_000);
});
