/**
 * How long raw events are kept. Rollups are kept: they hold no person's actions, only counts
 * and pseudonyms per day. The setting lives in the `settings` table (default 180 days).
 */

import { DEFAULT_RETENTION_DAYS } from './db/migrations';
import type { HubDb } from './db/open';

const DAY_MS = 24 * 60 * 60 * 1000;

export async function retentionDays(db: HubDb): Promise<number> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'retention_days')
    .executeTakeFirst();
  const days = Number(row?.value);
  return Number.isInteger(days) && days > 0 ? days : DEFAULT_RETENTION_DAYS;
}

export async function setRetentionDays(db: HubDb, days: number): Promise<void> {
  if (!Number.isInteger(days) || days < 1)
    throw new Error('retention must be a whole number of days, at least 1');
  await db
    .insertInto('settings')
    .values({ key: 'retention_days', value: String(days) })
    .onConflict((c) => c.column('key').doUpdateSet({ value: String(days) }))
    .execute();
}

/** The oldest `at` a raw event may have to be kept. */
export function retentionCutoff(days: number, now: Date): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** Deletes raw events older than the retention; resolves to how many went. */
export async function pruneEvents(db: HubDb, now = new Date()): Promise<number> {
  const cutoff = retentionCutoff(await retentionDays(db), now);
  const result = await db.deleteFrom('events').where('at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
