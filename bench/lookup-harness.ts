/**
 * Lookup benchmark, run in a Chromium page (real IndexedDB, native URLPattern). Bundled with
 * esbuild by bench/lookup.mjs; it uses the background's own modules unchanged: packs are
 * installed with installPack (validation included) and read with lookup().
 *
 * The store: `aids` aids in packs of one app each, spread over `hosts` hosts, a few
 * leading-wildcard hosts ("*.wild-3.example") and a few any-host aids, and progress on one
 * aid in ten. The peers are a naive full scan (read every aid, test every URL pattern) and
 * the previous lookup(), which queried the index on every call and cached nothing.
 *
 * lookup() caches the candidates of the hosts it has seen, so the run measures two cases: a
 * first visit to a host (a fresh page: nothing cached for that host, no pattern compiled),
 * and another page of a host already seen (the everyday case).
 */

import { hostKeysOfUrl, matchesUrl } from '../src/aids/url-match';
import { type AidRow, type InflowDb, openDb } from '../src/background/db';
import { readHostIndexMeta, readHostIndexRows } from '../src/background/host-index';
import {
  candidateAids,
  inAudience,
  lookup,
  readRowsAndProgress,
  type Viewer,
} from '../src/background/lookup';
import { installPack } from '../src/background/packs';

export interface SetupOptions {
  aids: number;
  hosts: number;
  wildcardHosts: number;
  anyHostAids: number;
  aidsPerWildcardHost: number;
  hostsPerPack: number;
  seed: number;
}

export interface SetupResult {
  dbName: string;
  packs: number;
  aids: number;
  hostKeys: number;
  progressRows: number;
  installMs: number;
  failed: string[];
}

const DB_NAME = 'inflow-bench';
let db: InflowDb | null = null;

/** Deterministic PRNG (mulberry32), so every run has the same store and URLs. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hostName = (i: number) => `app-${i}.tenant-${i % 37}.example`;
const wildSuffix = (k: number) => `wild-${k}.example`;
const MODULES = ['contacts', 'cases', 'billing', 'orders', 'reports', 'admin'];

function pathPattern(r: () => number, j: number): { urls: string[]; exclude?: string[] } {
  const mod = MODULES[j % MODULES.length];
  switch (Math.floor(r() * 5)) {
    case 0:
      return { urls: [`/${mod}/new`] };
    case 1:
      return { urls: [`/${mod}/:id(\\d+)`] };
    case 2:
      return { urls: [`/${mod}/*`], exclude: [`/${mod}/archive/*`] };
    case 3:
      return { urls: [`/${mod}/:id(\\d+)/edit`, `/${mod}/:id(\\d+)/history`] };
    default:
      return { urls: [`/${mod}`, `/${mod}/*`] };
  }
}

/** One aid: alternately a checklist (three steps) and a tip, of a realistic size. */
function makeAid(
  id: string,
  title: string,
  urls: string[],
  exclude: string[] | undefined,
  j: number,
) {
  // Help for every host has to say so: such patterns are refused otherwise.
  const allSites = urls.some((u) => u.startsWith('https://*/')) ? { allSites: true as const } : {};
  const match = exclude ? { urls, exclude, ...allSites } : { urls, ...allSites };
  const audience = j % 7 === 0 ? { roles: ['agent'] } : undefined;
  if (j % 2 === 0) {
    return {
      id,
      kind: 'checklist' as const,
      title,
      match,
      ...(audience ? { audience } : {}),
      steps: [
        { id: 'open', text: `Open the **${title}** form`, target: { role: 'button', name: 'New' } },
        {
          id: 'fill',
          text: 'Fill in the *required* fields',
          target: { label: 'Name' },
          done: { type: 'filled' as const, target: { label: 'Name' } },
        },
        {
          id: 'save',
          text: 'Save, then check the `reference`',
          target: { css: 'button[type=submit]' },
        },
      ],
    };
  }
  return {
    id,
    kind: 'tip' as const,
    title,
    match,
    ...(audience ? { audience } : {}),
    target: { label: 'Email', attrs: { name: 'email' } },
    text: `Use the customer's work address for ${title}.`,
    placement: 'right' as const,
  };
}

