/**
 * Alerts on both backends: the rule (at least 2 people, more than half of the page views),
 * raised once however often a batch is sent, listed by the Health API, and posted to a
 * webhook that is a real HTTP server on this machine: one that answers, one that is down, one
 * that fails first, one that redirects, one that never answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertText } from '../../../src/hub/alerts';
import { createHubApp, type HubApp, type HubAppOptions } from '../../../src/hub/app';
import type { HubDb } from '../../../src/hub/db/open';
import { createDevice } from '../../../src/hub/devices';
import { startHub } from '../../../src/hub/server';
import { setSetting } from '../../../src/hub/settings';
import { addUser } from '../../../src/hub/users';
import type { FleetHealth } from '../../../src/protocol/fleet-health';
import type { HubEvent } from '../../../src/protocol/hub';
import { backends, emptyTables, type Opened } from './backends';
import { event, NOON } from './fixtures';

const PASSWORD = 'correct horse battery staple';
const DAY = '2026-03-02';
const base = { how: undefined, stepId: undefined } as const;

/** `views` page views that showed crm/new-contact, and step "email" missing in some of them. */
function day(views: number, missingBy: string[]): HubEvent[] {
  const events: HubEvent[] = [];
  for (let i = 0; i < views; i++) {
    events.push(event({ ...base, type: 'aid_shown', actor: `v${i % 3}` }));
  }
  for (const actor of missingBy) {
    events.push(
      event({ ...base, type: 'target_missing', stepId: 'email', actor, failedSignals: ['css'] }),
    );
  }
  return events;
}

/** A webhook receiver: answers each request with the next status of `script` (then 200). */
interface Receiver {
  url: string;
  bodies: unknown[];
  statuses: number[];
  server: Server;
}

