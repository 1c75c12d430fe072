import type { DBCoreTable } from 'dexie';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOST_INDEX_META, type InflowDb, openDb } from '../../../src/background/db';
import {
  candidateAids,
  forgetCachedAids,
  inAudience,
  keysInUse,
  lookup,
} from '../../../src/background/lookup';
import { installPack, removePack } from '../../../src/background/packs';
import { recordEvent, resetProgress } from '../../../src/background/recorder';
import { checklist, freshDb, pack, tip } from './fixtures';

/** How many aids' URL rules lookups tested. */
const tested = vi.hoisted(() => ({ count: 0 }));

vi.mock('../../../src/aids/url-simple', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/aids/url-simple')>();
  return {
    ...actual,
    urlMatcher: (url: string) => {
      const matches = actual.urlMatcher(url);
      return (match: Parameters<typeof matches>[0]) => {
        tested.count++;
        return matches(match);
      };
    },
  };
});

interface Reads {
  /** Transactions begun (each one a round trip to IndexedDB at least). */
  transactions: number;
  /** Rows and keys that queries of the `aids` table returned. */
  aidRows: number;
  /** Cursors opened on `aids` (a scan, or a walk of an index). */
  aidCursors: number;
  /** Rows asked of `hostIndex`, the aids by host key (its meta row included). */
  indexGets: number;
  reset(): void;
}

/**
 * Counts what `db` reads. Rows of `aids` below Dexie's API (any path to that table goes
 * through there); transactions and rows of `hostIndex` on IndexedDB itself, which a first
 * visit reads without Dexie. Call it before the database is first used: middlewares apply
 * from the next open.
 */
function countReads(db: InflowDb): Reads {
  const reads: Reads = {
    transactions: 0,
    aidRows: 0,
    aidCursors: 0,
    indexGets: 0,
    reset() {
      this.transactions = this.aidRows = this.aidCursors = this.indexGets = 0;
    },
  };
  const counted = new WeakSet<IDBObjectStore>();
  const proto = globalThis.IDBDatabase.prototype;
  const begin = proto.transaction;
  proto.transaction = function (
    this: IDBDatabase,
    ...args: Parameters<IDBDatabase['transaction']>
  ) {
    const tx = begin.apply(this, args);
    if (this.name !== db.name) return tx;
    reads.transactions++;
    const objectStore = tx.objectStore.bind(tx);
    tx.objectStore = (name) => {
      const store = objectStore(name);
      if (name === 'hostIndex' && !counted.has(store)) {
        counted.add(store);
        const get = store.get.bind(store);
        store.get = (key) => {
          reads.indexGets++;
          return get(key);
        };
      }
      return store;
    };
    return tx;
  } as IDBDatabase['transaction'];
  db.use({
    stack: 'dbcore',
    name: 'test-count-reads',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        if (name !== 'aids') return table;
        const counted: DBCoreTable = {
          ...table,
          // .then(), not async functions: a native promise here would lose Dexie's zone.
          query: (req) =>
            table.query(req).then((res) => {
              reads.aidRows += res.result.length;
              return res;
            }),
          get: (req) =>
            table.get(req).then((row) => {
              if (row !== undefined) reads.aidRows++;
              return row;
            }),
          getMany: (req) =>
            table.getMany(req).then((rows) => {
              reads.aidRows += rows.filter((r) => r !== undefined).length;
              return rows;
            }),
          openCursor: (req) => {
            reads.aidCursors++;
            return table.openCursor(req);
          },
          count: (req) => table.count(req),
        };
        return counted;
      },
    }),
  });
  return reads;
}

const HOSTS = 500;
const PACKS = 10;
const AIDS_PER_PACK = 1000;

/**
 * 10,000 aids over 500 hosts: pack p, aid i is on host h(i) = i % 500 and matches either the
 * contact pages or the deal pages of that host. Plus one wildcard-host aid and one aid for
 * every host.
 */
