/**
 * The two databases the hub runs on, for tests that must pass on both: PGlite in memory,
 * and PostgreSQL when INFLOW_TEST_DATABASE_URL names a server (CI starts one; see
 * scripts/ci-postgres.sh). On PostgreSQL each `open()` creates a database of its own,
 * dropped by `drop()`.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { DatabaseTarget, HubDb } from '../../../src/hub/db/open';
import { openDatabase } from '../../../src/hub/db/open';

export interface Opened {
  db: HubDb;
  /** Where the database is, to open it again (PostgreSQL only; PGlite in memory is gone). */
  target: DatabaseTarget;
  /** Destroys the Kysely instance and removes the database. */
  drop(): Promise<void>;
}

export interface Backend {
  name: string;
  /** Why this backend does not run here, or undefined. */
  skip?: string;
  open(): Promise<Opened>;
}

const serverUrl = process.env.INFLOW_TEST_DATABASE_URL;

export async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const pglite: Backend = {
  name: 'PGlite',
  async open() {
    const target = { pglite: new PGlite() };
    const db = await openDatabase(target);
    return { db, target, drop: () => db.destroy() };
  },
};

export const postgres: Backend = {
  name: serverUrl ? 'PostgreSQL' : 'PostgreSQL (skipped: INFLOW_TEST_DATABASE_URL is not set)',
  skip: serverUrl ? undefined : 'INFLOW_TEST_DATABASE_URL is not set',
  async open() {
    const name = `inflow_test_${randomBytes(6).toString('hex')}`;
    await admin((c) => c.query(`create database ${name}`));
    const url = new URL(serverUrl!);
    url.pathname = `/${name}`;
    const target = { databaseUrl: url.toString() };
    const db = await openDatabase(target);
    let dropped = false;
    return {
      db,
      target,
      async drop() {
        if (dropped) return;
        dropped = true;
        await db.destroy();
        await admin((c) => c.query(`drop database if exists ${name} with (force)`));
      },
    };
  },
};

export const backends: Backend[] = [pglite, postgres];

/** Empties every table but the schema's own, between tests sharing one database. */
export async function emptyTables(db: HubDb): Promise<void> {
  for (const table of [
    'sessions',
    'events',
    'daily_rollups',
    'daily_actors',
    'daily_reasons',
    'run_durations',
    'touchpoint_daily',
    'touchpoint_actors',
    'touchpoint_ids',
    'devices',
    'users',
    'packs',
    'period_pending',
    'period_counts',
    'period_people',
    'actor_groups',
    'actor_numbers',
    'reason_givers',
    'reason_texts',
  ] as const) {
    await db.deleteFrom(table).execute();
  }
  await db
    .updateTable('settings')
    .set({ value: '180' })
    .where('key', '=', 'retention_days')
    .execute();
}
