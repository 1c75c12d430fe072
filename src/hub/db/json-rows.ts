/**
 * The rows of a query as one JSON array that the database builds. PGlite passes a result to
 * JavaScript row by row through its wire protocol, which for a fleet view's ten thousand
 * rows of sums took longer than the query itself (at 10 million events, 150 ms of a 230 ms
 * summary); one JSON value is parsed at once. A real PostgreSQL gains a little too.
 *
 * Types come out as JSON has them: bigint sums as numbers (counts stay far below 2^53),
 * dates as 'YYYY-MM-DD' strings, as ./open.ts parses them from rows.
 */
import { type Compilable, type Expression, sql } from 'kysely';
import type { HubDb } from './open';

export async function jsonRows<R>(
  db: HubDb,
  query: Expression<unknown> | Compilable<unknown>,
): Promise<R[]> {
  const result = await sql<{ rows: R[] }>`
    select coalesce(json_agg(t), '[]'::json) as rows from (${query as Expression<unknown>}) as t`.execute(
    db,
  );
  return result.rows[0]?.rows ?? [];
}
