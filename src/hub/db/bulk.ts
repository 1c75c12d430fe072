/**
 * Many rows in one INSERT … SELECT: each column travels as one array parameter and
 * `unnest` turns the arrays back into rows. A batch of a hundred events then costs a few
 * dozen parameters instead of one per value: far less for Kysely to build, for the driver to
 * send and for PostgreSQL (or PGlite) to bind.
 */
import { type RawBuilder, sql } from 'kysely';

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
