/**
 * The hub at scale, on PGlite and on PostgreSQL in the same run (`npm run bench -- --only
 * hub`, which runs this file with tsx):
 *
 *   1. ingest: 1,000 device tokens, each a simulated browser posting batches of 20–100
 *      events of the made-up organisation (./hub-fleet.ts) over HTTP, all at once, to a hub
 *      app on a real socket (per-device rate limit raised); events/s and request latency;
 *   2. views: events and rollups seeded in bulk (seedEvents) to 1 million, then 10 million,
 *      and each fleet view of VIEWS asked for 20+ times with varied filters; p50 and p95.
 *
 * PostgreSQL: DATABASE_URL names a server this bench may create databases on; without it,
 * scripts/ci-postgres.sh starts a throwaway one (and stops it), or PostgreSQL is skipped with
 * the reason. Prints a table of goals and verdicts; writes the figures as JSON to --json.
 *
 *   npx tsx bench/hub.ts [--quick] [--json FILE] [--max 10000000] [--pglite-max N]
 *     [--pglite-budget MINUTES] [--pglite-store DIR]
 *     [--only ingest|views] [--backend pglite|postgresql] [--live UPLOADS]
 *
 * `--pglite-store DIR` keeps PGlite's seeded store in DIR and, run again, times the views on
 * what it holds, seeding only up to a larger size: PGlite takes half an hour to seed 10
 * million events, and a store from an older hub is migrated as it opens, as at an upgrade.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { sql } from 'kysely';
import pg from 'pg';
import { createHubApp } from '../src/hub/app';
import { foldPending } from '../src/hub/compact';
import { type DatabaseTarget, type HubDb, isEmbedded, openDatabase } from '../src/hub/db/open';
import { createDevice } from '../src/hub/devices';
import { ingestBatch } from '../src/hub/ingest';
import { type Maintenance, maintain, upkeepSummary } from '../src/hub/maintenance';
import { rebuildPeriods } from '../src/hub/period-rebuild';
import { addUser } from '../src/hub/users';
import { FLEET, fleetEvent, seedEvents } from './hub-fleet';
import { summarize } from './stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DAY_MS = 86_400_000;

const GOALS = { ingestPerSecond: 5_000, viewP95Ms: 200 };

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    max: { type: 'string', default: '10000000' },
    'pglite-max': { type: 'string' },
    'pglite-budget': { type: 'string', default: '10' },
    'pglite-store': { type: 'string' },
    live: { type: 'string' },
    only: { type: 'string' },
    backend: { type: 'string' },
  },
});
const quick = args.quick === true;
const MAX = Number(args.max);
/** PGlite is seeded up to this many events at most. */
const PGLITE_MAX = Number(args['pglite-max'] ?? args.max);
/** Seeding PGlite further is skipped when it would take longer than this (`--pglite-budget`). */
const SEED_BUDGET_MS = Number(args['pglite-budget']) * 60_000;
/**
 * Uploads of a live hub after the views at the largest size (`--live N`, 0 for none): each
 * one batch of LIVE_BATCH events of the last two hours, folded at once as the hub folds a
 * second after an upload. The views are timed again after them and, on PGlite, after the
 * hub's upkeep (src/hub/maintenance.ts), which PostgreSQL's autovacuum does by itself.
 */
const LIVE_UPLOADS = Number(args.live ?? (quick ? 0 : 600));
const LIVE_BATCH = 60;

const log = (s: string) => process.stderr.write(`[bench hub] ${s}\n`);

// ----------------------------------------------------------------------------------------
// The fleet views: one row each, with the query of its k-th request. Add a view here.

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface View {
  name: string;
  /** The path and query of the k-th request (k = 0, 1, …): vary the filters with k. */
  path(k: number, nowMs: number): string;
}

