/**
 * Page lookups while a big pack is being installed: answered from the version it replaces,
 * whole (never empty, never a mix), until the install's transaction commits; from the new
 * version after. The lookups are made from outside the install's transaction, as the
 * router's are.
 */
import Dexie from 'dexie';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Pack } from '../../../src/aids/schema';
import { generateKeyPair, signPack } from '../../../src/aids/signature';
import { parsePack } from '../../../src/aids/validate';
import type { InflowDb } from '../../../src/background/db';
import { holdPreviousAids, lookup, whileReplacingAids } from '../../../src/background/lookup';
import {
  aidRowsOf,
  installPack,
  installValidPack,
  removePack,
  SNAPSHOT_FROM_AIDS,
  writePackRows,
} from '../../../src/background/packs';
import { syncSource } from '../../../src/background/sync';
import type { ActiveAid } from '../../../src/protocol/messages';
import { DEFAULT_SETTINGS } from '../../../src/protocol/settings';
import { checklist, freshDb, pack } from './fixtures';

const HOSTS = 40;
const AIDS = SNAPSHOT_FROM_AIDS + 100;

/** A big pack over HOSTS hosts, each aid titled with the version so that a mix would show. */
function bigPack(version: string, aids = AIDS): Record<string, unknown> {
  const list = Array.from({ length: aids }, (_, i) =>
    checklist(`a${i}`, [`https://app-${i % HOSTS}.example.com/*`], { title: `${i} v${version}` }),
  );
  return pack('big', `${version}.0.0`, list);
}

function valid(json: unknown): Pack {
  const parsed = parsePack(json);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
}

/** The versions an answer's aids are of (by their titles and rows): one, or it is a mix. */
function versionsOf(answer: ActiveAid[]): string[] {
  const seen = new Set<string>();
  for (const a of answer) {
    seen.add(a.packVersion.split('.')[0]!);
    seen.add(a.aid.title.split(' v')[1]!.split('.')[0]!);
  }
  return [...seen];
}

/** A lookup made outside the current transaction, as a page's is. */
const outside = (db: InflowDb, url: string) => Dexie.ignoreTransaction(() => lookup(db, url));

const page = (host: number) => `https://app-${host}.example.com/contacts/new`;

describe('lookups during a big install', () => {
  let db: InflowDb;
  beforeEach(async () => {
    db = freshDb();
    const first = await installPack(db, bigPack('1'));
    expect(first.ok).toBe(true);
    // Host 0 cached; the others are first visits.
    expect(versionsOf(await lookup(db, page(0)))).toEqual(['1']);
  });

  it('answers from the previous version until the install commits, then from the new one', async () => {
    const v2 = valid(bigPack('2'));
    const during: Promise<ActiveAid[]>[] = [];
    await whileReplacingAids(db, (claim) =>
      db.transaction('rw', [db.packs, db.aids, db.hostIndex, db.packHistory], async () => {
        claim();
        during.push(outside(db, page(0)), outside(db, page(1)));
        await writePackRows(db, { ...(await db.packs.get('big'))!, version: v2.version, pack: v2 });
        // Issued after the new rows were written, before the commit.
        during.push(outside(db, page(2)), outside(db, page(0)));
      }),
    );
    const answers = await Promise.all(during);
    for (const answer of answers) {
      expect(answer.length).toBe(AIDS / HOSTS);
      expect(versionsOf(answer)).toEqual(['1']);
    }
    for (const host of [0, 1, 2, 3])
      expect(versionsOf(await lookup(db, page(host)))).toEqual(['2']);
  });

  it('does not wait for the install: a first visit is answered before the write commits', async () => {
    let committed = false;
    let answeredBeforeCommit: boolean | undefined;
    const install = whileReplacingAids(db, (claim) =>
      db.transaction('rw', [db.packs, db.aids, db.hostIndex, db.packHistory], async () => {
        claim();
        const asked = outside(db, page(5)).then((answer) => {
          answeredBeforeCommit = !committed;
          return answer;
        });
        await installValidPack(db, valid(bigPack('2')));
        void asked;
      }),
    ).then(() => {
      committed = true;
    });
    await install;
    expect(answeredBeforeCommit).toBe(true);
  });

  it('answers from the previous version after an install that failed', async () => {
    await expect(
      whileReplacingAids(db, (claim) =>
        db.transaction('rw', [db.packs, db.aids, db.hostIndex, db.packHistory], async () => {
          claim();
          await db.aids.bulkPut(aidRowsOf(valid(bigPack('2'))));
          throw new Error('disk full');
        }),
      ),
    ).rejects.toThrow('disk full');
    expect(versionsOf(await lookup(db, page(0)))).toEqual(['1']);
    expect(versionsOf(await lookup(db, page(7)))).toEqual(['1']);
  });

  it('never keeps answering from a snapshot that another install took over', async () => {
    const v2 = valid(bigPack('2'));
    const first = holdPreviousAids(db);
    // A second sync starts before the first installs: its hold replaces the first's.
    const second = holdPreviousAids(db);
    await first.during((claim) =>
      db.transaction('rw', [db.packs, db.aids, db.hostIndex, db.packHistory], async () => {
        claim();
        await writePackRows(db, { ...(await db.packs.get('big'))!, version: v2.version, pack: v2 });
      }),
    );
    // The first install committed: the second's snapshot of version 1 must not answer.
    expect(versionsOf(await lookup(db, page(3)))).toEqual(['2']);
    expect(versionsOf(await lookup(db, page(0)))).toEqual(['2']);
    second.release();
  });

  it('stops answering from the snapshot when another transaction writes aids', async () => {
    await whileReplacingAids(db, async () => {
      // Another writer gets in before the install's transaction: the snapshot is not the
      // previous version any more.
      await removePack(db, 'big');
      expect(db.aidsHold).toBeNull();
      expect(await lookup(db, page(0))).toEqual([]);
    });
  });
});

