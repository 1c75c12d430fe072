import Dexie from 'dexie';
import { describe, expect, it, vi } from 'vitest';
import {
  DB_NAME,
  getDb,
  getSetting,
  openDb,
  setSetting,
  withReopen,
} from '../../../src/background/db';
import { freshDb } from './fixtures';

describe('db', () => {
  it('declares the tables and indexes other parts rely on', async () => {
    const db = freshDb();
    await db.open();
    const schema = Object.fromEntries(
      db.tables.map((t) => [
        t.name,
        [t.schema.primKey.src, ...t.schema.indexes.map((i) => i.src)].sort(),
      ]),
    );
    expect(schema).toEqual({
      packs: ['id'],
      aids: ['*hostKeys', 'key', 'packId'].sort(),
      progress: ['aidKey'],
      events: ['++seq', '&id', 'aidKey', 'recordedAt', 'type'].sort(),
      settings: ['key'],
      packHistory: ['[id+version]', 'id'],
      syncStatus: ['url'],
      outbox: ['id', 'seq'],
      drafts: ['key', 'packId'],
      aidVersions: ['[key+rev]', 'key'],
      previews: ['tabId'],
    });
  });

  it('names the shared database "inflow" and creates it lazily', () => {
    expect(DB_NAME).toBe('inflow');
    expect(getDb()).toBe(getDb());
    expect(getDb().name).toBe('inflow');
    expect(openDb('x').name).toBe('x');
  });

  it('reads settings with a fallback', async () => {
    const db = freshDb();
    expect(await getSetting(db, 'pausedHosts', [])).toEqual([]);
    await setSetting(db, 'pausedHosts', ['a.test']);
    expect(await getSetting(db, 'pausedHosts', [])).toEqual(['a.test']);
    expect(await db.settings.get('pausedHosts')).toEqual({ key: 'pausedHosts', value: ['a.test'] });
  });

  it('withReopen retries once after DatabaseClosedError, and only then', async () => {
    const db = freshDb();
    const closedOnce = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Dexie.DatabaseClosedError('Database has been closed'))
      .mockResolvedValue('ok');
    expect(await withReopen(db, closedOnce)).toBe('ok');
    expect(closedOnce).toHaveBeenCalledTimes(2);

    const failing = vi.fn<() => Promise<string>>().mockRejectedValue(new Error('boom'));
    await expect(withReopen(db, failing)).rejects.toThrow('boom');
    expect(failing).toHaveBeenCalledTimes(1);
  });
});