export const VIEWS: View[] = [
  {
    name: 'summary, all',
    // The whole retention, or all but the last k days: the same size, never one cached answer.
    path: (k, now) =>
      k === 0 ? '/api/insights/summary' : `/api/insights/summary?to=${day(now - (k % 7) * DAY_MS)}`,
  },
  {
    name: 'summary, one team',
    path: (k) => `/api/insights/summary?team=team-${k % FLEET.teams}`,
  },
  {
    name: 'summary, one pack',
    path: (k) => `/api/insights/summary?pack=${FLEET.packs[k % FLEET.packs.length]}`,
  },
  {
    name: 'summary, 30 days',
    path: (k, now) =>
      `/api/insights/summary?from=${day(now - (30 + k) * DAY_MS)}&to=${day(now - k * DAY_MS)}`,
  },
  {
    name: 'versions, one aid',
    path: (k) => {
      const pack = FLEET.packs[(k + 3) % FLEET.packs.length]!;
      return `/api/insights/versions?aid=${pack}/aid-${(k * 7) % FLEET.aidsPerPack}`;
    },
  },
  {
    name: 'summary, one aid',
    path: (k) => {
      const pack = FLEET.packs[k % FLEET.packs.length]!;
      return `/api/insights/summary?aid=${pack}/aid-${(k * 5) % FLEET.aidsPerPack}`;
    },
  },
  {
    name: 'summary, one team and role',
    path: (k) =>
      `/api/insights/summary?team=team-${k % FLEET.teams}&role=${FLEET.roles[k % FLEET.roles.length]}`,
  },
  {
    name: 'health, all',
    path: (k, now) =>
      k === 0 ? '/api/insights/health' : `/api/insights/health?to=${day(now - (k % 7) * DAY_MS)}`,
  },
  {
    name: 'health, 30 days',
    path: (k, now) =>
      `/api/insights/health?from=${day(now - (30 + k) * DAY_MS)}&to=${day(now - k * DAY_MS)}`,
  },
];

// ----------------------------------------------------------------------------------------
// Databases: a data directory for PGlite, a database of its own on the server for PostgreSQL.

interface Backend {
  name: 'PGlite' | 'PostgreSQL';
  /** A new, empty database; `drop` removes it. */
  create(): Promise<{ target: DatabaseTarget; drop(): Promise<void> }>;
}

const pgliteBackend: Backend = {
  name: 'PGlite',
  async create() {
    const kept = args['pglite-store'];
    if (kept) return { target: { dataDir: kept }, drop: async () => {} };
    const dir = await mkdtemp(join(tmpdir(), 'inflow-hub-bench-'));
    return { target: { dataDir: dir }, drop: () => rm(dir, { recursive: true, force: true }) };
  },
};

