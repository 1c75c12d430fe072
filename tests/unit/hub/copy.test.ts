/**
 * `inflow hub copy`: from an embedded data directory (PGlite) into a real PostgreSQL
 * database, every table, row for row; a database that already holds events is refused.
 * Needs INFLOW_TEST_DATABASE_URL (the PostgreSQL server the hub's tests use).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetEvent } from '../../../bench/hub-fleet';
import { copyDatabase } from '../../../src/hub/copy';
import { type HubDb, openDatabase } from '../../../src/hub/db/open';
import type { HubDatabase } from '../../../src/hub/db/schema';
import { createDevice, revokeDevice } from '../../../src/hub/devices';
import { ingestBatch } from '../../../src/hub/ingest';
import { setRetentionDays } from '../../../src/hub/retention';
import { createSession } from '../../../src/hub/sessions';
import { addUser } from '../../../src/hub/users';
import { cli } from '../cli/helpers';
import { admin, postgres } from './backends';
import { event, NOON } from './fixtures';

const TABLES: (keyof HubDatabase)[] = [
  'events',
  'daily_rollups',
  'daily_actors',
  'daily_reasons',
  'devices',
  'users',
  'sessions',
  'settings',
];

/** Every row of every table, as comparable text, in a fixed order. */
async function contents(db: HubDb): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await db.selectFrom(table).selectAll().execute();
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

describe.skipIf(postgres.skip)('inflow hub copy into PostgreSQL', () => {
  let dataDir: string;
  let source: Record<string, string[]>;
  const made: string[] = [];

  /** A new empty database on the test server, and its URL. */
  async function emptyDatabase(): Promise<string> {
    const name = `inflow_test_copy_${randomBytes(5).toString('hex')}`;
    await admin((c) => c.query(`create database ${name}`));
    made.push(name);
    const url = new URL(process.env.INFLOW_TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    return url.toString();
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'inflow-copy-'));
    const db = await openDatabase({ dataDir });
    const now = new Date(NOON);
    const events = Array.from({ length: 1_200 }, (_, i) =>
      fleetEvent(i, NOON, { withinMs: 20 * 86_400_000 }),
    );
    // Values that a careless copy would change: JSON, text with quotes and newlines, a
    // comment in another script, microseconds-free times near a day boundary.
    events.push(
      event({
        type: 'target_healed',
        failedSignals: ['label', 'css'],
        foundBy: 'text',
        comment: 'It\'s "wrong"\nsince the update — ünïcode ✓',
        at: NOON - 12 * 3_600_000,
      }),
    );
    for (let i = 0; i < events.length; i += 500) {
      await ingestBatch(db, { deviceId: 'dev_1', events: events.slice(i, i + 500), now });
    }
    await createDevice(db, 'front desk', now);
    const gone = await createDevice(db, 'old laptop', now);
    await revokeDevice(db, gone.device.id, now);
    const ann = await addUser(db, 'ann', 'admin', 'a long enough password');
    await createSession(db, ann.id, now);
    await setRetentionDays(db, 90);
    source = await contents(db);
    await db.destroy();
  }, 120_000);

  afterAll(async () => {
    for (const name of made) {
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('copies every table, says how far it got, and checks the row counts', async () => {
    const url = await emptyDatabase();
    const run = await cli('hub', 'copy', '--data', dataDir, '--to', url);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}events: 0 of 1201 rows$/m);
    expect(run.stdout).toMatch(/^ {2}events: 1201 of 1201 rows$/m);
    expect(run.stdout).toMatch(/^done; row counts match: .*events 1201/m);
    // The password in the URL is never printed.
    expect(run.stdout).not.toContain('inflow:inflow');

    const target = await openDatabase({ databaseUrl: url });
    try {
      const copied = await contents(target);
      expect(copied).toEqual(source);
      expect(copied.settings).toEqual([JSON.stringify({ key: 'retention_days', value: '90' })]);
      expect(copied.sessions).toHaveLength(1);
      expect(copied.daily_reasons?.length).toBeGreaterThan(0);
    } finally {
      await target.destroy();
    }
  }, 120_000);

  it('pages through every table by its key when batches are small', async () => {
    const url = await emptyDatabase();
    const from = await openDatabase({ dataDir });
    const to = await openDatabase({ databaseUrl: url });
    try {
      const seen: string[] = [];
      const tables = await copyDatabase(from, to, {
        batchRows: 7,
        progress: (p) => seen.push(`${p.table} ${p.copied}/${p.total}`),
      });
      expect(tables.find((t) => t.table === 'events')?.rows).toBe(1_201);
      expect(seen).toContain('events 7/1201');
      expect(await contents(to)).toEqual(source);
      // A user comes before the sessions that point at it.
      const order = tables.map((t) => t.table);
      expect(order.indexOf('users')).toBeLessThan(order.indexOf('sessions'));
    } finally {
      await from.destroy();
      await to.destroy();
    }
  }, 120_000);

  it('refuses a database that already holds events, and leaves it as it was', async () => {
    const url = await emptyDatabase();
    expect((await cli('hub', 'copy', '--data', dataDir, '--to', url)).code).toBe(0);
    const again = await cli('hub', 'copy', '--data', dataDir, '--to', url);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/nothing copied: the target already holds 1201 events/);
    const target = await openDatabase({ databaseUrl: url });
    try {
      expect(await contents(target)).toEqual(source);
    } finally {
      await target.destroy();
    }
  }, 120_000);

  it('says what is missing before opening anything', async () => {
    expect((await cli('hub', 'copy', '--data', dataDir)).code).toBe(2);
    expect((await cli('hub', 'copy', '--data', dataDir, '--to', 'mysql://x/y')).code).toBe(2);
    const none = await cli(
      'hub',
      'copy',
      '--data',
      join(dataDir, 'nope'),
      '--to',
      'postgres://h/d',
    );
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no hub data in .*nope/);
  });
});
