import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import {
  type AidRow,
  HOST_INDEX_FORMAT,
  HOST_INDEX_META,
  type HostIndexMeta,
  type HostIndexRow,
  type InflowDb,
  openDb,
} from '../../../src/background/db';
import { forgetCachedAids, lookup } from '../../../src/background/lookup';
import { aidRowsOf, installPack, removePack } from '../../../src/background/packs';
import { checklist, freshDb, pack, tip } from './fixtures';

const CRM = 'https://crm.localhost/contacts/new';
const CRM_URLS = ['https://crm.localhost/contacts/*'];
const HR_URLS = ['https://hr.localhost/people/*'];
const WILD_URLS = ['https://*.example.test/*'];

/** What the index holds: each host key's aids as "key@version", sorted, and the meta row. */
async function indexOf(db: InflowDb) {
  const rows = await db.hostIndex.toArray();
  const meta = rows.find((r) => r.key === HOST_INDEX_META) as HostIndexMeta | undefined;
  const byKey = Object.fromEntries(
    rows
      .filter((r): r is HostIndexRow => r.key !== HOST_INDEX_META)
      .map((r) => [r.key, r.rows.map((a) => `${a.key}@${a.packVersion}`).sort()]),
  );
  return { byKey, meta };
}

/** The index the `aids` table implies, grouped like indexOf(). */
async function impliedBy(db: InflowDb) {
  const byKey: Record<string, string[]> = {};
  for (const row of await db.aids.toArray()) {
    for (const key of row.hostKeys) {
      byKey[key] = [...(byKey[key] ?? []), `${row.key}@${row.packVersion}`];
    }
  }
  for (const list of Object.values(byKey)) list.sort();
  return byKey;
}

/** The index is whole: current meta row, and exactly the aids of `aids` under each key. */
async function expectWhole(db: InflowDb) {
  const { byKey, meta } = await indexOf(db);
  const implied = await impliedBy(db);
  expect(byKey).toEqual(implied);
  expect(meta).toMatchObject({ format: HOST_INDEX_FORMAT, keys: Object.keys(implied).sort() });
}

