/**
 * The hub's settings an admin sets with `inflow hub settings set` (they live in the
 * `settings` table, beside `retention_days`): `webhook`, where alerts are posted, and `url`,
 * the hub's address as people reach it, for the link in an alert. Both are http(s) URLs
 * without a user name or password. A webhook URL's path and query usually hold its secret,
 * so it is only ever shown as its origin (`shownUrl`).
 */
import type { HubDb } from './db/open';

export const SETTING_KEYS = ['webhook', 'url'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

const MAX_URL = 2000;

/**
 * The URL as it will be kept, or an Error naming what is wrong with it. `url` (the hub's
 * address) keeps no query or anchor and no trailing slash.
 */
export function checkSettingUrl(key: SettingKey, value: string): string {
  const what = key === 'webhook' ? 'the webhook URL' : "the hub's URL";
  if (value.length > MAX_URL) throw new Error(`${what} is longer than ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${what} must start with https:// or http://`);
  }
  if (url.username || url.password) {
    throw new Error(
      `${what} may not hold a user name or password (user:password@): use the address the chat tool gives, with its secret in the path`,
    );
  }
  if (key === 'url') {
    if (url.search || url.hash) throw new Error(`${what} may not have a query or an anchor`);
    return url.toString().replace(/\/+$/, '');
  }
  return url.toString();
}

/** The URL without what may be secret: its origin, and "/…" when it had more. */
export function shownUrl(value: string): string {
  try {
    const url = new URL(value);
    const more = url.pathname !== '/' || url.search !== '' || url.hash !== '';
    return `${url.origin}${more ? '/…' : ''}`;
  } catch {
    return '(not a URL)';
  }
}

export async function readSetting(db: HubDb, key: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value;
}

export async function readSettings(db: HubDb): Promise<Map<string, string>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).orderBy('key').execute();
  return new Map(rows.map((r) => [r.key, r.value]));
}

/** Checks and stores a setting; resolves to the value kept. */
export async function setSetting(db: HubDb, key: SettingKey, value: string): Promise<string> {
  const kept = checkSettingUrl(key, value);
  await db
    .insertInto('settings')
    .values({ key, value: kept })
    .onConflict((c) => c.column('key').doUpdateSet({ value: kept }))
    .execute();
  return kept;
}

/** Removes a setting; resolves to whether it was set. */
export async function unsetSetting(db: HubDb, key: SettingKey): Promise<boolean> {
  const result = await db.deleteFrom('settings').where('key', '=', key).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
