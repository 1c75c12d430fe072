/**
 * `npm start`'s simulated colleagues (src/hub/demo.ts), on both backends: their events go
 * through ingest once however often the demo starts, the fleet summary shows two people when
 * the hub shows groups that small, and the hub says it holds demo data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubApp } from '../../../src/hub/app';
import type { HubDb } from '../../../src/hub/db/open';
import { DEMO_DEVICE, demoEvents, seedDemoColleagues } from '../../../src/hub/demo';
import { addUser } from '../../../src/hub/users';
import type { FleetSummary } from '../../../src/protocol/fleet';
import { HubBatch } from '../../../src/protocol/hub';
import { backends, type Opened } from './backends';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const CRM = 'http://localhost:4100';
const PASSWORD = 'correct horse battery staple';

describe('demo events', () => {
  it('are valid batches: the hub would accept them from a browser', () => {
    const events = demoEvents(CRM, NOW);
    expect(HubBatch.safeParse({ events }).success).toBe(true);
    expect(new Set(events.map((e) => e.actor)).size).toBe(2);
    expect(events.every((e) => e.at < NOW && e.url === `${CRM}/contacts/new`)).toBe(true);
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`demo colleagues on ${backend.name}`, () => {
    let opened: Opened;
    let db: HubDb;

    beforeAll(async () => {
      opened = await backend.open();
      db = opened.db;
    }, 30_000);
    afterAll(() => opened?.drop());

    it('are stored once, from their own device, and the hub says it holds demo data', async () => {
      const first = await seedDemoColleagues(db, CRM, NOW);
      expect(first).toBe(demoEvents(CRM, NOW).length);
      expect(await seedDemoColleagues(db, CRM, NOW)).toBe(0);
      const devices = await db.selectFrom('devices').select('name').execute();
      expect(devices).toEqual([{ name: DEMO_DEVICE }]);

      const app = createHubApp({ db, now: () => NOW, minGroup: 2 });
      const health = await (await app.request('/api/health')).json();
      expect(health.demoData).toBe(DEMO_DEVICE);

      await addUser(db, 'ada', 'viewer', PASSWORD);
      const session = await app.request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ada', password: PASSWORD }),
      });
      const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
      const res = await app.request('/api/insights/summary', { headers: { cookie } });
      const summary = (await res.json()) as FleetSummary;
      const aid = summary.aids.find((a) => a.aidKey === 'northwind-crm/new-contact')!;
      expect(aid.people).toBe(2);
      const consent = aid.steps.find((s) => s.stepId === 'consent')!;
      expect(consent).toMatchObject({ people: 2, skipped: 6 });
      const channel = aid.steps.find((s) => s.stepId === 'channel')!;
      expect(channel.targetMissing).toBe(1);

      // The version comparison has their runs' times: five completions, 100 s each.
      const versions = await app.request('/api/insights/versions?aid=northwind-crm/new-contact', {
        headers: { cookie },
      });
      expect((await versions.json()).versions).toEqual([
        expect.objectContaining({
          version: '1.0.0',
          people: 2,
          completed: 5,
          timeToComplete: expect.objectContaining({ runs: 5, medianMs: 100_000 }),
        }),
      ]);
    });
  });
}
