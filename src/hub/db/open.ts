/**
 * Opens the hub's database: PGlite persisted in a directory (the default, nothing to
 * install), or a PostgreSQL server when a connection URL is given. Either way the same
 * migrations run before the database is handed out, and values come back in the same
 * shapes (bigint as number, date as 'YYYY-MM-DD').
 */

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { escapeControls } from '../../aids/validate';
import { lockDataDir } from './lock';
import { hubMigrations } from './migrations';
import { pgliteDialect } from './pglite-dialect';
import type { HubDatabase } from './schema';

const INT8 = 20;
const DATE = 1082;

/**
 * Counts are bigint columns: below 2^53 they are exact as numbers. A date is a calendar day,
 * not an instant: kept as its text so no time zone can move it.
 */
const parsers = {
  [INT8]: (value: string) => Number(value),
  [DATE]: (value: string) => value,
};

export type DatabaseTarget =
  /** PGlite's files go to `<dataDir>/pgdata`, next to the lock file `<dataDir>/hub.lock`. */
  | { dataDir: string }
  | { databaseUrl: string }
  /** An open PGlite (tests: `new PGlite()` in memory); closed with the Kysely instance. */
  | { pglite: PGlite };

export type HubDb = Kysely<HubDatabase>;

/**
 * Each session's memory for sorting and hashing: a fleet view sums tens of thousands of
 * rollup rows, which in the default 4 MB would spill to disk. A few views at once stay well
 * inside a small server's memory.
 */
const SESSION = `set work_mem = '32MB'`;

function pgPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid in parsers
          ? parsers[oid as keyof typeof parsers]
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('connect', (client) => {
    // Queued ahead of the connection's first query.
    client.query(SESSION).catch(() => {});
  });
  // An idle connection the server ends (a restart, an admin's terminate, a failover) is
  // reported on the pool: without a listener that would end the hub. The pool opens a new
  // connection for the next query.
  pool.on('error', (e) => {
    console.warn(`[inflow hub] a database connection was lost: ${escapeControls(e.message)}`);
  });
  return pool;
}

/** Runs every migration not yet applied; throws with the failing migration's error. */
export async function migrate(db: HubDb): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: hubMigrations }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(
      `database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The databases opened on PGlite: in this process, in WebAssembly, one connection. */
const embedded = new WeakSet<HubDb>();

/** True for a database opened on PGlite rather than a PostgreSQL server. */
export function isEmbedded(db: HubDb): boolean {
  return embedded.has(db);
}

/** Opens (creating if need be) and migrates the hub's database. */
export async function openDatabase(target: DatabaseTarget): Promise<HubDb> {
  let db: HubDb;
  if ('databaseUrl' in target) {
    db = new Kysely<HubDatabase>({
      dialect: new PostgresDialect({ pool: pgPool(target.databaseUrl) }),
    });
  } else {
    let lite: PGlite;
    let unlock: (() => Promise<void>) | undefined;
    if ('pglite' in target) {
      lite = target.pglite;
    } else {
      await mkdir(target.dataDir, { recursive: true });
      unlock = await lockDataDir(join(target.dataDir, 'hub.lock'));
      lite = new PGlite(join(target.dataDir, 'pgdata'));
    }
    db = new Kysely<HubDatabase>({ dialect: pgliteDialect(lite, { parsers, onEnd: unlock }) });
    embedded.add(db);
  }
  try {
    // PGlite is one session; each of the pool's connections sets it as it connects.
    if (!('databaseUrl' in target)) await sql.raw(SESSION).execute(db);
    await migrate(db);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return db;
}
