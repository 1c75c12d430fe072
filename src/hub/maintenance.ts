/**
 * What PostgreSQL's background processes do for a server, done by the hub for PGlite.
 *
 * PGlite runs PostgreSQL as one backend in single-user mode: no autovacuum and no
 * checkpointer ever start. Without them an embedded hub slows down and fills its disk as it
 * runs. Every fold (./compact.ts) writes new versions of the period rollups' current rows
 * (today, this week, month and year) and leaves the old ones behind, and the views' index
 * scans then step over them and visit the table for rows not known to be visible (600
 * uploads at 10 million events left 701,246 dead rows, and the 30 days' summary took p95 199
 * ms instead of 183, until vacuumed). The write-ahead log is recycled only at a checkpoint,
 * so without one it grows with every write.
 *
 * `maintain` asks the statistics which tables are due by autovacuum's own rules and each
 * table's own settings (dead rows, rows inserted or changed since the last vacuum or analyze,
 * against a base plus a share of the table's rows), vacuums and analyzes those, then
 * checkpoints. A hub on PostgreSQL leaves all this to the server, with the same settings:
 * migration 0014 has the period rollups vacuumed at 100,000 dead rows rather than 20 % of
 * the table.
 *
 * PGlite forgets its statistics when it closes, so the first upkeep after a start vacuums
 * and analyzes every table (`all`): a table whose pages are all visible costs little.
 */
import { sql } from 'kysely';
import type { HubDb } from './db/open';

/** How often an embedded hub checks: autovacuum's default naptime is one minute. */
export const MAINTAIN_EVERY_MS = 5 * 60_000;

/** PostgreSQL's defaults for autovacuum, which a table's own settings (reloptions) override. */
const DEFAULTS = {
  autovacuum_vacuum_threshold: 50,
  autovacuum_vacuum_scale_factor: 0.2,
  autovacuum_vacuum_insert_threshold: 1_000,
  autovacuum_vacuum_insert_scale_factor: 0.2,
  autovacuum_analyze_threshold: 50,
  autovacuum_analyze_scale_factor: 0.1,
};
type Setting = keyof typeof DEFAULTS;

export interface TableStats {
  relname: string;
  /** The planner's row count (pg_class.reltuples); -1 before the first vacuum or analyze. */
  reltuples: number;
  /** The table's storage parameters, 'name=value'. */
  reloptions: string[] | null;
  n_dead_tup: number;
  n_ins_since_vacuum: number;
  n_mod_since_analyze: number;
}

export interface Maintenance {
  vacuumed: string[];
  /** Analyzed without a vacuum. */
  analyzed: string[];
  ms: number;
}

/** What a run did, for a log line: 'vacuumed a, b; analyzed c; checkpoint (1234 ms)'. */
export function upkeepSummary(m: Maintenance): string {
  const parts = [
    ...(m.vacuumed.length > 0 ? [`vacuumed ${m.vacuumed.join(', ')}`] : []),
    ...(m.analyzed.length > 0 ? [`analyzed ${m.analyzed.join(', ')}`] : []),
    'checkpoint',
  ];
  return `${parts.join('; ')} (${Math.round(m.ms)} ms)`;
}

/** What autovacuum would do to a table now, with its own settings: vacuum, analyze or nothing. */
export function dueFor(t: TableStats): 'vacuum' | 'analyze' | null {
  const own = new Map((t.reloptions ?? []).map((o) => o.split('=', 2) as [string, string]));
  const get = (name: Setting) => {
    const value = Number(own.get(name));
    return own.has(name) && Number.isFinite(value) ? value : DEFAULTS[name];
  };
  const rows = Math.max(0, Number(t.reltuples));
  const over = (n: number, base: Setting, share: Setting) => n > get(base) + get(share) * rows;
  if (
    over(Number(t.n_dead_tup), 'autovacuum_vacuum_threshold', 'autovacuum_vacuum_scale_factor') ||
    over(
      Number(t.n_ins_since_vacuum),
      'autovacuum_vacuum_insert_threshold',
      'autovacuum_vacuum_insert_scale_factor',
    )
  )
    return 'vacuum';
  if (
    over(
      Number(t.n_mod_since_analyze),
      'autovacuum_analyze_threshold',
      'autovacuum_analyze_scale_factor',
    )
  )
    return 'analyze';
  return null;
}

/**
 * Vacuums and analyzes the hub's tables that are due (every table with `all`), then
 * checkpoints. Each table is its own statement: requests wait for the one running, not for
 * them all.
 */
export async function maintain(db: HubDb, options: { all?: boolean } = {}): Promise<Maintenance> {
  const began = performance.now();
  // This backend's counts reach the statistics at most once a second, and at the end of the
  // statement after this one.
  await sql`select pg_stat_force_next_flush()`.execute(db);
  const stats = await sql<TableStats>`
    select s.relname, c.reltuples, c.reloptions,
      s.n_dead_tup, s.n_ins_since_vacuum, s.n_mod_since_analyze
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where s.schemaname = current_schema()
    order by s.relname`.execute(db);
  const out: Maintenance = { vacuumed: [], analyzed: [], ms: 0 };
  for (const t of stats.rows) {
    const due = options.all ? 'vacuum' : dueFor(t);
    if (due === null) continue;
    // Table names come from the catalogue; quoted all the same.
    const table = sql.id(t.relname);
    if (due === 'vacuum') {
      await sql`vacuum (analyze) ${table}`.execute(db);
      out.vacuumed.push(t.relname);
    } else {
      await sql`analyze ${table}`.execute(db);
      out.analyzed.push(t.relname);
    }
  }
  await sql`checkpoint`.execute(db);
  out.ms = performance.now() - began;
  return out;
}