function postgresBackend(serverUrl: string): Backend {
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'PostgreSQL',
    async create() {
      const name = `inflow_bench_${randomBytes(4).toString('hex')}`;
      await admin(`create database ${name}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return {
        target: { databaseUrl: url.toString() },
        drop: async () => {
          await admin(`drop database if exists ${name} with (force)`);
        },
      };
    },
  };
}

/** DATABASE_URL, or a throwaway server from scripts/ci-postgres.sh, or why there is none. */
async function postgresServer(): Promise<{ url?: string; why?: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const state = await mkdtemp(join(tmpdir(), 'inflow-hub-bench-pg-'));
  // The server runs as the postgres user, which must reach its directory inside this one.
  await chmod(state, 0o755);
  const env = { ...process.env, TMPDIR: state };
  const script = join(ROOT, 'scripts/ci-postgres.sh');
  log('no DATABASE_URL: starting a PostgreSQL server with scripts/ci-postgres.sh');
  const started = spawnSync('bash', [script, 'start', '56100'], { env, encoding: 'utf8' });
  const stop = async () => {
    spawnSync('bash', [script, 'stop'], { env, stdio: 'ignore' });
    await rm(state, { recursive: true, force: true });
  };
  const url = started.stdout.trim().split('\n').pop();
  if (started.status !== 0 || !url?.startsWith('postgres://')) {
    await stop();
    const said = `${started.stderr ?? ''}`.trim().split('\n').slice(-3).join(' / ');
    return {
      why: `scripts/ci-postgres.sh could not start one (${said || started.error?.message})`,
      stop: async () => {},
    };
  }
  return { url, stop };
}

// ----------------------------------------------------------------------------------------
// A hub app on a socket, over an open database.

async function serveHub(db: HubDb) {
  const errors: string[] = [];
  const app = createHubApp({
    db,
    limits: { requestsPerMinute: 1_000_000_000 },
    log: (line) => {
      if (line.startsWith('error ')) errors.push(line);
    },
  });
  const server = await new Promise<ReturnType<typeof serve>>((done) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => done(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    errors,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/** Runs ./hub-browsers.ts in a process of its own and returns what it measured. */
function browsers(plan: { url: string; tokens: string[]; batches: number; nowMs: number }) {
  return new Promise<{
    accepted: number;
    events: number;
    seconds: number;
    latencies: number[];
    failures: string[];
  }>((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./hub-browsers.ts', import.meta.url))],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) done(JSON.parse(out));
      else fail(new Error(`the simulated browsers ended with exit ${code}`));
    });
    child.stdin.end(JSON.stringify(plan));
  });
}

// ----------------------------------------------------------------------------------------
// 1. Ingest.

const BROWSERS = 1_000;

interface IngestResult {
  browsers: number;
  batches: number;
  events: number;
  accepted: number;
  failed: number;
  failures: string[];
  seconds: number;
  eventsPerSecond: number;
  latencyMs: ReturnType<typeof summarize>;
}

async function measureIngest(backend: Backend, batchesPerBrowser: number): Promise<IngestResult> {
  const made = await backend.create();
  const db = await openDatabase(made.target);
  try {
    const tokens: string[] = [];
    for (let b = 0; b < BROWSERS; b++) tokens.push((await createDevice(db, `browser ${b}`)).token);
    const hub = await serveHub(db);
    log(`${backend.name}: ${BROWSERS} browsers send ${batchesPerBrowser} batches each`);
    const run = await browsers({
      url: hub.url('/api/events'),
      tokens,
      batches: batchesPerBrowser,
      nowMs: Date.now(),
    });
    const { accepted, events, seconds, latencies } = run;
    const failures = run.failures;
    await hub.close();
    failures.push(...hub.errors);
    const stored = await db
      .selectFrom('daily_rollups')
      .select((eb) => eb.fn.sum<number>('events').as('n'))
      .executeTakeFirstOrThrow();
    if (Number(stored.n) !== accepted) {
      failures.push(`the rollups count ${stored.n} events, the answers ${accepted}`);
    }
    return {
      browsers: BROWSERS,
      batches: BROWSERS * batchesPerBrowser,
      events,
      accepted,
      failed: failures.length,
      failures: [...new Set(failures)].slice(0, 5),
      seconds,
      eventsPerSecond: accepted / seconds,
      latencyMs: summarize(latencies),
    };
  } finally {
    await db.destroy();
    await made.drop();
  }
}

// ----------------------------------------------------------------------------------------
// 2. Views over a seeded store.

interface ViewsAt {
  events: number;
  seedSeconds: number;
  rows: Record<string, number>;
  views: Record<string, { p50: number; p95: number; n: number; bytes: number }>;
}

interface LiveResult {
  uploads: number;
  events: number;
  seconds: number;
  /** Dead rows of the period rollups after the uploads. */
  deadRows: number;
  views: ViewsAt['views'];
  /** PGlite: the hub's upkeep, then the views again. */
  upkeep?: Maintenance;
  afterUpkeep?: ViewsAt['views'];
}

interface ViewsResult {
  at: ViewsAt[];
  live?: LiveResult;
  skipped?: string;
  /** A view that did not answer in time, at the size after the last of `at`. */
  missed?: string;
}

async function signIn(url: (p: string) => string, db: HubDb): Promise<string> {
  // A name of its own each run: a kept store already has the last run's viewer.
  const name = `bench-viewer-${randomBytes(4).toString('hex')}`;
  await addUser(db, name, 'viewer', 'bench password 1234');
  const res = await fetch(url('/api/session'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'bench password 1234' }),
  });
  if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** A view slower than this in all is stopped early: its p95 is then over fewer requests. */
const VIEW_BUDGET_MS = 60_000;

/**
 * One request that takes longer than this ends the views at that size: the figures of the
 * sizes before are kept, and the report says which view did not answer. (PGlite at 10
 * million events did not answer the first request within the HTTP client's 5 minutes.)
 */
const REQUEST_TIMEOUT_MS = 120_000;

async function timeViews(
  url: (p: string) => string,
  cookie: string,
  nowMs: number,
  requests: number,
): Promise<ViewsAt['views']> {
  const out: ViewsAt['views'] = {};
  for (const view of VIEWS) {
    const times: number[] = [];
    let bytes = 0;
    const began = performance.now();
    for (let k = -1; k < requests; k++) {
      if (k >= 3 && performance.now() - began > VIEW_BUDGET_MS) break;
      const t = performance.now();
      const res = await fetch(url(view.path(Math.max(k, 0), nowMs)), {
        headers: { cookie },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }).catch((e: unknown) => {
        throw (e as Error).name === 'TimeoutError'
          ? new Error(`${view.name}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)
          : new Error(`${view.name}: ${(e as Error).message} (${String((e as Error).cause)})`);
      });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${view.name}: ${res.status} ${body.slice(0, 300)}`);
      // The first is a warm-up (plans, caches), not counted.
      if (k >= 0) {
        times.push(performance.now() - t);
        bytes = Math.max(bytes, body.length);
      }
    }
    const s = summarize(times);
    out[view.name] = { p50: s.median, p95: s.p95, n: s.n, bytes };
    log(`  ${view.name}: p50 ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (${s.n})`);
  }
  return out;
}

/** The tables the seeding fills, counted in the report and vacuumed after each load. */
const SEEDED = [
  'events',
  'daily_rollups',
  'daily_actors',
  'daily_reasons',
  'period_counts',
  'period_people',
  'actor_groups',
] as const;

async function rowCounts(db: HubDb): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of SEEDED) {
    const r = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(r.n);
  }
  return counts;
}

async function measureViews(backend: Backend, sizes: number[], max: number): Promise<ViewsResult> {
  const made = await backend.create();
  let db = await openDatabase(made.target);
  const result: ViewsResult = { at: [] };
  try {
    // A kept store (--pglite-store): its events, and the day they were seeded up to.
    const held = await db
      .selectFrom('events')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('at').as('last')])
      .executeTakeFirstOrThrow();
    let seeded = Number(held.n);
    const now = held.last ? new Date(held.last).getTime() + 60_000 : Date.now();
    if (seeded > 0) log(`${backend.name}: the store holds ${seeded.toLocaleString('en')} events`);
    let hub = await serveHub(db);
    const cookie = await signIn(hub.url, db);
    let perEventMs = 0;
    for (const size of sizes) {
      // A kept store is timed at the largest size it holds (live uploads of an earlier run
      // may have added a few events to it).
      if (size < seeded && sizes.some((s) => s > size && s <= seeded)) {
        log(`${backend.name}: ${size.toLocaleString('en')} events skipped, the store holds more`);
        continue;
      }
      if (size > max) {
        result.skipped = `${size.toLocaleString('en')} events not run on ${backend.name}: over --max`;
        break;
      }
      const more = size - seeded;
      let seedMs = 0;
      if (more > 0) {
        // PGlite only: seeding it is slow, and 10 minutes is enough to say so. PostgreSQL goes on.
        if (backend.name === 'PGlite' && perEventMs > 0 && perEventMs * more > SEED_BUDGET_MS) {
          result.skipped =
            `${size.toLocaleString('en')} events not run on ${backend.name}: seeding ${more.toLocaleString('en')} more would take about ` +
            `${Math.round((perEventMs * more) / 60_000)} min at the rate measured (${Math.round(1000 / perEventMs).toLocaleString('en')} events/s), over the ${args['pglite-budget']}-minute budget (--pglite-budget)`;
          log(result.skipped);
          break;
        }
        log(
          `${backend.name}: seeding ${more.toLocaleString('en')} events (to ${size.toLocaleString('en')})`,
        );
        const t = performance.now();
        let last = t;
        await seedEvents(db, {
          count: more,
          first: seeded,
          nowMs: now,
          progress: (done) => {
            if (performance.now() - last > 30_000) {
              last = performance.now();
              log(`  ${done.toLocaleString('en')} of ${more.toLocaleString('en')}`);
            }
          },
        });
        // The period rollups, as the migration fills them from the daily tables.
        await db.transaction().execute((trx) => rebuildPeriods(trx));
        // What autovacuum would do soon after a load this size: statistics and visibility map.
        for (const table of SEEDED) {
          await sql.raw(`vacuum analyze ${table}`).execute(db);
        }
        seedMs = performance.now() - t;
        perEventMs = seedMs / more;
        seeded = size;
      }
      // The hub starts again on the loaded store, as after a restore or a move: a hub never
      // takes millions of events in one go. (PGlite loaded with 10 million events and asked
      // in the same process did not answer within minutes; started again, it answers.)
      await hub.close();
      await db.destroy();
      db = await openDatabase(made.target);
      hub = await serveHub(db);
      const rows = await rowCounts(db);
      log(`  seeded in ${(seedMs / 1000).toFixed(0)} s; rows ${JSON.stringify(rows)}`);
      let views: ViewsAt['views'];
      try {
        views = await timeViews(hub.url, cookie, now, quick ? 20 : 25);
      } catch (e) {
        result.missed = `${size.toLocaleString('en')} events: ${(e as Error).message}`;
        log(`${backend.name}: ${result.missed}`);
        break;
      }
      result.at.push({ events: size, seedSeconds: seedMs / 1000, rows, views });
    }
    if (LIVE_UPLOADS > 0 && result.at.length > 0 && !result.missed) {
      result.live = await liveUploads(db, backend, now, async () => {
        // A new socket: the client's kept-alive connections have timed out on the server
        // meanwhile, and reusing one would be reset.
        await hub.close();
        hub = await serveHub(db);
        return timeViews(hub.url, cookie, now, quick ? 20 : 25);
      });
    }
    await hub.close();
    return result;
  } finally {
    await db.destroy();
    await made.drop();
  }
}

/** LIVE_UPLOADS uploads folded one by one, then the views; on PGlite the upkeep, then again. */
async function liveUploads(
  db: HubDb,
  backend: Backend,
  nowMs: number,
  views: () => Promise<ViewsAt['views']>,
): Promise<LiveResult> {
  const { device } = await createDevice(db, 'live uploads');
  const prefix = `live-${randomBytes(4).toString('hex')}`;
  log(`${backend.name}: ${LIVE_UPLOADS} live uploads of ${LIVE_BATCH} events, each folded`);
  const t = performance.now();
  let serial = 0;
  for (let u = 0; u < LIVE_UPLOADS; u++) {
    const events = Array.from({ length: LIVE_BATCH }, () => {
      const i = serial++;
      return fleetEvent(i, nowMs, {
        idPrefix: prefix,
        actor: (u * 4 + (i % 4)) % FLEET.actors,
        withinMs: 2 * 3_600_000,
      });
    });
    await ingestBatch(db, { deviceId: device.id, events, now: new Date(nowMs) });
    await foldPending(db);
  }
  const seconds = (performance.now() - t) / 1000;
  const deadRows = async () => {
    await sql`select pg_stat_force_next_flush()`.execute(db);
    const r = await sql<{ n: number }>`select coalesce(sum(n_dead_tup), 0)::bigint as n
      from pg_stat_user_tables where relname in ('period_counts', 'period_people')`.execute(db);
    return Number(r.rows[0]?.n ?? 0);
  };
  const live: LiveResult = {
    uploads: LIVE_UPLOADS,
    events: serial,
    seconds,
    deadRows: await deadRows(),
    views: {},
  };
  log(`  ${fmt(serial)} events in ${seconds.toFixed(0)} s; ${fmt(live.deadRows)} dead rollup rows`);
  live.views = await views();
  if (isEmbedded(db)) {
    live.upkeep = await maintain(db);
    log(`  the hub's upkeep: ${upkeepSummary(live.upkeep)}`);
    live.afterUpkeep = await views();
  }
  return live;
}