describe('aids by host key', () => {
  it('holds the aids of an installed pack under each of their host keys', async () => {
    const db = freshDb();
    await installPack(
      db,
      pack('crm', '1.0.0', [
        checklist('new', [...CRM_URLS, ...WILD_URLS]),
        tip('save', CRM_URLS),
        tip('people', HR_URLS),
      ]),
    );
    const { byKey, meta } = await indexOf(db);
    expect(byKey).toEqual({
      'crm.localhost': ['crm/new@1.0.0', 'crm/save@1.0.0'],
      '*.example.test': ['crm/new@1.0.0'],
      'hr.localhost': ['crm/people@1.0.0'],
    });
    expect(meta).toEqual({
      key: HOST_INDEX_META,
      format: HOST_INDEX_FORMAT,
      keys: ['*.example.test', 'crm.localhost', 'hr.localhost'],
      packs: { crm: ['*.example.test', 'crm.localhost', 'hr.localhost'] },
    });
    // The rows are the aid rows themselves, as lookups hand them out.
    const row = (await db.hostIndex.get('hr.localhost')) as HostIndexRow;
    expect(row.rows).toEqual([await db.aids.get('crm/people')]);
  });

  it('replaces a pack under its old and new host keys, and keeps the other packs', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [tip('old', CRM_URLS), tip('hr', HR_URLS)]));
    await installPack(db, pack('help', '1.0.0', [tip('crm-help', CRM_URLS)]));
    await installPack(db, pack('crm', '2.0.0', [tip('new', CRM_URLS), tip('wild', WILD_URLS)]));

    const { byKey, meta } = await indexOf(db);
    expect(byKey).toEqual({
      'crm.localhost': ['crm/new@2.0.0', 'help/crm-help@1.0.0'],
      '*.example.test': ['crm/wild@2.0.0'],
    });
    // hr.localhost had only the old version's aid: its row is gone, and so is its key.
    expect(meta?.keys).toEqual(['*.example.test', 'crm.localhost']);
    expect(meta?.packs).toEqual({
      crm: ['*.example.test', 'crm.localhost'],
      help: ['crm.localhost'],
    });
    await expectWhole(db);
  });

  it('drops a removed pack and keeps what other packs have under the same key', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [tip('a', CRM_URLS), tip('hr', HR_URLS)]));
    await installPack(db, pack('help', '1.0.0', [tip('crm-help', CRM_URLS)]));
    expect(await removePack(db, 'crm')).toBe(true);

    const { byKey, meta } = await indexOf(db);
    expect(byKey).toEqual({ 'crm.localhost': ['help/crm-help@1.0.0'] });
    expect(meta).toMatchObject({ keys: ['crm.localhost'], packs: { help: ['crm.localhost'] } });
    expect(await removePack(db, 'help')).toBe(true);
    expect(await indexOf(db)).toEqual({
      byKey: {},
      meta: { key: HOST_INDEX_META, format: HOST_INDEX_FORMAT, keys: [], packs: {} },
    });
    expect(await lookup(db, CRM)).toEqual([]);
  });

  it('never lets a broken pack replace a good one', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [tip('a', CRM_URLS)]));
    const before = await db.hostIndex.toArray();

    // Invalid: refused before anything is written.
    const invalid = pack('crm', '2.0.0', [tip('b', CRM_URLS), tip('b', ['https://x.localhost/('])]);
    expect((await installPack(db, invalid)).ok).toBe(false);
    expect(await db.hostIndex.toArray()).toEqual(before);

    // Valid, but its write fails half-way: the transaction takes the index back with the aids.
    db.aids.hook('creating', (_key, row) => {
      if (row.key === 'crm/y') throw new Error('disk full');
    });
    await expect(
      installPack(db, pack('crm', '3.0.0', [tip('x', HR_URLS), tip('y', HR_URLS)])),
    ).rejects.toThrow();
    expect(await db.hostIndex.toArray()).toEqual(before);
    expect((await lookup(db, CRM)).map((a) => `${a.key}@${a.packVersion}`)).toEqual([
      'crm/a@1.0.0',
    ]);
  });

  it('is marked stale by any other write to the aids, never read stale, and rebuilt whole', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [tip('a', CRM_URLS)]));
    await installPack(db, pack('hr', '1.0.0', [tip('p', HR_URLS)]));
    const row = (await db.aids.get('crm/a')) as AidRow;

    // A write that bypasses packs.ts: the meta row goes in the same transaction.
    await db.aids.put({ ...row, aid: { ...row.aid, title: 'Written directly' } });
    expect(await db.hostIndex.get(HOST_INDEX_META)).toBeUndefined();
    // A new instance (a worker that just started) reads `aids`, not the stale copy.
    const other = openDb(db.name);
    try {
      expect((await lookup(other, CRM))[0]?.aid.title).toBe('Written directly');
    } finally {
      other.close();
    }

    // The next install, of another pack, rebuilds every row, the crm one included.
    await installPack(db, pack('hr', '2.0.0', [tip('q', HR_URLS)]));
    await expectWhole(db);
    const crm = (await db.hostIndex.get('crm.localhost')) as HostIndexRow;
    expect(crm.rows[0]?.aid.title).toBe('Written directly');
  });

  it('never reads an index of another format', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [tip('a', CRM_URLS)]));
    const meta = (await db.hostIndex.get(HOST_INDEX_META)) as HostIndexMeta;
    // A row under crm.localhost that disagrees with `aids`, and a meta row of another format.
    await db.hostIndex.bulkPut([
      { key: 'crm.localhost', rows: [] },
      { ...meta, format: HOST_INDEX_FORMAT + 1 },
    ]);
    forgetCachedAids(db);
    expect((await lookup(db, CRM)).map((a) => a.key)).toEqual(['crm/a']);

    await installPack(db, pack('hr', '1.0.0', [tip('p', HR_URLS)]));
    await expectWhole(db);
  });

  it('is built from the aids when a store of version 6 is upgraded', async () => {
    const name = `inflow-upgrade-${Math.random().toString(36).slice(2)}`;
    const old = new Dexie(name);
    old.version(6).stores({
      packs: 'id',
      aids: 'key, *hostKeys, packId',
      progress: 'aidKey',
      events: '++seq, &id, type, aidKey, recordedAt',
      settings: 'key',
      packHistory: '[id+version], id',
      syncStatus: 'url',
      outbox: 'id, seq',
      hubOutbox: 'id, seq',
      drafts: 'key, packId',
      aidVersions: '[key+rev], key',
      previews: 'tabId',
      touchpoints: '[day+template+aided]',
      touchpointOutbox: 'id, seq',
    });
    const parsed = pack('crm', '1.0.0', [tip('a', CRM_URLS), tip('w', WILD_URLS)]);
    const rows = aidRowsOf(parsed as Parameters<typeof aidRowsOf>[0]);
    await old.table('aids').bulkPut(rows);
    await old.table('settings').put({ key: 'aidHostKeys', value: ['*.example.test', 'x'] });
    old.close();

    const db = openDb(name);
    try {
      expect(db.verno).toBe(7);
      await expectWhole(db);
      expect(await db.settings.get('aidHostKeys')).toBeUndefined();
      expect((await lookup(db, CRM)).map((a) => a.key)).toEqual(['crm/a']);
    } finally {
      await db.delete();
    }
  });
});
