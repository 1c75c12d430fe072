/**
 * Install benchmark, run in a Chromium page (real IndexedDB, real fetch, WebCrypto Ed25519).
 * Bundled with esbuild by bench/install.mjs, which serves this page and the pack from one
 * local HTTP server. It uses the background's own modules unchanged: syncSource downloads
 * the signed pack, checks its signature, validates it, builds its rows and installs it, and
 * tells each step to a trace; lookup() answers the page lookups asked meanwhile.
 *
 * The pack: one organisation's pack of `aids` aids (checklists and tips, alternately) over
 * `hosts` hosts, three URL patterns per host (the whole host, a list, a record page), so
 * that every page of a host has aids and the pack stays within the limits of a pack (1,000
 * distinct URL patterns, 4 MiB). Each aid's title carries the version, so a mix would show.
 */

import { generateKeyPair, signPack } from '../src/aids/signature';
import { type InflowDb, openDb } from '../src/background/db';
import { lookup } from '../src/background/lookup';
import { type SyncStep, syncSource } from '../src/background/sync';
import { DEFAULT_SETTINGS, type Settings } from '../src/protocol/settings';

export interface PackOptions {
  aids: number;
  hosts: number;
}

const DB_NAME = 'inflow-install-bench';
let db: InflowDb | null = null;

export const hostName = (i: number) => `app-${i}.dept-${i % 23}.example`;
const MODULES = ['contacts', 'cases', 'billing', 'orders', 'reports', 'admin'];

/** The three URL patterns of host `h`. */
function patternsOf(h: number): string[] {
  const mod = MODULES[h % MODULES.length];
  return [
    `https://${hostName(h)}/*`,
    `https://${hostName(h)}/${mod}`,
    `https://${hostName(h)}/${mod}/:id(\\d+)`,
  ];
}

function makeAid(i: number, j: number, version: string, h: number): Record<string, unknown> {
  // One aid of a host in three applies to the whole host: every page of a host has some.
  const match = { urls: [patternsOf(h)[j % 3]!] };
  const title = `Aid ${i} v${version}`;
  if (i % 2 === 0) {
    return {
      id: `aid-${i}`,
      kind: 'checklist',
      title,
      match,
      ...(i % 7 === 0 ? { audience: { roles: ['agent'] } } : {}),
      steps: [
        { id: 'open', text: `Open the **${title}** form`, target: { role: 'button', name: 'New' } },
        {
          id: 'fill',
          text: 'Fill in the *required* fields',
          target: { label: 'Name' },
          done: { type: 'filled', target: { label: 'Name' } },
        },
        { id: 'save', text: 'Save, then check the `reference`', target: { css: 'button.save' } },
      ],
    };
  }
  return {
    id: `aid-${i}`,
    kind: 'tip',
    title,
    match,
    target: { label: 'Email', attrs: { name: 'email' } },
    text: `Use the customer's work address (${title}).`,
    placement: 'right',
  };
}

/** The pack at `version` ("1.0.0"): the same aids, retitled, in each version. */
export function makePack(o: PackOptions, version: string): Record<string, unknown> {
  const major = version.split('.')[0]!;
  // Aid i is on host i % hosts, the (i / hosts)th there: each host has all three patterns.
  const aids = Array.from({ length: o.aids }, (_, i) =>
    makeAid(i, Math.floor(i / o.hosts), major, i % o.hosts),
  );
  return { format: 1, id: 'org', version, title: 'The organisation', aids };
}

/** Both versions, signed with a fresh key: the JSON text to serve, and the public key. */
export async function prepare(
  o: PackOptions,
): Promise<{ v1: string; v2: string; publicKey: string }> {
  const keys = await generateKeyPair();
  const sign = async (version: string) =>
    JSON.stringify(await signPack(makePack(o, version), keys.privateKey, keys.publicKey));
  return { v1: await sign('1.0.0'), v2: await sign('2.0.0'), publicKey: keys.publicKey };
}

