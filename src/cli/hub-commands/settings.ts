/** `inflow hub settings [set|unset]`: the webhook and the hub's own address. */
import type { DatabaseTarget } from '../../hub/db/open';
import {
  checkSettingUrl,
  readSettings,
  SETTING_KEYS,
  type SettingKey,
  setSetting,
  shownUrl,
  unsetSetting,
} from '../../hub/settings';
import { CliError, EXIT_OK, type Io, UsageError } from '../io';
import { withDb } from './database';

function settingKey(key: string | undefined): SettingKey {
  if (!key || !SETTING_KEYS.includes(key as SettingKey)) {
    throw new UsageError(`settings: the setting is one of ${SETTING_KEYS.join(', ')}`);
  }
  return key as SettingKey;
}

/** A setting as printed: a webhook's path and query may hold its secret. */
const shownSetting = (key: string, value: string) => (key === 'webhook' ? shownUrl(value) : value);

export async function settingsCommand(
  target: DatabaseTarget,
  action: string | undefined,
  rest: string[],
  io: Io,
): Promise<number> {
  if (action === undefined) {
    const settings = await withDb(target, readSettings);
    for (const key of ['retention_days', ...SETTING_KEYS]) {
      const value = settings.get(key);
      io.out(`${key}  ${value === undefined ? '(not set)' : shownSetting(key, value)}`);
    }
    return EXIT_OK;
  }
  if (action === 'set') {
    if (rest.length !== 2) throw new UsageError('settings set needs a setting and a URL');
    const key = settingKey(rest[0]);
    // Checked before the database is opened: a wrong URL needs no stopped hub to be told.
    try {
      checkSettingUrl(key, rest[1]!);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const kept = await withDb(target, (db) => setSetting(db, key, rest[1]!));
    io.out(`${key} set to ${shownSetting(key, kept)}`);
    return EXIT_OK;
  }
  if (action === 'unset') {
    if (rest.length !== 1) throw new UsageError('settings unset needs one setting');
    const key = settingKey(rest[0]);
    const was = await withDb(target, (db) => unsetSetting(db, key));
    io.out(was ? `${key} unset` : `${key} was not set`);
    return EXIT_OK;
  }
  throw new UsageError(`unknown subcommand "settings ${action}"`);
}
