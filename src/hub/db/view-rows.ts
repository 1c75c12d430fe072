/**
 * The rows of a fleet view's query, fetched the way the database at hand passes them best.
 *
 * PGlite passes a result to JavaScript row by row through its wire protocol, which for a
 * view's ten thousand rows of sums took longer than the query itself (at 10 million events,
 * about 150 ms of a 230 ms summary). There the database builds one JSON array per column
 * (json_agg of each column, in one pass, so the arrays line up), parsed at once and put back
 * into rows here. A JSON object per row cost PGlite more than the sums themselves (the
 * summary's 10,932 rows at a million events: about 40 ms as objects, 18 ms as columns, over
 * 20 ms of summing). A PostgreSQL server sends rows faster than it builds JSON (the
 * summary's sums: 64 ms as rows, 90 ms as JSON, p50 at 1 million events), so there the rows
 * come as they are.
 *
 * Types come out the same either way: bigint sums as numbers (counts stay far below 2^53),
 * dates as 'YYYY-MM-DD' strings, as ./open.ts parses them from rows.
 */
import { type Expression, sql } from 'kysely';
import { type HubDb, isEmbedded } from './open';

export async function viewRows<R extends object>(
  db: HubDb,
  query: Expression<unknown>,
  columns: readonly (keyof R & string)[],
): Promise<R[]> {
  if (!isEmbedded(db)) return (await sql<R>`${query}`.execute(db)).rows;
  const arrays = sql.join(columns.map((c) => sql`json_agg(${sql.ref(`t.${c}`)})`));
  const result = await sql<{ columns: unknown[][] | null }>`
    select case when count(*) = 0 then null else json_build_array(${arrays}) end as columns
    from (${query}) as t`.execute(db);
  const values = result.rows[0]?.columns;
  if (!values) return [];
  const n = values[0]?.length ?? 0;
  const rows = new Array<R>(n);
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) row[columns[c]!] = values[c]![i];
    rows[i] = row as R;
  }
  return rows;
}

/**
 * One key for several text values of a row, for maps of a view's rows. PostgreSQL's text
 * never holds a NUL character, so values joined by one are never ambiguous (and cost less
 * than JSON.stringify of the list, at ten thousand rows a view).
 */
export const rowKey = (...parts: string[]): string => parts.join('\u0000');
