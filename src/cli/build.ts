/** `inflow build`: validates the authored packs and writes them out for publishing. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatProblems } from '../aids/validate';
import { EXIT_FAILED, EXIT_OK, formatJson, type Io, parse } from './io';
import { duplicateIds, findPackFiles, INDEX_FILE, loadPacks, plural } from './packs';

export const buildHelp = `Usage: inflow build [--out <dir>] [<dir|file>...]

Validates every pack (default: every aids/*/pack.json) and writes each one, formatted the
same way, to <out>/<pack id>.json, with an ${INDEX_FILE} that lists id, version, title and
file of each. If any pack has a problem, prints the problems and writes nothing.

Options:
  --out <dir>   Where to write (default: dist/packs). Created if missing; other files in
                it are left alone.
  -h, --help    This help.

Example:
  inflow build --out dist/packs aids`;

export interface IndexEntry {
  id: string;
  version: string;
  title: string;
  file: string;
}

export async function buildCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string', short: 'o' } });
  if (values.help) {
    io.out(buildHelp);
    return EXIT_OK;
  }
  const out = values.out ?? join('dist', 'packs');
  const files = await findPackFiles(positionals.length ? positionals : ['aids']);
  const packs = await loadPacks(files);

  let bad = 0;
  for (const p of packs) {
    if (!p.ok) {
      bad += 1;
      io.err(formatProblems(p.problems, p.file));
    }
  }
  const dupes = duplicateIds(packs);
  for (const d of dupes) io.err(formatProblems([d.problem], d.file));
  if (bad || dupes.length) {
    io.err(`build refused: ${plural(bad + dupes.length, 'pack')} with problems, nothing written`);
    return EXIT_FAILED;
  }

  await mkdir(out, { recursive: true });
  const index: IndexEntry[] = [];
  for (const p of packs) {
    if (!p.ok) continue;
    const file = `${p.pack.id}.json`;
    await writeFile(join(out, file), formatJson(p.data));
    index.push({ id: p.pack.id, version: p.pack.version, title: p.pack.title, file });
    io.out(`${p.file} -> ${join(out, file)} (${p.pack.id} ${p.pack.version})`);
  }
  index.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await writeFile(join(out, INDEX_FILE), formatJson({ packs: index }));
  io.out(`built ${plural(index.length, 'pack')} into ${out}, listed in ${join(out, INDEX_FILE)}`);
  return EXIT_OK;
}
