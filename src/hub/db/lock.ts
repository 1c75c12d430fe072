/**
 * PGlite is one process's database: two processes writing the same data directory would
 * corrupt it. Whoever opens it (the running hub, or a `hub token` command) holds a lock
 * file with its process id; a lock whose process is gone is taken over.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';

export class DataDirBusyError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock; resolves to the function that gives it back. */
export async function lockDataDir(file: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new DataDirBusyError(
          `the data directory is in use by process ${pid} (a running hub?): stop it first, or use PostgreSQL (DATABASE_URL) to share the database`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new DataDirBusyError('could not lock the data directory');
}