function bigPacks() {
  const packs = [];
  for (let p = 0; p < PACKS; p++) {
    const aids = [];
    for (let i = 0; i < AIDS_PER_PACK; i++) {
      const host = `app${i % HOSTS}.example.test`;
      const page = i % 2 === 0 ? 'contacts' : 'deals';
      aids.push(checklist(`a${i}`, [`https://${host}/${page}/*`]));
    }
    packs.push(pack(`pack${p}`, '1.0.0', aids));
  }
  return packs;
}

describe('lookup over 10,000 aids', () => {
  let db: InflowDb;
  let reads: Reads;

  // Not freshDb(): this database must outlive the per-test cleanup.
  beforeAll(async () => {
    db = openDb(`inflow-lookup-${Date.now()}`);
    reads = countReads(db);
    for (const p of bigPacks()) {
      const result = await installPack(db, p);
      expect(result.ok).toBe(true);
    }
    await installPack(
      db,
      pack('extra', '1.0.0', [
        tip('wild', ['https://*.example.test/contacts/*']),
        tip('everywhere', ['*://*/*'], {
          match: { urls: ['*://*/*'], exclude: ['https://app7.example.test/*'], allSites: true },
        }),
      ]),
    );
  }, 60_000);

  afterAll(() => db.delete());

  it('holds every aid', async () => {
    expect(await db.aids.count()).toBe(PACKS * AIDS_PER_PACK + 2);
  });

  it('returns exactly the aids of the host and path, from the index', async () => {
    forgetCachedAids(db);
    tested.count = 0;
    reads.reset();
    const url = 'https://app42.example.test/contacts/17?tab=notes#top';
    const aids = await lookup(db, url);

    // Host 42 holds aids 42, 542 of every pack; both are even, so both are contact aids.
    const expected = [];
    for (let p = 0; p < PACKS; p++) expected.push(`pack${p}/a42`, `pack${p}/a542`);
    expected.push('extra/everywhere', 'extra/wild');
    expect(aids.map((a) => a.key).sort()).toEqual(expected.sort());
    expect(aids.every((a) => a.progress === null)).toBe(true);

    // Only the candidates of that host (20 + the 2 wildcard aids) were read and tested, not
    // 10,000, and from the aids by host key: its meta row (the keys in use, once after a
    // start), then the rows of the 3 keys in use (app42…, *.example.test, *) in one read, and
    // then the keys of the progress rows, once after a start; none of the aids has progress,
    // so no progress is asked for. No row of `aids`, no cursor walking the table or an index.
    expect(tested.count).toBe(22);
    expect(reads).toMatchObject({ aidRows: 0, aidCursors: 0, indexGets: 4, transactions: 3 });
    expect(await candidateAids(db, url)).toHaveLength(22);

    // The first visit to another host: its own row only (the wildcard keys are cached), and
    // the progress, in one read.
    reads.reset();
    expect(await lookup(db, 'https://app43.example.test/deals/9')).toHaveLength(PACKS * 2 + 1);
    expect(reads).toMatchObject({ aidRows: 0, aidCursors: 0, indexGets: 1, transactions: 1 });
  });

  it('reads no aid again for a host already seen: only the progress of what matched', async () => {
    const url = 'https://app42.example.test/contacts/5';
    await lookup(db, url);
    reads.reset();
    const aids = await lookup(db, 'https://app42.example.test/contacts/6');
    expect(aids).toHaveLength(22);
    // None of them has progress: nothing to read at all.
    expect(reads).toMatchObject({ aidRows: 0, aidCursors: 0, transactions: 0 });

    // One of them has some now: one read, and it is there.
    await recordEvent(db, {
      type: 'aid_dismissed',
      aidKey: 'extra/wild',
      at: 5,
      url: 'https://app42.example.test/contacts/6',
    });
    reads.reset();
    const again = await lookup(db, 'https://app42.example.test/contacts/7');
    expect(again.find((a) => a.key === 'extra/wild')?.progress).toMatchObject({ dismissedAt: 5 });
    expect(again.filter((a) => a.progress)).toHaveLength(1);
    expect(reads).toMatchObject({ aidRows: 0, aidCursors: 0, transactions: 1 });
    await resetProgress(db, 'extra/wild');

    // A page of a host already seen that nothing matches needs no transaction at all.
    await lookup(db, 'https://app7.example.test/deals/1');
    reads.reset();
    expect(await lookup(db, 'https://app7.example.test/reports')).toEqual([]);
    expect(reads).toMatchObject({ aidRows: 0, aidCursors: 0, transactions: 0 });
  });

  it('answers from the cache exactly as a lookup with nothing cached', async () => {
    const urls = [
      'https://app42.example.test/contacts/17',
      'https://app43.example.test/deals/9',
      'https://app7.example.test/deals/1',
      'https://x.app9.example.test/contacts/3',
      'https://unknown.test/',
    ];
    const viewers = [{}, { role: 'sales', locale: 'de-AT' }];
    // A second instance of the same database has a cache of its own, empty.
    const other = openDb(db.name);
    try {
      for (const viewer of viewers) {
        for (const url of urls) {
          await lookup(db, url, viewer);
          const cached = await lookup(db, url, viewer);
          forgetCachedAids(other);
          expect(cached).toEqual(await lookup(other, url, viewer));
        }
      }
    } finally {
      other.close();
    }
  });

  it('finds the deal aids on a deal page and nothing of other hosts', async () => {
    const aids = await lookup(db, 'https://app43.example.test/deals/9');
    const keys = aids.map((a) => a.key);
    expect(keys).toHaveLength(PACKS * 2 + 1);
    expect(keys).toContain('pack0/a43');
    expect(keys).toContain('pack9/a543');
    expect(keys).toContain('extra/everywhere');
    expect(keys).not.toContain('extra/wild');
  });

  it('respects exclude', async () => {
    const keys = (await lookup(db, 'https://app7.example.test/deals/1')).map((a) => a.key);
    expect(keys).not.toContain('extra/everywhere');
    expect(keys).toHaveLength(PACKS * 2);
  });

  it('returns only the catch-all aid for a host without aids', async () => {
    const aids = await lookup(db, 'https://unknown.test/');
    expect(aids.map((a) => a.key)).toEqual(['extra/everywhere']);
  });

  it('returns nothing for a URL that does not parse', async () => {
    expect(await lookup(db, 'not a url')).toEqual([]);
  });
});