// ----------------------------------------------------------------------------------------
// The report.

const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 0 });
const ms = (v: number) => (v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`);

function table(head: string[], rows: string[][]): string {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

interface BackendResult {
  name: string;
  version?: string;
  skipped?: string;
  ingest?: IngestResult | { error: string };
  views?: ViewsResult | { error: string };
}

function report(results: BackendResult[], machine: Record<string, unknown>): string {
  const rows: string[][] = [];
  const peer = (name: string) => results.find((r) => r.name !== name);
  for (const r of results) {
    if (r.skipped) {
      rows.push([`${r.name}`, 'not run', '', '', `SKIPPED: ${r.skipped}`]);
      continue;
    }
    const other = peer(r.name);
    if (r.ingest && 'error' in r.ingest) {
      rows.push([`${r.name}: ingest`, 'failed', '', '', `FAILED: ${r.ingest.error}`]);
    } else if (r.ingest) {
      const i = r.ingest;
      const o = other?.ingest && !('error' in other.ingest) ? other.ingest : undefined;
      const met = i.eventsPerSecond >= GOALS.ingestPerSecond && i.failed === 0;
      rows.push([
        `${r.name}: ingest, ${fmt(i.browsers)} browsers, ${fmt(i.events)} events in ${fmt(i.batches)} batches of 20–100`,
        `${fmt(i.eventsPerSecond)} events/s; request p50 ${ms(i.latencyMs.median)}, p95 ${ms(i.latencyMs.p95)}` +
          (i.failed ? `; ${i.failed} failed` : ''),
        `>= ${fmt(GOALS.ingestPerSecond)} events/s`,
        o ? `${other!.name}: ${fmt(o.eventsPerSecond)} events/s, p95 ${ms(o.latencyMs.p95)}` : '',
        met
          ? 'MET'
          : i.failed
            ? `MISSED: ${i.failed} requests failed (${i.failures[0]})`
            : `MISSED: ${fmt(i.eventsPerSecond)} events/s`,
      ]);
    }
    if (r.views && 'error' in r.views) {
      rows.push([`${r.name}: views`, 'failed', '', '', `FAILED: ${r.views.error}`]);
    } else if (r.views) {
      const o = other?.views && !('error' in other.views) ? other.views : undefined;
      for (const at of r.views.at) {
        const oAt = o?.at.find((x) => x.events === at.events);
        for (const [name, v] of Object.entries(at.views)) {
          const ov = oAt?.views[name];
          rows.push([
            `${r.name}: ${name} at ${fmt(at.events)} events`,
            `p50 ${ms(v.p50)}, p95 ${ms(v.p95)} (${v.n} requests)`,
            `p95 < ${GOALS.viewP95Ms} ms`,
            ov ? `${other!.name}: p50 ${ms(ov.p50)}, p95 ${ms(ov.p95)}` : '',
            v.p95 < GOALS.viewP95Ms
              ? 'MET'
              : `MISSED: p95 ${ms(v.p95)}` +
                (v.n < 20
                  ? ` (stopped after ${v.n} requests: over ${VIEW_BUDGET_MS / 1000} s)`
                  : ''),
          ]);
        }
      }
      const live = r.views.live;
      if (live) {
        const last = r.views.at[r.views.at.length - 1]!;
        const label = `after ${fmt(live.uploads)} live uploads (${fmt(live.events)} events, each folded; ${fmt(live.deadRows)} dead rollup rows)`;
        for (const [name, v] of Object.entries(live.views)) {
          const up = live.afterUpkeep?.[name];
          const seeded = last.views[name];
          rows.push([
            `${r.name}: ${name} at ${fmt(last.events)} events, ${label}`,
            `p50 ${ms(v.p50)}, p95 ${ms(v.p95)}` +
              (up ? `; after the hub's upkeep p50 ${ms(up.p50)}, p95 ${ms(up.p95)}` : ''),
            `p95 < ${GOALS.viewP95Ms} ms`,
            seeded ? `as seeded: p50 ${ms(seeded.p50)}, p95 ${ms(seeded.p95)}` : '',
            (up ?? v).p95 < GOALS.viewP95Ms ? 'MET' : `MISSED: p95 ${ms((up ?? v).p95)}`,
          ]);
        }
      }
      if (r.views.missed) {
        rows.push([
          `${r.name}: views`,
          'no answer',
          `p95 < ${GOALS.viewP95Ms} ms`,
          '',
          `MISSED at ${r.views.missed}`,
        ]);
      }
      if (r.views.skipped) rows.push([`${r.name}: views`, 'not run', '', '', r.views.skipped]);
    }
  }
  const notes: string[] = [];
  for (const r of results) {
    if (r.version) notes.push(`${r.name}: ${r.version}`);
    if (r.views && !('error' in r.views)) {
      for (const at of r.views.at) {
        notes.push(
          `${r.name} ${at.seedSeconds > 0 ? `seeded to ${fmt(at.events)} events in ${fmt(at.seedSeconds)} s` : `store kept from an earlier run (--pglite-store), ${fmt(at.events)} events`}; rows: ` +
            Object.entries(at.rows)
              .map(([t, n]) => `${t} ${fmt(n)}`)
              .join(', '),
        );
      }
    }
  }
  for (const r of results) {
    const live = r.views && !('error' in r.views) ? r.views.live : undefined;
    if (!live) continue;
    notes.push(
      `${r.name}: ${fmt(live.uploads)} live uploads took ${fmt(live.seconds)} s` +
        (live.upkeep
          ? `; then the hub's upkeep: ${upkeepSummary(live.upkeep)}`
          : "; the server's autovacuum runs on its own"),
    );
  }
  notes.push(
    `machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB memory, load average ${machine.loadBefore} before / ${machine.loadAfter} after; ${machine.date}`,
  );
  return `${table(['metric', 'value', 'goal', 'same run, other backend', 'verdict'], rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}`;
}

