import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as urlMatch from '../../../src/aids/url-match';
import { type InflowDb, openDb } from '../../../src/background/db';
import { candidateAids, inAudience, lookup } from '../../../src/background/lookup';
import { installPack } from '../../../src/background/packs';
import { checklist, freshDb, pack, tip } from './fixtures';

vi.mock('../../../src/aids/url-match', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/aids/url-match')>();
  return { ...actual, matchesUrl: vi.fn(actual.matchesUrl) };
});

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

  // Not freshDb(): this database must outlive the per-test cleanup.
  beforeAll(async () => {
    db = openDb(`inflow-lookup-${Date.now()}`);
    for (const p of bigPacks()) {
      const result = await installPack(db, p);
      expect(result.ok).toBe(true);
    }
    await installPack(
      db,
      pack('extra', '1.0.0', [
        tip('wild', ['https://*.example.test/contacts/*']),
        tip('everywhere', ['*://*/*'], {
          match: { urls: ['*://*/*'], exclude: ['https://app7.example.test/*'] },
        }),
      ]),
    );
  }, 60_000);

  afterAll(() => db.delete());

  it('holds every aid', async () => {
    expect(await db.aids.count()).toBe(PACKS * AIDS_PER_PACK + 2);
  });

  it('returns exactly the aids of the host and path, from the index', async () => {
    vi.mocked(urlMatch.matchesUrl).mockClear();
    const url = 'https://app42.example.test/contacts/17?tab=notes#top';
    const aids = await lookup(db, url);

    // Host 42 holds aids 42, 542 of every pack; both are even, so both are contact aids.
    const expected = [];
    for (let p = 0; p < PACKS; p++) expected.push(`pack${p}/a42`, `pack${p}/a542`);
    expected.push('extra/everywhere', 'extra/wild');
    expect(aids.map((a) => a.key).sort()).toEqual(expected.sort());
    expect(aids.every((a) => a.progress === null)).toBe(true);

    // Only the candidates of that host (20 + the 2 wildcard aids) were tested, not 10,000.
    expect(vi.mocked(urlMatch.matchesUrl).mock.calls.length).toBe(22);
    expect(await candidateAids(db, url)).toHaveLength(22);
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
