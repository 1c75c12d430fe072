/** The database every `inflow hub` subcommand opens: PGlite in --data, or PostgreSQL when DATABASE_URL is set. */
import { resolve } from 'node:path';
import type { DatabaseTarget, HubDb } from '../../hub/db/open';
import { openDatabase } from '../../hub/db/open';
import { CliError, UsageError } from '../io';

export const DEFAULT_DATA = './inflow-hub-data';

export function targetOf(data: string | undefined, env: NodeJS.ProcessEnv): DatabaseTarget {
  const url = env.DATABASE_URL;
  if (url) {
    if (data !== undefined) throw new UsageError('--data and DATABASE_URL: use one of them');
    return { databaseUrl: url };
  }
  return { dataDir: resolve(data ?? DEFAULT_DATA) };
}

export async function withDb<T>(
  target: DatabaseTarget,
  work: (db: HubDb) => Promise<T>,
): Promise<T> {
  let db: HubDb;
  try {
    db = await openDatabase(target);
  } catch (e) {
    throw new CliError(`cannot open the database: ${(e as Error).message}`);
  }
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}
