/**
 * A Kysely dialect for PGlite (PostgreSQL in WebAssembly): Kysely's own PostgresDialect over
 * a small pool adapter, so the query compiler, introspection and migrations are exactly
 * those used with a real PostgreSQL server.
 *
 * PGlite is one connection. The adapter hands it to one Kysely connection at a time: a
 * second `connect()` waits until the first is released, so a transaction cannot interleave
 * with statements of another request.
 */
import type { ParserOptions, PGlite } from '@electric-sql/pglite';
import {
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';

type Command = PostgresQueryResult<unknown>['command'];

/** The command tag as pg reports it: Kysely reads it to count affected rows and spot ROLLBACK. */
function commandOf(tag: string | undefined, sql: string): Command {
  const word = (tag ?? /^\s*(\w+)/.exec(sql)?.[1] ?? '').toUpperCase();
  return word as Command;
}

/** A FIFO lock: `acquire` resolves with the function that releases it. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((done) => {
      release = done;
    });
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

export interface PGlitePoolOptions {
  /** Close the PGlite instance when Kysely is destroyed (default true). */
  closeOnEnd?: boolean;
  /** Called once the instance is closed. */
  onEnd?: () => Promise<void>;
  /** Type parsers for every query, by type OID (PGlite's own defaults otherwise). */
  parsers?: ParserOptions;
}

/** A pg-Pool-shaped adapter over one PGlite instance. */
export function pglitePool(db: PGlite, options: PGlitePoolOptions = {}): PostgresPool {
  const mutex = new Mutex();
  return {
    async connect(): Promise<PostgresPoolClient> {
      const release = await mutex.acquire();
      let released = false;
      const client = {
        async query<R>(sql: string, parameters: ReadonlyArray<unknown>) {
          const result = await db.query<R>(sql, [...parameters], { parsers: options.parsers });
          return {
            command: commandOf(result.command, sql),
            rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
            rows: result.rows,
          } satisfies PostgresQueryResult<R>;
        },
        release() {
          if (released) return;
          released = true;
          // A connection Kysely gives back inside a transaction (a failed rollback) cannot be
          // thrown away like a pg client: end the transaction before the next one gets it.
          if (db.isInTransaction()) {
            db.query('rollback').then(release, release);
          } else {
            release();
          }
        },
      };
      // Kysely's client type also allows a cursor argument; streaming is not offered here
      // (no `cursor` in the dialect config), so Kysely never calls it that way.
      return client as unknown as PostgresPoolClient;
    },
    async end() {
      if (options.closeOnEnd !== false && !db.closed) await db.close();
      await options.onEnd?.();
    },
  };
}

export function pgliteDialect(db: PGlite, options: PGlitePoolOptions = {}): PostgresDialect {
  return new PostgresDialect({ pool: pglitePool(db, options) });
}