describe('a sync of a big signed pack', () => {
  it('answers lookups from the installed version while it writes', async () => {
    const keys = await generateKeyPair();
    const signed = (p: Record<string, unknown>) => signPack(p, keys.privateKey, keys.publicKey);
    const url = 'https://packs.example.com/big.json';
    let body = JSON.stringify(await signed(bigPack('1')));
    const fetch = vi.fn(async () => new Response(body, { status: 200 }));
    const settings = {
      ...DEFAULT_SETTINGS,
      packSources: [{ url, publicKey: keys.publicKey }],
      requireSignatures: true,
    };
    const db = freshDb();
    const steps: string[] = [];
    const during: Promise<ActiveAid[]>[] = [];
    const deps = {
      db,
      fetch: fetch as unknown as typeof globalThis.fetch,
      trace: (step: string) => {
        steps.push(step);
        if (step === 'writing') during.push(outside(db, page(0)), outside(db, page(9)));
      },
    };
    expect((await syncSource(deps, settings.packSources[0]!, settings)).status.outcome).toBe(
      'installed',
    );
    expect(steps).toEqual([
      'fetched',
      'parsed',
      'signature',
      'validated',
      'rows',
      'writing',
      'committed',
    ]);
    // The first install: nothing was installed before, so nothing is answered.
    for (const answer of await Promise.all(during.splice(0))) expect(answer).toEqual([]);

    // The same version again (a server without validators): nothing to hold, nothing read.
    let heldOnWrite: unknown = 'not written';
    const again = await syncSource(
      {
        ...deps,
        trace: (step) => {
          if (step === 'writing') heldOnWrite = db.aidsHold;
        },
      },
      settings.packSources[0]!,
      settings,
    );
    expect(again.status.outcome).toBe('up-to-date');
    expect(heldOnWrite).toBeNull();

    await lookup(db, page(0));
    body = JSON.stringify(await signed(bigPack('2')));
    expect((await syncSource(deps, settings.packSources[0]!, settings)).status.outcome).toBe(
      'installed',
    );
    const answers = await Promise.all(during);
    expect(answers).toHaveLength(2);
    for (const answer of answers) {
      expect(answer.length).toBe(AIDS / HOSTS);
      expect(versionsOf(answer)).toEqual(['1']);
    }
    expect(versionsOf(await lookup(db, page(9)))).toEqual(['2']);
  });
});