describe('lookup details', () => {
  const CRM = 'https://crm.localhost:3000/contacts/new';

  it('filters by audience: roles, teams and locales; empty means everyone', async () => {
    const db = freshDb();
    const urls = ['https://crm.localhost:3000/contacts/*'];
    await installPack(
      db,
      pack('crm', '1.0.0', [
        tip('all', urls),
        tip('empty', urls, { audience: { roles: [], teams: [] } }),
        tip('sales', urls, { audience: { roles: ['sales'] } }),
        tip('emea-support', urls, { audience: { roles: ['support'], teams: ['emea'] } }),
        tip('german', urls, { audience: { locales: ['de'] } }),
      ]),
    );
    const keys = async (viewer: object) => (await lookup(db, CRM, viewer)).map((a) => a.aid.id);

    expect(await keys({})).toEqual(['all', 'empty']);
    expect(await keys({ role: 'sales' })).toEqual(['all', 'empty', 'sales']);
    expect(await keys({ role: 'support', team: 'emea' })).toEqual(['all', 'empty', 'emea-support']);
    expect(await keys({ role: 'support', team: 'apac' })).toEqual(['all', 'empty']);
    expect(await keys({ locale: 'de-AT' })).toEqual(['all', 'empty', 'german']);
    expect(await keys({ locale: 'dk' })).toEqual(['all', 'empty']);
  });

  it('lists aids in pack order and attaches progress', async () => {
    const db = freshDb();
    const urls = ['https://crm.localhost:3000/*'];
    await installPack(db, pack('b-pack', '1.0.0', [tip('z', urls), tip('a', urls)]));
    await installPack(db, pack('a-pack', '2.0.0', [checklist('m', urls)]));
    const progress = { aidKey: 'b-pack/a', steps: {}, startedAt: 1, updatedAt: 2, dismissedAt: 2 };
    await db.progress.put(progress);

    const aids = await lookup(db, CRM);
    expect(aids.map((a) => a.key)).toEqual(['a-pack/m', 'b-pack/z', 'b-pack/a']);
    expect(aids[0]).toMatchObject({ packId: 'a-pack', packVersion: '2.0.0', progress: null });
    expect(aids[0]?.aid.kind).toBe('checklist');
    expect(aids[2]?.progress).toEqual(progress);
  });

  it('inAudience treats absent and empty lists as everyone', () => {
    expect(inAudience(undefined, {})).toBe(true);
    expect(inAudience({ locales: [] }, {})).toBe(true);
    expect(inAudience({ locales: ['en'] }, {})).toBe(false);
    expect(inAudience({ locales: ['en-GB'] }, { locale: 'en-gb' })).toBe(true);
    expect(inAudience({ locales: ['en-GB'] }, { locale: 'en' })).toBe(false);
    expect(inAudience({ teams: ['x'] }, { role: 'x' })).toBe(false);
  });
});

