/**
 * Moves a hub from its embedded database (PGlite in a data directory) to PostgreSQL: copies
 * every table of the source into a target that has been migrated to the same schema and
 * holds no data yet, in batches, inside one transaction on the target (a copy that fails
 * leaves the target as empty as it was), then compares the row counts of every table.
 *
 * Tables are found in the source's catalogue, not listed here, so tables that later
 * migrations add are copied too. Values travel as their text form (`col::text`), which
 * PostgreSQL reads back into the same type: bigints stay exact, timestamps keep their
 * microseconds and zone, JSON stays JSON.
 */
import { type Kysely, sql } from 'kysely';
import { foldPending } from './compact';
import type { HubDb } from './db/open';

/** The migrator's own tables: the target has them from running the migrations. */
const SKIP = new Set(['kysely_migration', 'kysely_migration_lock']);

/** Rows of the target that the migrations themselves write: replaced by the source's. */
const MIGRATION_WRITTEN = new Set(['settings']);

/** At most this many parameters in one statement (PostgreSQL allows 65,535). */
const MAX_PARAMS = 30_000;

export interface CopyProgress {
  table: string;
  copied: number;
  total: number;
}

export interface CopyOptions {
  /** Rows per batch read and written (default 5,000; fewer for wide tables). */
  batchRows?: number;
  progress?: (p: CopyProgress) => void;
}

export interface CopiedTable {
  table: string;
  rows: number;
}

/** Nothing was copied: the target is not an empty database of the same schema. */
export class CopyRefused extends Error {}

/** The copy was committed, but a table's row count differs between source and target. */
export class CopyMismatch extends Error {}

// Kysely's typed builders know only the hub's tables; the copy walks any table by name.
type AnyDb = Kysely<Record<string, Record<string, unknown>>>;

async function tablesOf(db: AnyDb): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  return r.rows.map((t) => t.name).filter((t) => !SKIP.has(t));
}

async function columnsOf(db: AnyDb, table: string): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select column_name as name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table}
    order by ordinal_position`.execute(db);
  return r.rows.map((c) => c.name);
}

/** The primary key's columns in key order, or [] when the table has none. */
async function keyOf(db: AnyDb, table: string): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select a.attname as name
    from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = ${table}::regclass and i.indisprimary
    order by array_position(i.indkey::int2[], a.attnum)`.execute(db);
  return r.rows.map((c) => c.name);
}

async function count(db: AnyDb, table: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(
    db,
  );
  return Number(r.rows[0]!.n);
}

/** The tables in an order where each comes after the tables its foreign keys point to. */
async function referencedFirst(db: AnyDb, tables: string[]): Promise<string[]> {
  const r = await sql<{ child: string; parent: string }>`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
    from pg_constraint c where c.contype = 'f'`.execute(db);
  const out: string[] = [];
  const left = new Set(tables);
  while (left.size) {
    const ready = [...left].filter((t) =>
      r.rows.every((f) => f.child !== t || f.parent === t || !left.has(f.parent)),
    );
    // A cycle of foreign keys (none in the hub's schema) is copied in name order.
    for (const t of ready.length ? ready : [...left]) {
      out.push(t);
      left.delete(t);
    }
  }
  return out;
}

const ids = (names: string[]) => sql.join(names.map((n) => sql.id(n)));

/**
 * Copies every table of `source` into `target`. Both must already be migrated (openDatabase
 * does it). Refuses, before writing anything, when the target holds events or any other
 * row the migrations did not write, or lacks a table or column the source has.
 */
