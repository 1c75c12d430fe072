/**
 * The rows of a fleet view's query, fetched the way the database at hand passes them best.
 *
 * PGlite passes a result to JavaScript row by row through its wire protocol, which for a
 * view's ten thousand rows of sums took longer than the query itself (at 10 million events,
 * about 150 ms of a 230 ms summary); there the database builds one JSON array (json_agg),
 * which is parsed at once. A PostgreSQL server sends rows faster than it builds JSON
 * (the summary's sums: 64 ms as rows, 90 ms as JSON, p50 at 1 million events), so there the
 * rows come as they are.
 *
 * Types come out the same either way: bigint sums as numbers (counts stay far below 2^53),
 * dates as 'YYYY-MM-DD' strings, as ./open.ts parses them from rows.
 */
import { type Expression, sql } from 'kysely';
import { type HubDb, isEmbedded } from './open';

export async function viewRows<R>(db: HubDb, query: Expression<unknown>): Promise<R[]> {
  if (!isEmbedded(db)) return (await sql<R>`${query}`.execute(db)).rows;
  const result = await sql<{ rows: R[] }>`
    select coalesce(json_agg(t), '[]'::json) as rows from (${query}) as t`.execute(db);
  return result.rows[0]?.rows ?? [];
}