describe('lookup cache', () => {
  const CRM = 'https://crm.localhost:3000/contacts/new';
  const CRM_URLS = ['https://crm.localhost:3000/contacts/*'];
  const keysOf = async (db: InflowDb, url = CRM) => (await lookup(db, url)).map((a) => a.key);

  it('shows a new pack version on the very next lookup, with no aid of the old one', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [tip('old', CRM_URLS), tip('kept', CRM_URLS)]));
    expect(await keysOf(db)).toEqual(['crm/old', 'crm/kept']);
    expect(await keysOf(db)).toEqual(['crm/old', 'crm/kept']);

    await installPack(
      db,
      pack('crm', '2.0.0', [
        tip('kept', CRM_URLS, { title: 'Kept, reworded' }),
        tip('new', CRM_URLS),
        // On a host that no aid used before: the keys in use change too.
        tip('hr', ['https://hr.localhost/*']),
      ]),
    );
    const aids = await lookup(db, CRM);
    expect(aids.map((a) => [a.key, a.packVersion, a.aid.title])).toEqual([
      ['crm/kept', '2.0.0', 'Kept, reworded'],
      ['crm/new', '2.0.0', 'Tip new'],
    ]);
    expect(await keysOf(db, 'https://hr.localhost/people')).toEqual(['crm/hr']);
  });

  it('drops the aids of a removed pack on the very next lookup', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [tip('a', CRM_URLS)]));
    await installPack(
      db,
      pack('help', '1.0.0', [
        tip('any', ['https://*:3000/*'], { match: { urls: ['https://*:3000/*'], allSites: true } }),
      ]),
    );
    expect(await keysOf(db)).toEqual(['crm/a', 'help/any']);

    expect(await removePack(db, 'crm')).toBe(true);
    expect(await keysOf(db)).toEqual(['help/any']);
    expect(await removePack(db, 'help')).toBe(true);
    expect(await keysOf(db)).toEqual([]);
    expect(await keysInUse(db)).toEqual(new Set());
  });

  it('sees any other write to the aids table on the next lookup', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [tip('a', CRM_URLS)]));
    expect((await lookup(db, CRM))[0]?.aid.title).toBe('Tip a');

    const row = await db.aids.get('crm/a');
    await db.aids.put({ ...row!, aid: { ...row!.aid, title: 'Written directly' } });
    expect((await lookup(db, CRM))[0]?.aid.title).toBe('Written directly');

    await db.aids.clear();
    expect(await lookup(db, CRM)).toEqual([]);
  });

  it('never keeps rows that a write overtook', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [tip('a', CRM_URLS)]));
    // Lookups that read the store while a write is issued: their rows may be the old ones.
    const row = await db.aids.get('crm/a');
    const during = lookup(db, CRM);
    const write = db.aids.put({ ...row!, aid: { ...row!.aid, title: 'Changed' } });
    await Promise.all([during, write]);
    expect((await lookup(db, CRM))[0]?.aid.title).toBe('Changed');

    const duringInstall = lookup(db, 'https://crm.localhost:3000/contacts/1');
    const install = installPack(db, pack('crm', '2.0.0', [tip('b', CRM_URLS)]));
    await Promise.all([duringInstall, install]);
    expect(await keysOf(db)).toEqual(['crm/b']);
  });

  it('answers from one state of the store when a write lands during a lookup', async () => {
    const db = freshDb();
    const version = (v: string) =>
      pack('p', v, [
        tip('any', ['https://*:3000/*'], {
          title: `any ${v}`,
          match: { urls: ['https://*:3000/*'], allSites: true },
        }),
        tip('crm', CRM_URLS, { title: `crm ${v}` }),
      ]);
    await installPack(db, version('1.0.0'));
    // "*" is cached; crm.localhost is not, so the next lookup reads while the install runs.
    expect(await keysOf(db, 'https://other.localhost:3000/')).toEqual(['p/any']);
    const install = installPack(db, version('2.0.0'));
    const during = lookup(db, CRM);
    const [aids] = await Promise.all([during, install]);
    // The version before or after the install, never one aid of each.
    const [any] = aids.map((a) => a.aid.title);
    const v = any?.split(' ')[1];
    expect(['1.0.0', '2.0.0']).toContain(v);
    expect(aids.map((a) => a.aid.title)).toEqual([`any ${v}`, `crm ${v}`]);
    expect((await lookup(db, CRM)).map((a) => a.aid.title)).toEqual(['any 2.0.0', 'crm 2.0.0']);
  });

  it('reads progress fresh on every lookup', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [checklist('c', CRM_URLS)]));
    expect((await lookup(db, CRM))[0]?.progress).toBeNull();

    await recordEvent(db, { type: 'step_done', aidKey: 'crm/c', stepId: 'name', at: 5, url: CRM });
    expect((await lookup(db, CRM))[0]?.progress).toMatchObject({
      aidKey: 'crm/c',
      steps: { name: {} },
    });

    await resetProgress(db, 'crm/c');
    expect((await lookup(db, CRM))[0]?.progress).toBeNull();
  });

  it('finds progress written before it opened, and while it reads which aids have some', async () => {
    const first = freshDb();
    await installPack(first, pack('crm', '1.0.0', [checklist('c', CRM_URLS), tip('t', CRM_URLS)]));
    await recordEvent(first, {
      type: 'step_done',
      aidKey: 'crm/c',
      stepId: 'name',
      at: 5,
      url: CRM,
    });
    first.close();

    // Another instance, as after the service worker starts again: the row is in the store.
    const second = openDb(first.name);
    const looking = lookup(second, CRM);
    // Written during the first lookup, which starts reading the keys of the progress rows.
    const writing = recordEvent(second, {
      type: 'aid_dismissed',
      aidKey: 'crm/t',
      at: 6,
      url: CRM,
    });
    await Promise.all([looking, writing]);
    const aids = await lookup(second, CRM);
    expect(aids.find((a) => a.key === 'crm/c')?.progress).toMatchObject({ steps: { name: {} } });
    expect(aids.find((a) => a.key === 'crm/t')?.progress).toMatchObject({ dismissedAt: 6 });
    second.close();
  });

  it('reads the aids themselves while the aids by host key are stale', async () => {
    const db = freshDb();
    await installPack(
      db,
      pack('crm', '1.0.0', [tip('a', CRM_URLS), tip('w', ['https://*.localhost/*'])]),
    );
    expect(await keysInUse(db)).toEqual(new Set(['*.localhost', 'crm.localhost']));
    const expected = await lookup(db, CRM);

    await db.hostIndex.delete(HOST_INDEX_META);
    forgetCachedAids(db);
    expect(await keysInUse(db)).toEqual(new Set(['*.localhost', 'crm.localhost']));
    expect(await lookup(db, CRM)).toEqual(expected);
  });

  it('hands out frozen aids, so no caller can change what the cache holds', async () => {
    const db = freshDb();
    await installPack(db, pack('crm', '1.0.0', [checklist('c', CRM_URLS)]));
    const [first] = await lookup(db, CRM);
    expect(Object.isFrozen(first?.aid)).toBe(true);
    expect(() => {
      (first!.aid as { title: string }).title = 'changed';
    }).toThrow(TypeError);
    expect((await lookup(db, CRM))[0]?.aid.title).toBe('Checklist c');
  });
});