/** The packs of the benchmark store. */
export function makePacks(o: SetupOptions): unknown[] {
  const r = rng(o.seed);
  const special = o.wildcardHosts * o.aidsPerWildcardHost + o.anyHostAids;
  const perHost = (o.aids - special) / o.hosts;
  const packs: { format: 1; id: string; version: string; title: string; aids: unknown[] }[] = [];
  let placed = 0;
  for (let first = 0; first < o.hosts; first += o.hostsPerPack) {
    const aids: unknown[] = [];
    for (let h = first; h < Math.min(first + o.hostsPerPack, o.hosts); h++) {
      // Spread the remainder so the total is exact.
      const target = Math.round((h + 1) * perHost) - Math.round(h * perHost);
      for (let j = 0; j < target; j++) {
        const { urls, exclude } = pathPattern(r, j);
        const scheme = j % 3 === 0 ? '*' : 'https';
        aids.push(
          makeAid(
            `h${h}-a${j}`,
            `Aid ${j} of app ${h}`,
            urls.map((p) => `${scheme}://${hostName(h)}${p}`),
            exclude?.map((p) => `${scheme}://${hostName(h)}${p}`),
            j,
          ),
        );
        placed++;
      }
    }
    packs.push({ format: 1, id: `app-${first}`, version: '1.0.0', title: `Apps ${first}+`, aids });
  }
  const wild: unknown[] = [];
  for (let k = 0; k < o.wildcardHosts; k++) {
    for (let j = 0; j < o.aidsPerWildcardHost; j++) {
      const { urls, exclude } = pathPattern(r, j);
      wild.push(
        makeAid(
          `w${k}-a${j}`,
          `Tenant aid ${j}`,
          urls.map((p) => `https://*.${wildSuffix(k)}${p}`),
          exclude?.map((p) => `https://*.${wildSuffix(k)}${p}`),
          j,
        ),
      );
    }
  }
  for (let j = 0; j < o.anyHostAids; j++) {
    wild.push(
      makeAid(
        `any-${j}`,
        `Help ${j}`,
        [`https://*/help/${MODULES[j % MODULES.length]}`],
        undefined,
        j,
      ),
    );
  }
  placed += wild.length;
  packs.push({ format: 1, id: 'tenants', version: '1.0.0', title: 'Tenants', aids: wild });
  if (placed !== o.aids) throw new Error(`made ${placed} aids, wanted ${o.aids}`);
  return packs;
}

/** Page URLs to look up: hits on known hosts, wildcard tenants, and misses. */
export function makeUrls(o: SetupOptions, count: number, seed: number): string[] {
  const r = rng(seed);
  const urls: string[] = [];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const path = () => {
    const mod = pick(MODULES);
    const id = 1 + Math.floor(r() * 9999);
    return pick([
      `/${mod}/new`,
      `/${mod}/${id}`,
      `/${mod}/${id}/edit`,
      `/${mod}`,
      `/${mod}/archive/${id}`,
      '/help/cases',
      '/',
    ]);
  };
  for (let i = 0; i < count; i++) {
    const kind = r();
    if (kind < 0.6) urls.push(`https://${hostName(Math.floor(r() * o.hosts))}${path()}`);
    else if (kind < 0.8) {
      urls.push(
        `https://t${Math.floor(r() * 900)}.${wildSuffix(Math.floor(r() * o.wildcardHosts))}${path()}`,
      );
    } else urls.push(`https://unknown-${Math.floor(r() * 1000)}.elsewhere.example${path()}`);
  }
  return urls;
}

async function deleteDb(name: string): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => ok();
    req.onerror = () => fail(req.error);
    req.onblocked = () => ok();
  });
}

export async function setup(o: SetupOptions): Promise<SetupResult> {
  db?.close();
  await deleteDb(DB_NAME);
  db = openDb(DB_NAME);
  const packs = makePacks(o);
  const failed: string[] = [];
  const t0 = performance.now();
  for (const pack of packs) {
    const result = await installPack(db, pack, { source: 'bench' });
    if (!result.ok)
      failed.push(`${(pack as { id: string }).id}: ${JSON.stringify(result.problems.slice(0, 3))}`);
  }
  const installMs = performance.now() - t0;
  const hostKeys = (await db.aids.orderBy('hostKeys').uniqueKeys()).length;
  // Progress on one aid in ten, so lookups read real progress rows, not only misses.
  const keys = await db.aids.toCollection().primaryKeys();
  await db.progress.bulkPut(
    keys
      .filter((_, i) => i % 10 === 0)
      .map((aidKey) => ({ aidKey, steps: {}, startedAt: 1, updatedAt: 1 })),
  );
  return {
    dbName: DB_NAME,
    packs: packs.length,
    aids: await db.aids.count(),
    hostKeys,
    progressRows: await db.progress.count(),
    installMs,
    failed,
  };
}

