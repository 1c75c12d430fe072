/** `inflow hub copy --to postgres://…`: moves a data directory into an empty PostgreSQL. */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CopyMismatch, CopyRefused, copyDatabase } from '../../hub/copy';
import type { HubDb } from '../../hub/db/open';
import { openDatabase } from '../../hub/db/open';
import { CliError, EXIT_OK, type Io, UsageError } from '../io';
import { withDb } from './database';

/** The database a URL names, without its password: what may be printed. */
function shown(url: string): string {
  const u = new URL(url);
  return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}

export async function copyToPostgres(
  dataDir: string,
  to: string | undefined,
  io: Io,
): Promise<number> {
  if (!to || !/^postgres(ql)?:\/\/./.test(to)) {
    throw new UsageError('copy needs --to postgres://user:password@host/database');
  }
  try {
    new URL(to);
  } catch {
    throw new UsageError('--to: not a URL (postgres://user:password@host/database)');
  }
  if (!existsSync(join(dataDir, 'pgdata'))) {
    throw new CliError(`no hub data in ${dataDir} (no pgdata directory there): give --data`);
  }
  return withDb({ dataDir }, async (source) => {
    let target: HubDb;
    try {
      target = await openDatabase({ databaseUrl: to });
    } catch (e) {
      throw new CliError(`cannot open ${shown(to)}: ${(e as Error).message}`);
    }
    try {
      io.out(`copying ${dataDir} into ${shown(to)}`);
      let shownAt = 0;
      const copied = await copyDatabase(source, target, {
        progress: ({ table, copied, total }) => {
          // A line at the start and end of each table, and every 100,000 rows between.
          if (copied === 0 || copied === total || copied - shownAt >= 100_000) {
            shownAt = copied;
            io.out(`  ${table}: ${copied} of ${total} rows`);
          }
        },
      });
      io.out(`done; row counts match: ${copied.map((t) => `${t.table} ${t.rows}`).join(', ')}`);
      io.out(
        'Start the hub with DATABASE_URL set to that database (and without --data); keep the data directory until it runs.',
      );
      return EXIT_OK;
    } catch (e) {
      if (e instanceof CopyRefused) throw new CliError(`nothing copied: ${e.message}`);
      if (e instanceof CopyMismatch) throw new CliError(e.message);
      throw new CliError(
        `the copy failed, nothing was kept in ${shown(to)}: ${(e as Error).message}`,
      );
    } finally {
      await target.destroy();
    }
  });
}