async function receiver(
  script: number[] = [],
  handle?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<Receiver> {
  const r: Receiver = { url: '', bodies: [], statuses: [], server: createServer() };
  r.server.on('request', (req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      if (handle?.(req, res)) return;
      r.bodies.push(JSON.parse(text));
      const status = script.shift() ?? 200;
      r.statuses.push(status);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((done) => r.server.listen(0, '127.0.0.1', done));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hooks/T0/B0/secret`;
  return r;
}

const close = (s: Server) =>
  new Promise<void>((done) => {
    s.close(() => done());
    s.closeAllConnections();
  });

for (const backend of backends) {
  describe.skipIf(backend.skip)(`hub alerts on ${backend.name}`, () => {
    let opened: Opened;
    let db: HubDb;
    let token: string;
    let cookie: string;
    let logs: string[];
    const servers: Server[] = [];

    const app = (over: Partial<HubAppOptions> = {}): HubApp =>
      createHubApp({
        db,
        now: () => NOON + 60_000,
        log: (l) => logs.push(l),
        alerts: { delivery: { backoffMs: 20, timeoutMs: 2000, retries: 2 } },
        ...over,
      });

    async function send(hub: HubApp, events: HubEvent[]) {
      const res = await hub.request('/api/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ events }),
      });
      expect(res.status).toBe(200);
      return res;
    }
    async function alerts(hub: HubApp) {
      const res = await hub.request('/api/insights/health', { headers: { cookie } });
      expect(res.status).toBe(200);
      return ((await res.json()) as FleetHealth).alerts;
    }
    const rows = () => db.selectFrom('alerts').selectAll().execute();

    beforeAll(async () => {
      opened = await backend.open();
      db = opened.db;
    }, 30_000);
    afterAll(() => opened?.drop());
    beforeEach(async () => {
      await emptyTables(db);
      for (const t of ['daily_signals', 'alerts'] as const) await db.deleteFrom(t).execute();
      await db.deleteFrom('settings').where('key', 'in', ['webhook', 'url']).execute();
      token = (await createDevice(db, 'Front desk')).token;
      logs = [];
      await addUser(db, 'vic', 'viewer', PASSWORD);
      const res = await app().request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'vic', password: PASSWORD }),
      });
      cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    });
    afterEach(async () => {
      await Promise.all(servers.splice(0).map(close));
    });

    it('raises one alert for 2 people in more than half of the views, once, and posts it once', async () => {
      const hook = await receiver();
      servers.push(hook.server);
      await setSetting(db, 'webhook', hook.url);
      await setSetting(db, 'url', 'https://hub.example.com/');
      const hub = app();
      const batch = day(4, ['a1', 'a2', 'a1']);
      await send(hub, batch);
      await hub.alerter.idle();
      // Sent again (a browser after a timeout), and more of the same later that day.
      await send(hub, batch);
      await send(hub, [event({ ...base, type: 'target_missing', stepId: 'email', actor: 'a3' })]);
      await hub.alerter.idle();

      const stored = await rows();
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({
        day: DAY,
        aid_key: 'crm/new-contact',
        step_id: 'email',
        people: 2,
        missing: 3,
        views: 4,
      });
      expect(stored[0]!.delivered_at).toBeInstanceOf(Date);
      expect(hook.bodies).toEqual([
        {
          text:
            'Inflow alert: The target of step `email` of `crm/new-contact` was missing on 2026-03-02 ' +
            'for fewer than 5 people, in more than half of the page views that showed the aid. ' +
            'Health view: https://hub.example.com/#/health',
        },
      ]);
      // Listed by the Health API, its counts hidden: 2 people are fewer than 5.
      expect(await alerts(hub)).toEqual([
        {
          day: DAY,
          aidKey: 'crm/new-contact',
          packId: 'crm',
          stepId: 'email',
          people: null,
          fewerThan: 5,
          missing: null,
          views: null,
          raisedAt: new Date(NOON + 60_000).toISOString(),
          deliveredAt: new Date(NOON + 60_000).toISOString(),
        },
      ]);
      expect(logs.filter((l) => l.startsWith('webhook') || l.startsWith('alerts'))).toEqual([]);
    });

    it('gives the counts when enough people are in the alert', async () => {
      const hook = await receiver();
      servers.push(hook.server);
      await setSetting(db, 'webhook', hook.url);
      const hub = app({ minGroup: 2, alerts: { hubUrl: () => 'http://127.0.0.1:9' } });
      await send(hub, day(4, ['a1', 'a2', 'a1']));
      await hub.alerter.idle();
      expect((hook.bodies[0] as { text: string }).text).toContain(
        'for 2 people, in 3 of 4 page views that showed the aid. Health view: http://127.0.0.1:9/#/health',
      );
      expect(await alerts(hub)).toMatchObject([{ people: 2, missing: 3, views: 4 }]);
    });

    it('raises none for 1 person, nor when missing in exactly half of the views', async () => {
      const hub = app();
      await send(hub, day(3, ['a1', 'a1', 'a1']));
      await hub.alerter.idle();
      expect(await rows()).toEqual([]);
      await emptyTables(db);
      token = (await createDevice(db, 'Front desk')).token;
      await send(hub, day(4, ['a1', 'a2']));
      await hub.alerter.idle();
      expect(await rows()).toEqual([]);
      // One more page view missing it: 3 of 4.
      await send(hub, [event({ ...base, type: 'target_missing', stepId: 'email', actor: 'a3' })]);
      await hub.alerter.idle();
      expect(await rows()).toHaveLength(1);
    });

    it("counts a tip's page views as those that showed it plus those that missed its target", async () => {
      const tip = { aidKey: 'crm/tip', aidId: 'tip' };
      const hub = app();
      // Shown twice, missing twice: half of 4 page views, no alert.
      await send(hub, [
        event({ ...base, ...tip, type: 'aid_shown', actor: 'a1' }),
        event({ ...base, ...tip, type: 'aid_shown', actor: 'a2' }),
        event({ ...base, ...tip, type: 'target_missing', actor: 'a1' }),
        event({ ...base, ...tip, type: 'target_missing', actor: 'a2' }),
      ]);
      await hub.alerter.idle();
      expect(await rows()).toEqual([]);
      await send(hub, [event({ ...base, ...tip, type: 'target_missing', actor: 'a3' })]);
      await hub.alerter.idle();
      expect(await rows()).toMatchObject([
        { aid_key: 'crm/tip', step_id: '', people: 3, missing: 3, views: 5 },
      ]);
    });

    it('delivers once to a webhook that answers 500 and then 200', async () => {
      const hook = await receiver([500]);
      servers.push(hook.server);
      await setSetting(db, 'webhook', hook.url);
      const hub = app();
      await send(hub, day(2, ['a1', 'a2']));
      await hub.alerter.idle();
      expect(hook.statuses).toEqual([500, 200]);
      expect(hook.bodies[0]).toEqual(hook.bodies[1]);
      expect((await rows())[0]!.delivered_at).toBeInstanceOf(Date);
      expect(logs.filter((l) => l.startsWith('webhook'))).toEqual([]);
    });

    it('logs one escaped line when the webhook is down, and ingest is not slowed', async () => {
      const gone = await receiver();
      const url = gone.url;
      await close(gone.server);
      await setSetting(db, 'webhook', url);
      const hub = app();
      const started = performance.now();
      await send(hub, day(2, ['a1', 'a2']));
      expect(performance.now() - started).toBeLessThan(1500);
      await hub.alerter.idle();
      const lines = logs.filter((l) => l.startsWith('webhook'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^webhook: alert 2026-03-02 crm\/new-contact step email not delivered to http:\/\/127\.0\.0\.1:\d+\/… after 3 attempt\(s\): ECONNREFUSED$/,
      );
      // The secret part of the URL is never logged.
      expect(lines[0]).not.toContain('secret');
      expect((await rows())[0]!.delivered_at).toBeNull();
    });

    it('follows no redirect, and gives up on a webhook that does not answer in time', async () => {
      const elsewhere = await receiver();
      const moved = await receiver([], (_req, res) => {
        res.writeHead(307, { location: elsewhere.url }).end();
        return true;
      });
      servers.push(elsewhere.server, moved.server);
      await setSetting(db, 'webhook', moved.url);
      const hub = app();
      await send(hub, day(2, ['a1', 'a2']));
      await hub.alerter.idle();
      expect(elsewhere.bodies).toEqual([]);
      expect(logs.filter((l) => l.startsWith('webhook'))).toEqual([
        expect.stringMatching(/after 1 attempt\(s\): answered 307, a redirect \(not followed\)$/),
      ]);

      logs = [];
      const silent = await receiver([], () => true);
      servers.push(silent.server);
      await setSetting(db, 'webhook', silent.url);
      const slow = app({ alerts: { delivery: { timeoutMs: 200, retries: 1, backoffMs: 10 } } });
      const started = performance.now();
      await send(slow, [
        event({ ...base, type: 'target_missing', stepId: 'phone', actor: 'a1' }),
        event({ ...base, type: 'target_missing', stepId: 'phone', actor: 'a2' }),
      ]);
      expect(performance.now() - started).toBeLessThan(1000);
      await slow.alerter.idle();
      expect(logs.filter((l) => l.startsWith('webhook'))).toEqual([
        expect.stringMatching(
          /step phone not delivered .* after 2 attempt\(s\): no answer in 200 ms$/,
        ),
      ]);
    });
  });
}

describe('alerts from a hub on a socket', () => {
  it('posts the alert with a link to the address the hub listens on', async () => {
    const hook = await receiver();
    const hub = await startHub({ pglite: new PGlite(), port: 0 });
    try {
      const { token } = await createDevice(hub.db, 'Front desk');
      await setSetting(hub.db, 'webhook', hook.url);
      const now = Date.now();
      const events = day(2, ['a1', 'a2']).map((e) => ({ ...e, at: now, recordedAt: now }));
      const res = await fetch(hub.url('api/events'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ events }),
      });
      expect(await res.json()).toEqual({ accepted: 4, duplicates: 0 });
      for (let i = 0; i < 100 && hook.bodies.length === 0; i++) {
        await new Promise((done) => setTimeout(done, 50));
      }
      expect(hook.bodies).toEqual([
        {
          text: expect.stringMatching(
            new RegExp(
              `^Inflow alert: The target of step \`email\` of \`crm/new-contact\` was missing on ${new Date(now).toISOString().slice(0, 10)} for fewer than 5 people, .* Health view: http://127\\.0\\.0\\.1:${hub.port}/#/health$`,
            ),
          ),
        },
      ]);
    } finally {
      await hub.close();
      await close(hook.server);
    }
  }, 30_000);
});

