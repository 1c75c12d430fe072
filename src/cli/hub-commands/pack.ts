/** `inflow hub pack add`: publishes packs to the hub, so its views can name aids and steps. */
import { formatProblems } from '../../aids/validate';
import type { DatabaseTarget } from '../../hub/db/open';
import { addPack } from '../../hub/packs';
import { EXIT_FAILED, EXIT_OK, type Io } from '../io';
import { findPackFiles, loadPacks, plural } from '../packs';
import { withDb } from './database';

/**
 * `hub pack add`: every file is validated first; one broken pack means none is added, so a
 * good stored pack is never replaced by a broken one and a partial set never goes in.
 */
export async function addPacks(target: DatabaseTarget, paths: string[], io: Io): Promise<number> {
  const files = await findPackFiles(paths);
  const loaded = await loadPacks(files);
  const broken = loaded.filter((p) => !p.ok);
  for (const p of broken) io.err(formatProblems(p.problems, p.file));
  if (broken.length) {
    io.err(`inflow hub: no pack added: ${plural(broken.length, 'pack')} with problems`);
    return EXIT_FAILED;
  }
  let failed = 0;
  await withDb(target, async (db) => {
    for (const p of loaded) {
      if (!p.ok) continue;
      const result = await addPack(db, JSON.stringify(p.data), new Date());
      if (result.ok) {
        io.out(
          `${result.added ? 'added' : 'already there'}: ${result.id} ${result.version} (${p.file})`,
        );
      } else {
        failed++;
        io.err(formatProblems(result.problems, p.file));
        io.err(`inflow hub: ${p.file}: ${result.error}`);
      }
    }
  });
  return failed ? EXIT_FAILED : EXIT_OK;
}