async function main() {
  const machine: Record<string, unknown> = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: (totalmem() / 2 ** 30).toFixed(1),
    freeGiB: (freemem() / 2 ** 30).toFixed(1),
    loadBefore: loadavg()[0]!.toFixed(1),
    date: new Date().toISOString(),
  };
  const sizes = (quick ? [100_000, 1_000_000] : [1_000_000, 10_000_000]).filter((n) => n <= MAX);
  const batches = quick ? 1 : 4;
  const wanted = args.backend?.toLowerCase().split(',');
  // No server is started for a run that asked for PGlite alone.
  const server =
    wanted && !wanted.includes('postgresql')
      ? { why: 'not asked for (--backend)', stop: async () => {} }
      : await postgresServer();
  const results: BackendResult[] = [];
  const parts = args.only ? args.only.split(',') : ['ingest', 'views'];
  try {
    const list: Array<{ backend?: Backend; name: string; why?: string }> = [
      { backend: pgliteBackend, name: 'PGlite' },
      server.url
        ? { backend: postgresBackend(server.url), name: 'PostgreSQL' }
        : { name: 'PostgreSQL', why: server.why },
    ];
    for (const { backend, name, why } of list) {
      if (wanted && !wanted.includes(name.toLowerCase())) continue;
      const r: BackendResult = { name };
      results.push(r);
      if (!backend) {
        r.skipped = why;
        log(`PostgreSQL skipped: ${why}`);
        continue;
      }
      if (backend.name === 'PostgreSQL') {
        const c = new pg.Client({ connectionString: server.url });
        await c.connect();
        r.version = (await c.query('select version() as v')).rows[0].v.split(' on ')[0];
        await c.end();
      }
      if (parts.includes('ingest')) {
        try {
          r.ingest = await measureIngest(backend, batches);
          log(`${name} ingest: ${fmt(r.ingest.eventsPerSecond)} events/s`);
        } catch (e) {
          r.ingest = { error: (e as Error).message };
        }
      }
      if (parts.includes('views')) {
        try {
          r.views = await measureViews(backend, sizes, name === 'PGlite' ? PGLITE_MAX : MAX);
        } catch (e) {
          r.views = { error: (e as Error).stack ?? String(e) };
        }
      }
    }
  } finally {
    await server.stop();
  }
  machine.loadAfter = loadavg()[0]!.toFixed(1);
  console.log(report(results, machine));
  if (args.json) {
    await writeFile(args.json, `${JSON.stringify({ machine, goals: GOALS, results }, null, 2)}\n`);
    console.log(`\nraw figures: ${args.json}`);
  }
  const failed = results.some(
    (r) => (r.ingest && 'error' in r.ingest) || (r.views && 'error' in r.views),
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  },
);