describe('the alert text', () => {
  it('names the aid and step as the published pack does, with the ids after', () => {
    const alert = {
      day: DAY,
      aid_key: 'crm/new-contact',
      step_id: 'email',
      pack_id: 'crm',
      people: 2,
      missing: 3,
      views: 4,
      raised_at: new Date(NOON),
    };
    expect(
      alertText(alert, 5, 'https://hub.example/#/health', {
        aidTitle: 'New *contact* <b>',
        stepText: 'Enter the email'.repeat(20),
      }),
    ).toBe(
      `Inflow alert: The target of step \`${'Enter the email'.repeat(20).slice(0, 119)}…\` of \`New *contact* &lt;b&gt;\` (\`crm/new-contact\`, step \`email\`) was missing on 2026-03-02 for fewer than 5 people, in more than half of the page views that showed the aid. Health view: https://hub.example/#/health`,
    );
  });

  it('puts ids in code spans and escapes what chat tools would read as markup', () => {
    const text = alertText(
      {
        day: DAY,
        aid_key: 'crm/<!channel>`x`',
        step_id: 'a\nb',
        pack_id: 'crm',
        people: 7,
        missing: 5,
        views: 6,
        raised_at: new Date(NOON),
      },
      5,
      undefined,
    );
    expect(text).toBe(
      "Inflow alert: The target of step `a\\u000ab` of `crm/&lt;!channel&gt;'x'` was missing on 2026-03-02 for 7 people, in 5 of 6 page views that showed the aid.",
    );
  });
});