export async function copyDatabase(
  sourceDb: HubDb,
  targetDb: HubDb,
  options: CopyOptions = {},
): Promise<CopiedTable[]> {
  // Pending rows are folded into the period rollups first: the copy then carries none, and
  // none of their ids, which the target's own sequence could not know.
  await foldPending(sourceDb);
  const source = sourceDb as unknown as AnyDb;
  const target = targetDb as unknown as AnyDb;
  const tables = await tablesOf(source);
  const targetTables = new Set(await tablesOf(target));

  const plan: { table: string; columns: string[]; key: string[]; total: number }[] = [];
  // Events checked first: "already holds events" is the likeliest reason to refuse.
  const events = tables.filter((t) => t === 'events');
  for (const table of [...events, ...tables.filter((t) => t !== 'events')]) {
    if (!targetTables.has(table)) {
      throw new CopyRefused(`the target has no table ${table}: is it an older hub's database?`);
    }
    const columns = await columnsOf(source, table);
    const theirs = new Set(await columnsOf(target, table));
    const missing = columns.filter((c) => !theirs.has(c));
    if (missing.length) {
      throw new CopyRefused(`the target's table ${table} has no column ${missing.join(', ')}`);
    }
    if (!MIGRATION_WRITTEN.has(table)) {
      const there = await count(target, table);
      if (there > 0) {
        throw new CopyRefused(
          table === 'events'
            ? `the target already holds ${there} events: copy only into an empty database`
            : `the target's table ${table} already holds ${there} rows: copy only into an empty database`,
        );
      }
    }
    plan.push({
      table,
      columns,
      key: await keyOf(source, table),
      total: await count(source, table),
    });
  }
  const order = await referencedFirst(source, tables);
  plan.sort((a, b) => order.indexOf(a.table) - order.indexOf(b.table));

  const batchOf = (columns: string[]) =>
    Math.max(1, Math.min(options.batchRows ?? 5_000, Math.floor(MAX_PARAMS / columns.length)));

  await target.transaction().execute(async (trx) => {
    for (const { table, columns, key, total } of plan) {
      if (MIGRATION_WRITTEN.has(table)) await trx.deleteFrom(table).execute();
      const batch = batchOf(columns);
      const asText = sql.join(columns.map((c) => sql`${sql.id(c)}::text as ${sql.id(c)}`));
      const order = key.length ? key : columns;
      let copied = 0;
      let after: unknown[] | undefined;
      options.progress?.({ table, copied, total });
      for (;;) {
        // Keyset pages along the primary key (its index): each page costs the same however
        // far the copy has gone. A table without one is paged by offset over all columns.
        // Pages are ordered by the table's own columns (a bare name would be the text copy
        // selected here: as text, 10 sorts before 9), and the key's values are also read as
        // they are, for the next page's comparison.
        const keyCols = key.length
          ? sql`, ${sql.join(key.map((k, i) => sql`${sql.id(k)} as ${sql.id(`__key${i}`)}`))}`
          : sql``;
        const page = await sql<Record<string, string | null>>`
          select ${asText}${keyCols} from ${sql.table(table)}
          ${
            key.length && after
              ? sql`where (${ids(key)}) > (${sql.join(after.map((v) => sql`${v}`))})`
              : sql``
          }
          order by ${sql.join(order.map((c) => sql.ref(`${table}.${c}`)))}
          limit ${batch} ${key.length ? sql`` : sql`offset ${copied}`}`.execute(source);
        if (page.rows.length === 0) break;
        await sql`insert into ${sql.table(table)} (${ids(columns)}) values ${sql.join(
          page.rows.map((row) => sql`(${sql.join(columns.map((c) => sql`${row[c]}`))})`),
        )}`.execute(trx);
        copied += page.rows.length;
        options.progress?.({ table, copied, total });
        if (page.rows.length < batch) break;
        const last = page.rows[page.rows.length - 1]!;
        after = key.map((_, i) => last[`__key${i}`]);
      }
    }
  });

  const copied: CopiedTable[] = [];
  const wrong: string[] = [];
  for (const { table } of plan) {
    const [from, to] = [await count(source, table), await count(target, table)];
    if (from !== to) wrong.push(`${table}: ${from} in the source, ${to} in the target`);
    copied.push({ table, rows: to });
  }
  if (wrong.length) throw new CopyMismatch(`row counts differ after the copy: ${wrong.join('; ')}`);
  return copied;
}
