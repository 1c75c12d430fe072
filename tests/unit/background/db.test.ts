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
      hubOutbox: ['id', 'seq'],
      drafts: ['key', 'packId'],
      aidVersions: ['[key+rev]', 'key'],
      previews: ['tabId'],
      touchpoints: ['[day+template+aided]'],
      touchpointOutbox: ['id', 'seq'],
      hostIndex: ['key'],
    });
  });

  it('version 5 adds the hub queue and keeps the rows queued for the LRS', async () => {
    const name = `inflow-upgrade-${Math.random().toString(36).slice(2)}`;
    // The database as version 4 left it, with an event waiting for the LRS.
    const old = new Dexie(name);
    old.version(4).stores({
      packs: 'id',
      aids: 'key, *hostKeys, packId',
      progress: 'aidKey',
      events: '++seq, &id, type, aidKey, recordedAt',
      settings: 'key',
      packHistory: '[id+version], id',
      syncStatus: 'url',
      outbox: 'id, seq',
      drafts: 'key, packId',
      aidVersions: '[key+rev], key',
      previews: 'tabId',
    });
    const row = { id: 'e-0000001', seq: 7, event: { id: 'e-0000001', seq: 7 } };
    await old.table('outbox').put(row);
    await old.table('settings').put({ key: 'exportOn', value: true });
    old.close();
    const db = openDb(name);
    try {
      expect(await db.outbox.toArray()).toEqual([row]);
      expect(await db.hubOutbox.count()).toBe(0);
      expect(await getSetting(db, 'exportOn', false)).toBe(true);
      // Opened at the latest version (6 adds the touchpoint tables, empty; 7 the aids by
      // host key, see host-index.test.ts).
      expect(db.verno).toBe(7);
      expect(await db.touchpoints.count()).toBe(0);
      expect(await db.touchpointOutbox.count()).toBe(0);
    } finally {
      await db.delete();
    }
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
