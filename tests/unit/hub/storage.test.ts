/**
 * The hub's storage on both backends with the same tests: migrations, exactly-once ingest
 * with rollups and distinct people, retention, and a database that outlives the hub.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hubMigrations } from '../../../src/hub/db/migrations';
import { type HubDb, migrate, openDatabase } from '../../../src/hub/db/open';
import { ingestBatch } from '../../../src/hub/ingest';
import { pruneEvents, setRetentionDays } from '../../../src/hub/retention';
import { backends, emptyTables, type Opened } from './backends';
import { daysAfter, event, NOON } from './fixtures';

const at = new Date(daysAfter(NOON, 1));

async function rollups(db: HubDb) {
  return db
    .selectFrom('daily_rollups')
    .select(['day', 'event_type', 'step_id', 'team', 'events'])
    .orderBy('day')
    .orderBy('event_type')
    .orderBy('step_id')
    .execute();
}

async function people(db: HubDb) {
  return db
    .selectFrom('daily_actors')
    .select(['day', 'event_type', 'step_id', (eb) => eb.fn.countAll<number>().as('people')])
    .groupBy(['day', 'event_type', 'step_id'])
    .orderBy('day')
    .orderBy('event_type')
    .orderBy('step_id')
    .execute();
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`hub storage on ${backend.name}`, () => {
    let opened: Opened;
    let db: HubDb;

    beforeAll(async () => {
      opened = await backend.open();
      db = opened.db;
    }, 30_000);
    afterAll(() => opened?.drop());
    beforeEach(() => emptyTables(db));

    it('runs its migrations once: running them again changes nothing', async () => {
      await migrate(db);
      await migrate(db);
      const applied = await sql<{
        n: number;
      }>`select count(*)::int as n from kysely_migration`.execute(db);
      // Every migration in the code, each once.
      expect(applied.rows[0]!.n).toBe(Object.keys(await hubMigrations.getMigrations()).length);
      expect(applied.rows[0]!.n).toBeGreaterThanOrEqual(4);
      const tables = await db.introspection.getTables();
      expect(tables.map((t) => t.name).sort()).toEqual(
        expect.arrayContaining([
          'daily_actors',
          'daily_rollups',
          'devices',
          'events',
          'run_durations',
          'sessions',
          'settings',
          'users',
        ]),
      );
    });

    it('stores a batch and counts events and distinct people per day, step and type', async () => {
      const events = [
        event({ actor: 'a' }),
        event({ actor: 'a' }),
        event({ actor: 'b' }),
        event({ actor: 'a', stepId: undefined, type: 'aid_shown' }),
        event({ actor: 'c', at: daysAfter(NOON, 1) }),
      ];
      expect(await ingestBatch(db, { deviceId: 'dev_1', events, now: at })).toEqual({
        accepted: 5,
        duplicates: 0,
      });
      expect(await rollups(db)).toEqual([
        { day: '2026-03-02', event_type: 'aid_shown', step_id: '', team: 'front-desk', events: 1 },
        {
          day: '2026-03-02',
          event_type: 'step_done',
          step_id: 'email',
          team: 'front-desk',
          events: 3,
        },
        {
          day: '2026-03-03',
          event_type: 'step_done',
          step_id: 'email',
          team: 'front-desk',
          events: 1,
        },
      ]);
      expect(await people(db)).toEqual([
        { day: '2026-03-02', event_type: 'aid_shown', step_id: '', people: 1 },
        { day: '2026-03-02', event_type: 'step_done', step_id: 'email', people: 2 },
        { day: '2026-03-03', event_type: 'step_done', step_id: 'email', people: 1 },
      ]);
      const stored = await db
        .selectFrom('events')
        .selectAll()
        .where('id', '=', events[0]!.id)
        .executeTakeFirstOrThrow();
      expect(stored).toMatchObject({
        device_id: 'dev_1',
        pack_id: 'crm',
        step_id: 'email',
        url: 'https://crm.example.com/contacts/new',
      });
      expect(stored.at.getTime()).toBe(NOON);
      expect(stored.received_at.getTime()).toBe(at.getTime());
    });

    it('counts nothing twice: the same batch again is all duplicates', async () => {
      const events = [event({ actor: 'a' }), event({ actor: 'b' })];
      await ingestBatch(db, { deviceId: 'dev_1', events, now: at });
      const before = await rollups(db);
      expect(await ingestBatch(db, { deviceId: 'dev_1', events, now: at })).toEqual({
        accepted: 0,
        duplicates: 2,
      });
      expect(await rollups(db)).toEqual(before);
      expect(await people(db)).toEqual([
        { day: '2026-03-02', event_type: 'step_done', step_id: 'email', people: 2 },
      ]);
    });

    it('counts only the new events of a batch that mixes new and old, and an id twice once', async () => {
      const old = event({ actor: 'a' });
      await ingestBatch(db, { deviceId: 'dev_1', events: [old], now: at });
      const fresh = event({ actor: 'b' });
      expect(
        await ingestBatch(db, { deviceId: 'dev_1', events: [old, fresh, fresh], now: at }),
      ).toEqual({
        accepted: 1,
        duplicates: 2,
      });
      expect((await rollups(db))[0]!.events).toBe(2);
      expect((await people(db))[0]!.people).toBe(2);
    });

    it('keeps query strings and anchors out of stored URLs, but a #/ route stays', async () => {
      const events = [
        event({ url: 'https://crm.example.com/contacts?email=a@b.example#top' }),
        event({ url: 'https://app.example.com/#/orders/7?token=x' }),
      ];
      await ingestBatch(db, { deviceId: 'dev_1', events, now: at });
      const urls = await db.selectFrom('events').select('url').orderBy('id').execute();
      expect(urls.map((u) => u.url)).toEqual([
        'https://crm.example.com/contacts',
        'https://app.example.com/#/orders/7',
      ]);
    });

    it('prunes raw events past the retention and keeps the rollups', async () => {
      await setRetentionDays(db, 30);
      const events = [
        event({ actor: 'a', at: NOON }),
        event({ actor: 'b', at: daysAfter(NOON, 20) }),
      ];
      await ingestBatch(db, { deviceId: 'dev_1', events, now: new Date(daysAfter(NOON, 21)) });
      expect(await pruneEvents(db, new Date(daysAfter(NOON, 31)))).toBe(1);
      const left = await db.selectFrom('events').select('id').execute();
      expect(left).toEqual([{ id: events[1]!.id }]);
      expect((await rollups(db)).map((r) => r.events)).toEqual([1, 1]);
      // The pruned event comes again: it is too old to keep, and is not counted again.
      expect(
        await ingestBatch(db, {
          deviceId: 'dev_1',
          events: [events[0]!],
          now: new Date(daysAfter(NOON, 31)),
        }),
      ).toEqual({ accepted: 0, duplicates: 1 });
      expect((await rollups(db)).map((r) => r.events)).toEqual([1, 1]);
    });
  });
}

describe('a hub database outlives the hub', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inflow-hub-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps events in a PGlite data directory across a restart, and locks it while open', async () => {
    const first = await openDatabase({ dataDir: dir });
    const events = [event(), event()];
    await ingestBatch(first, { deviceId: 'dev_1', events, now: at });
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/in use by process/);
    await first.destroy();

    const second = await openDatabase({ dataDir: dir });
    try {
      expect(await second.selectFrom('events').select('id').orderBy('id').execute()).toEqual(
        events.map((e) => ({ id: e.id })).sort((a, b) => a.id.localeCompare(b.id)),
      );
      expect(await ingestBatch(second, { deviceId: 'dev_1', events, now: at })).toEqual({
        accepted: 0,
        duplicates: 2,
      });
    } finally {
      await second.destroy();
    }
  }, 60_000);
});