async function deleteDb(name: string): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => ok();
    req.onerror = () => fail(req.error);
    req.onblocked = () => ok();
  });
}

/** A fresh, empty store. */
export async function reset(): Promise<void> {
  db?.close();
  await deleteDb(DB_NAME);
  db = openDb(DB_NAME);
  await db.open();
}

export interface Asked {
  /** 'cached': a host looked up before the sync; 'first': a host not looked up before. */
  kind: 'cached' | 'first';
  /** False for a host without aids (first visits once every host was visited). */
  known: boolean;
  /** When it was asked and answered, ms from the sync's start. */
  at: number;
  ms: number;
  /** The major versions of the aids answered (by row and by title): one, or a mix. */
  versions: string[];
  aids: number;
}

export interface InstallRun {
  outcome: string;
  message: string;
  /** When each step ended, ms from the sync's start. */
  steps: Partial<Record<SyncStep, number>>;
  asked: Asked[];
  /** The aids installed once it ended. */
  installedAids: number;
}

function versionsOf(answer: Awaited<ReturnType<typeof lookup>>): string[] {
  const seen = new Set<string>();
  for (const a of answer) {
    seen.add(a.packVersion.split('.')[0]!);
    seen.add(String(a.aid.title.split(' v')[1]));
  }
  return [...seen];
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One sync of the source at `url` into the current store, with page lookups asked all the
 * while (one every `paceMs`): pages of the `cached` hosts, looked up once before, and of
 * hosts not looked up before, each once. `snapshot: false` is the reference: lookups read
 * the store, as before an install answered them from the previous version.
 */
export async function run(o: {
  url: string;
  publicKey: string;
  hosts: number;
  cachedHosts: number;
  paceMs: number;
  snapshot: boolean;
}): Promise<InstallRun> {
  if (!db) throw new Error('reset() first');
  const store = db;
  const page = (h: number, i: number) =>
    `https://${hostName(h)}/${MODULES[h % MODULES.length]}/${1000 + i}`;
  const cached = Array.from({ length: o.cachedHosts }, (_, h) => h);
  for (const h of cached) await lookup(store, page(h, 0));
  // First visits: the other hosts, in a fixed shuffled order; then hosts without aids.
  const first = Array.from({ length: o.hosts - o.cachedHosts }, (_, i) => o.cachedHosts + i).sort(
    (a, b) => ((a * 7919) % 997) - ((b * 7919) % 997),
  );
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    packSources: [{ url: o.url, publicKey: o.publicKey }],
    requireSignatures: true,
  };
  const steps: InstallRun['steps'] = {};
  const asked: Asked[] = [];
  let done = false;
  const t0 = performance.now();
  const asking = (async () => {
    let n = 0;
    while (!done) {
      n++;
      const kind = n % 2 ? 'cached' : 'first';
      const next = first.shift();
      const url =
        kind === 'cached'
          ? page(cached[n % cached.length]!, n)
          : next !== undefined
            ? page(next, n)
            : `https://unknown-${n}.elsewhere.example/`;
      const at = performance.now();
      const answer = await lookup(store, url);
      asked.push({
        kind,
        known: kind === 'cached' || next !== undefined,
        at: at - t0,
        ms: performance.now() - at,
        versions: versionsOf(answer),
        aids: answer.length,
      });
      await pause(o.paceMs);
    }
  })();
  const result = await syncSource(
    {
      db: store,
      fetch: (input, init) => fetch(input, init),
      trace: (step) => {
        steps[step] = performance.now() - t0;
      },
      ...(o.snapshot ? {} : { snapshotFromAids: Number.POSITIVE_INFINITY }),
    },
    settings.packSources[0]!,
    settings,
  );
  done = true;
  await asking;
  return {
    outcome: result.status.outcome,
    message: result.status.message,
    steps,
    asked,
    installedAids: await store.aids.count(),
  };
}

(globalThis as { inflowInstallBench?: unknown }).inflowInstallBench = { prepare, reset, run };
