/**
 * Many rows in one INSERT … SELECT: each column travels as one array parameter and
 * `unnest` turns the arrays back into rows. A batch of a hundred events then costs a few
 * dozen parameters instead of one per value: far less for Kysely to build, for the driver to
 * send and for PostgreSQL (or PGlite) to bind.
 */
import { type Compilable, type QueryExecutorProvider, type RawBuilder, sql } from 'kysely';

/** A column of a bulk insert: its name in the rows and its PostgreSQL type. */
export type BulkColumn<T> = readonly [name: keyof T & string, type: string];

/** `select * from unnest($1::type[], …)` over the rows, columns in the order given. */
export function unnested<T>(
  rows: readonly T[],
  columns: readonly BulkColumn<T>[],
): RawBuilder<unknown> {
  const arrays = columns.map(
    ([name, type]) => sql`${rows.map((r) => r[name] ?? null)}::${sql.raw(type)}[]`,
  );
  return sql`select * from unnest(${sql.join(arrays)})`;
}

/** The names of the columns, for `.columns(…)`. */
export const names = <T>(columns: readonly BulkColumn<T>[]) => columns.map(([name]) => name);

/**
 * Runs writes to different tables as one statement, each a data-modifying WITH query: one
 * round trip to the database instead of one per write, all or none applied. Each sees the
 * tables as they were before the statement, so none may read what another writes.
 */
export async function writeTogether(
  db: QueryExecutorProvider,
  writes: readonly Compilable[],
): Promise<void> {
  if (writes.length === 0) return;
  const parts = writes.map((w, i) => sql`${sql.raw(`write_${i}`)} as (${w as never})`);
  await sql`with ${sql.join(parts)} select 1`.execute(db);
}
