/**
 * The hub's upkeep of an embedded database (PGlite runs no autovacuum and no checkpointer):
 * which tables are due by autovacuum's rules and their own settings, and a run that vacuums
 * the period rollups a live hub's folds leave behind, so the views read the index alone again.
 */
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubDb, openDatabase } from '../../../src/hub/db/open';
import { dueFor, maintain, type TableStats, upkeepSummary } from '../../../src/hub/maintenance';
import { backends, type Opened } from './backends';

const table = (over: Partial<TableStats>): TableStats => ({
  relname: 't',
  reltuples: 100_000,
  reloptions: null,
  n_dead_tup: 0,
  n_ins_since_vacuum: 0,
  n_mod_since_analyze: 0,
  ...over,
});

describe('the log line of a run', () => {
  it('names what was vacuumed and analyzed, and the time', () => {
    expect(upkeepSummary({ vacuumed: ['events', 'period_counts'], analyzed: [], ms: 3100.4 })).toBe(
      'vacuumed events, period_counts; checkpoint (3100 ms)',
    );
    expect(upkeepSummary({ vacuumed: [], analyzed: ['sessions'], ms: 9.6 })).toBe(
      'analyzed sessions; checkpoint (10 ms)',
    );
  });
});

describe('which tables are due', () => {
  it("follows autovacuum's defaults: 50 + 20 % dead rows, 1,000 + 20 % inserted, 50 + 10 % changed", () => {
    expect(dueFor(table({}))).toBe(null);
    expect(dueFor(table({ n_dead_tup: 20_050 }))).toBe(null);
    expect(dueFor(table({ n_dead_tup: 20_051 }))).toBe('vacuum');
    expect(dueFor(table({ n_ins_since_vacuum: 21_001 }))).toBe('vacuum');
    expect(dueFor(table({ n_mod_since_analyze: 10_051 }))).toBe('analyze');
    // A table never vacuumed nor analyzed counts as empty.
    expect(dueFor(table({ reltuples: -1, n_dead_tup: 51 }))).toBe('vacuum');
  });

  it("takes a table's own settings over the defaults", () => {
    const own = [
      'autovacuum_vacuum_scale_factor=0',
      'autovacuum_vacuum_threshold=100000',
      'autovacuum_analyze_scale_factor=0.05',
    ];
    const large = { reloptions: own, reltuples: 19_000_000 };
    expect(dueFor(table({ ...large, n_dead_tup: 100_001 }))).toBe('vacuum');
    expect(dueFor(table({ ...large, n_dead_tup: 100_000 }))).toBe(null);
    expect(dueFor(table({ ...large, n_mod_since_analyze: 950_051 }))).toBe('analyze');
    expect(dueFor(table({ ...large, n_mod_since_analyze: 950_050 }))).toBe(null);
    // A setting it cannot read is the default.
    const bad = ['autovacuum_vacuum_scale_factor=lots'];
    expect(dueFor(table({ reloptions: bad, n_dead_tup: 5_051 }))).toBe(null);
    expect(dueFor(table({ reloptions: bad, n_dead_tup: 20_051 }))).toBe('vacuum');
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`the period rollups' settings on ${backend.name}`, () => {
    let opened: Opened;
    beforeAll(async () => {
      opened = await backend.open();
    }, 30_000);
    afterAll(() => opened?.drop());

    it('vacuum the rollups at 100,000 dead rows, whatever their size (migration 0014)', async () => {
      const rows = await sql<{ relname: string; reloptions: string[] }>`
        select relname, reloptions from pg_class
        where relname in ('period_counts', 'period_people') order by relname`.execute(opened.db);
      expect(rows.rows).toEqual(
        ['period_counts', 'period_people'].map((relname) => ({
          relname,
          reloptions: [
            'autovacuum_vacuum_scale_factor=0',
            'autovacuum_vacuum_threshold=100000',
            'autovacuum_analyze_scale_factor=0.05',
          ],
        })),
      );
    });
  });
}

describe('maintain, on PGlite', () => {
  let db: HubDb;
  beforeAll(async () => {
    db = await openDatabase({ pglite: new PGlite() });
  }, 30_000);
  afterAll(() => db?.destroy());

  /** How an index-only read of this year's rollups went: rows, and rows read from the table. */
  async function readYear(): Promise<{ rows: number; heapFetches: number }> {
    // The views read a few periods of a large table, by its index: so does this read here,
    // where this year's rows are the whole table.
    const plan = await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      await sql`set local enable_bitmapscan = off`.execute(trx);
      return sql<{ 'QUERY PLAN': unknown }>`
        explain (analyze, format json)
        select sum(events) from period_counts where span = 'y' and start = '2026-01-01'
          and team = '*' and role = '*'`.execute(trx);
    });
    const found: { rows: number; heapFetches: number } = { rows: 0, heapFetches: 0 };
    const walk = (node: Record<string, unknown>) => {
      if (node['Node Type'] === 'Index Only Scan') {
        found.rows += Number(node['Actual Rows']);
        found.heapFetches += Number(node['Heap Fetches']);
      }
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    const root = (plan.rows[0]!['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan;
    walk(root);
    return found;
  }

  it('vacuums what folds left behind: the views read the index alone again', async () => {
    // A year's rollup rows and its days' (ten times as many), vacuumed as after a restore.
    await sql`insert into period_counts
        (span, start, team, role, pack_id, aid_key, pack_version, step_id, metric, events)
      select case when d = 0 then 'y' else 'd' end,
        case when d = 0 then date '2026-01-01' else date '2026-01-01' + d end, '*', '*',
        'crm', 'crm/aid-' || (g / 50), '1.0.0', 'step-' || (g % 50), 'step_done', 1
      from generate_series(0, 4999) g, generate_series(0, 10) d`.execute(db);
    // The insert's counts reach the statistics before the vacuum that clears them.
    await sql`select pg_stat_force_next_flush()`.execute(db);
    await sql`select 1`.execute(db);
    await sql`vacuum (analyze) period_counts`.execute(db);
    expect(await readYear()).toEqual({ rows: 5_000, heapFetches: 0 });
    const quiet = await maintain(db);
    expect(quiet.vacuumed).not.toContain('period_counts');

    // Live folds: each rewrites this year's rows, as a fold of every upload does.
    const folds = async (n: number) => {
      for (let fold = 0; fold < n; fold++) {
        await sql`update period_counts set events = events + 1 where span = 'y'`.execute(db);
      }
    };
    await folds(3);
    const before = await readYear();
    expect(before.rows).toBe(5_000);
    expect(before.heapFetches).toBeGreaterThan(0);
    // 15,000 dead rows: not yet due (100,000).
    expect((await maintain(db)).vacuumed).not.toContain('period_counts');
    expect((await readYear()).heapFetches).toBeGreaterThan(0);

    await folds(18);
    const done = await maintain(db);
    expect(done.vacuumed).toContain('period_counts');
    expect(await readYear()).toEqual({ rows: 5_000, heapFetches: 0 });
    const dead = await sql<{ n: number }>`
      select n_dead_tup::int as n from pg_stat_user_tables where relname = 'period_counts'`.execute(
      db,
    );
    expect(dead.rows[0]!.n).toBe(0);
    // Nothing lost: every row has its four events.
    const sum = await sql<{ n: number }>`
      select sum(events)::int as n from period_counts`.execute(db);
    expect(sum.rows[0]!.n).toBe(55_000 + 21 * 5_000);
    // Nothing more to do right after.
    expect((await maintain(db)).vacuumed).toEqual([]);
  });

  it('vacuums every table when asked for all, as after a start: PGlite forgot its statistics', async () => {
    const all = await maintain(db, { all: true });
    const tables = await sql<{ relname: string }>`
      select relname from pg_stat_user_tables where schemaname = current_schema()
      order by relname`.execute(db);
    expect(all.vacuumed).toEqual(tables.rows.map((t) => t.relname));
    expect(all.vacuumed).toContain('events');
    expect(all.vacuumed).toContain('period_people');
  });
});