/** Compiled URL patterns of the naive peer, kept for the whole run (never evicted). */
const compiled = new Map<string, URLPattern>();
function naiveTest(pattern: string, url: string): boolean {
  let p = compiled.get(pattern);
  if (!p) {
    p = new URLPattern(pattern);
    compiled.set(pattern, p);
  }
  return p.test(url);
}

/** The peer's matching: any of `urls`, none of `exclude`, audience; patterns pre-compiled. */
function naiveFilter(rows: AidRow[], url: string, viewer: Viewer): AidRow[] {
  return rows
    .filter(
      (row) =>
        row.aid.match.urls.some((p) => naiveTest(p, url)) &&
        !row.aid.match.exclude?.some((p) => naiveTest(p, url)) &&
        inAudience(row.aid.audience, viewer),
    )
    .sort((a, b) => (a.packId < b.packId ? -1 : a.packId > b.packId ? 1 : a.order - b.order));
}

/**
 * The previous lookup(), as a second peer: the same index queries (one per index key of the
 * URL, in use or not) in one read transaction on every call, nothing cached.
 */
async function uncachedLookup(d: InflowDb, url: string, viewer: Viewer): Promise<string[]> {
  return d.transaction('r', d.aids, d.progress, async () => {
    const lists = await Promise.all(
      hostKeysOfUrl(url).map((key) => d.aids.where('hostKeys').equals(key).toArray()),
    );
    const byKey = new Map<string, AidRow>();
    for (const row of lists.flat()) byKey.set(row.key, row);
    const rows = [...byKey.values()]
      .filter((row) => matchesUrl(row.aid.match, url) && inAudience(row.aid.audience, viewer))
      .sort((a, b) => (a.packId < b.packId ? -1 : a.packId > b.packId ? 1 : a.order - b.order));
    const progress = await d.progress.bulkGet(rows.map((row) => row.key));
    return rows.map((row, i) => (progress[i] ? `${row.key}+` : row.key));
  });
}

export interface RunResult {
  /**
   * ms per lookup(), in URL order: the first pass, in a fresh page (no aid cached, no URL
   * pattern compiled), so most URLs are the first visit to their host.
   */
  firstPassMs: number[];
  /** Per URL of the first pass: its host was not looked up before (a cold cache for it). */
  firstVisit: boolean[];
  /** Per URL of the first pass: some of its index keys were not cached, so rows were read. */
  readRows: boolean[];
  /** Per URL of the first pass: some aid it found has progress (a second read for it). */
  hadProgress: boolean[];
  /**
   * ms per lookup() of another page on the same host as the URL of the first pass at that
   * index: hosts already seen, the everyday case (an agent on the same app all day).
   */
  warmMs: number[];
  /** The previous lookup (no cache) on the same URLs, each right after the warm lookup. */
  uncachedMs: number[];
  /** One read of the keys in use from the aids by host key's meta row (once per worker start). */
  keysInUseMs: number[];
  /** The same keys read from the index itself (unique keys of hostKeys), as a comparison. */
  keysFromIndexMs: number[];
  /** What a first visit reads: the rows of the aids by host key for the URL's keys in use. */
  storeMs: number[];
  /** The same candidates read from `aids` itself: one query per key, in one transaction. */
  aidsQueryMs: number[];
  /** Whether the aids by host key were whole (current meta row) when the run started. */
  indexed: boolean;
  /** What a warm lookup reads: the progress of the aids found, in one read transaction. */
  progressMs: number[];
  /**
   * A first visit's reads as lookup() makes them: the rows and the progress of the aids
   * found in one read transaction on IndexedDB itself (readRowsAndProgress).
   */
  firstReadMs: number[];
  /** The same reads as two transactions through Dexie (the rows, then the progress). */
  twoReadsMs: number[];
  /** Only the matching part of lookup: URL rules, audience and sort over the candidates. */
  matchMs: number[];
  /** One read transaction with a single get: the floor of any IndexedDB round trip. */
  emptyTxMs: number[];
  /** Candidate rows per URL. */
  candidates: number[];
  /** Aids found per URL by lookup(), first pass. */
  found: number[];
  /** Naive peer: read every aid from the store, test every pattern (pre-compiled). */
  naiveMs: number[];
  /** Naive peer without the read: rows already in memory, patterns pre-compiled. */
  memoryScanMs: number[];
  naiveUrls: number;
  /** URLs where lookup() and a peer (the naive scan, the previous lookup) disagreed. */
  mismatches: string[];
  /** The first lookup after opening the database: open, keys in use, one host's rows. */
  firstLookupMs: number;
  crossOriginIsolated: boolean;
}

/** Another page of the same host as each URL: same origin, another path. */
function sameHostUrls(o: SetupOptions, urls: readonly string[], seed: number): string[] {
  const others = makeUrls(o, urls.length, seed);
  return urls.map((url, i) => {
    const other = new URL(others[i]!);
    return `${new URL(url).origin}${other.pathname}`;
  });
}

/** Runs in a freshly loaded page after setup(), so URL patterns start uncompiled. */
export async function run(
  o: SetupOptions,
  count: number,
  naiveEvery: number,
  warmup: number,
): Promise<RunResult> {
  const viewer: Viewer = { locale: 'en-GB' };
  const d = openDb(DB_NAME);
  db = d;
  const urls = makeUrls(o, count, o.seed + 1);
  const warmUrls = sameHostUrls(o, urls, o.seed + 2);
  const t0 = performance.now();
  await lookup(d, 'https://nowhere.example/', viewer);
  const firstLookupMs = performance.now() - t0;
  const indexed = (await readHostIndexMeta(d)) !== null;
  // Warm the connection and the code paths on URLs of hosts that the measured URLs never use.
  for (let i = 0; i < warmup; i++)
    await lookup(d, `https://warm-${i}.elsewhere.example/cases/1`, viewer);

  const time = async (fn: () => Promise<unknown>) => {
    const s = performance.now();
    await fn();
    return performance.now() - s;
  };
  // Which index keys exist, to tell the first passes that had to read rows.
  const inUse = new Set((await d.aids.orderBy('hostKeys').uniqueKeys()) as string[]);
  const keysSeen = new Set<string>(['*']);
  const hostsSeen = new Set<string>();
  const firstPassMs: number[] = [];
  const firstVisit: boolean[] = [];
  const readRows: boolean[] = [];
  const hadProgress: boolean[] = [];
  const found: string[][] = [];
  for (const url of urls) {
    const keys = hostKeysOfUrl(url).filter((key) => inUse.has(key));
    const host = new URL(url).hostname;
    firstVisit.push(!hostsSeen.has(host));
    readRows.push(keys.some((key) => !keysSeen.has(key)));
    hostsSeen.add(host);
    for (const key of keys) keysSeen.add(key);
    const s = performance.now();
    const aids = await lookup(d, url, viewer);
    firstPassMs.push(performance.now() - s);
    found.push(aids.map((a) => a.key));
    hadProgress.push(aids.some((a) => a.progress));
  }
  const warmMs: number[] = [];
  const uncachedMs: number[] = [];
  const warmFound: string[][] = [];
  const mismatches: string[] = [];
  for (const url of warmUrls) {
    let s = performance.now();
    const aids = await lookup(d, url, viewer);
    warmMs.push(performance.now() - s);
    warmFound.push(aids.map((a) => a.key));
    s = performance.now();
    const previous = await uncachedLookup(d, url, viewer);
    uncachedMs.push(performance.now() - s);
    if (previous.join() !== aids.map((a) => (a.progress ? `${a.key}+` : a.key)).join()) {
      mismatches.push(`${url} (previous lookup)`);
    }
  }

  // Where the time goes.
  const keysInUseMs: number[] = [];
  const keysFromIndexMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    keysInUseMs.push(await time(() => readHostIndexMeta(d)));
    keysFromIndexMs.push(await time(() => d.aids.orderBy('hostKeys').uniqueKeys()));
  }
  const storeMs: number[] = [];
  const aidsQueryMs: number[] = [];
  for (const url of urls) {
    const keys = hostKeysOfUrl(url).filter((key) => inUse.has(key));
    storeMs.push(await time(() => readHostIndexRows(d, keys)));
    aidsQueryMs.push(
      await time(() =>
        d.transaction('r', d.aids, () =>
          Promise.all(keys.map((key) => d.aids.where('hostKeys').equals(key).toArray())),
        ),
      ),
    );
  }
  const progressMs: number[] = [];
  for (const keys of found) {
    if (keys.length) progressMs.push(await time(() => d.progress.bulkGet(keys)));
  }
  // Both ways, per URL, so that both see the store and the machine alike.
  const firstReadMs: number[] = [];
  const twoReadsMs: number[] = [];
  for (let i = 0; i < urls.length; i++) {
    const keys = hostKeysOfUrl(urls[i]!).filter((key) => inUse.has(key));
    if (!keys.length) continue;
    const keep = new Set(found[i]);
    const pick = (lists: readonly (readonly AidRow[])[]) =>
      lists.flat().filter((row) => keep.has(row.key));
    const one = () => time(() => readRowsAndProgress(d, keys, pick));
    const two = () =>
      time(async () => {
        const rows = await readHostIndexRows(d, keys);
        await d.progress.bulkGet(pick(rows).map((row) => row.key));
      });
    // Each goes first every other URL: the second read of the same rows finds them cached.
    if (i % 2) twoReadsMs.push(await two());
    firstReadMs.push(await one());
    if (!(i % 2)) twoReadsMs.push(await two());
  }
  const candidates: number[] = [];
  const candidateRows: AidRow[][] = [];
  for (const url of urls) {
    const rows = await candidateAids(d, url);
    candidates.push(rows.length);
    candidateRows.push(rows);
  }
  const matchMs: number[] = [];
  urls.forEach((url, i) => {
    const s = performance.now();
    candidateRows[i]!.filter(
      (row) => matchesUrl(row.aid.match, url) && inAudience(row.aid.audience, viewer),
    ).sort((a, b) => (a.packId < b.packId ? -1 : a.packId > b.packId ? 1 : a.order - b.order));
    matchMs.push(performance.now() - s);
  });
  const emptyTxMs: number[] = [];
  for (let i = 0; i < urls.length; i++) {
    emptyTxMs.push(await time(() => d.transaction('r', d.aids, () => d.aids.get('none/none'))));
  }

  // The peer. Its patterns are compiled once before timing, as a long-lived scanner would.
  const rows = await d.aids.toArray();
  naiveFilter(rows, urls[0]!, viewer);
  const naiveMs: number[] = [];
  const memoryScanMs: number[] = [];
  const same = (a: string[], b: string[]) => a.join() === b.join();
  let naiveUrls = 0;
  for (let i = 0; i < urls.length; i += naiveEvery) {
    const url = urls[i]!;
    let keys: string[] = [];
    naiveMs.push(
      await time(async () => {
        keys = naiveFilter(await d.aids.toArray(), url, viewer).map((row) => row.key);
      }),
    );
    memoryScanMs.push(await time(async () => naiveFilter(rows, url, viewer)));
    naiveUrls++;
    if (!same(keys, found[i]!)) mismatches.push(url);
    const warm = naiveFilter(rows, warmUrls[i]!, viewer).map((row) => row.key);
    if (!same(warm, warmFound[i]!)) mismatches.push(warmUrls[i]!);
  }
  return {
    firstPassMs,
    firstVisit,
    readRows,
    hadProgress,
    warmMs,
    uncachedMs,
    keysInUseMs,
    keysFromIndexMs,
    storeMs,
    aidsQueryMs,
    indexed,
    progressMs,
    firstReadMs,
    twoReadsMs,
    matchMs,
    emptyTxMs,
    candidates,
    found: found.map((k) => k.length),
    naiveMs,
    memoryScanMs,
    naiveUrls,
    mismatches,
    firstLookupMs,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
  };
}

export async function teardown(): Promise<void> {
  db?.close();
  db = null;
  await deleteDb(DB_NAME);
}

(globalThis as { inflowBench?: unknown }).inflowBench = { setup, run, teardown };
