/**
 * Finding pack files on disk and reading them. Node has no URLPattern, so this module
 * installs the polyfill before anything validates a pack's URL patterns.
 */
import 'urlpattern-polyfill';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pack } from '../aids/schema';
import { type Problem, packSizeProblem, parsePackText } from '../aids/validate';
import { CliError, fsMessage } from './io';

/** The file `inflow build` writes next to the packs; never a pack itself. */
export const INDEX_FILE = 'index.json';

/**
 * The pack files one argument names: a file as given; a directory gives every `*.json`
 * directly in it (except `index.json`) and every `<sub>/pack.json` below it, sorted. A
 * directory with no packs is an error, so a wrong path cannot pass as "nothing to check";
 * a path that does not exist is returned as it is, for loadPack to report.
 */
export async function packFilesIn(path: string): Promise<string[]> {
  let isDir = false;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    // Reported by loadPack as a problem of this path, with the other packs still checked.
  }
  if (!isDir) return [path];
  const found: string[] = [];
  const entries = await readdir(path, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isFile() && entry.name.endsWith('.json') && entry.name !== INDEX_FILE) {
      found.push(join(path, entry.name));
    } else if (entry.isDirectory()) {
      const inner = join(path, entry.name, 'pack.json');
      if (await isFile(inner)) found.push(inner);
    }
  }
  if (!found.length) {
    throw new CliError(`${path}: no packs here (no *.json file and no */pack.json)`);
  }
  return found;
}

/** The pack files of every argument (see packFilesIn), each file once. */
export async function findPackFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await packFilesIn(path)));
  return [...new Set(files)];
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export type LoadedPack =
  | { file: string; ok: true; pack: Pack; data: Record<string, unknown> }
  | { file: string; ok: false; problems: Problem[] };

/**
 * Reads and validates one pack. `data` is the JSON as written, which is what gets written
 * back and signed: the validated value is only used to read fields.
 */
export async function loadPack(file: string): Promise<LoadedPack> {
  let text: string;
  try {
    // A file past the size limit is refused unread: reading a huge one is what takes time.
    const tooLarge = packSizeProblem((await stat(file)).size);
    if (tooLarge) return { file, ok: false, problems: [tooLarge] };
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { file, ok: false, problems: [{ path: '', message: `cannot read: ${fsMessage(e)}` }] };
  }
  // A byte order mark is not JSON, but editors on Windows write one.
  const result = parsePackText(text.replace(/^\uFEFF/, ''));
  if (!result.ok) return { file, ok: false, problems: result.problems };
  return {
    file,
    ok: true,
    pack: result.value,
    data: JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>,
  };
}

/** Loads every file; the packs are in the order of the files. */
export function loadPacks(files: string[]): Promise<LoadedPack[]> {
  return Promise.all(files.map(loadPack));
}

/** A problem for each pack id used by more than one file (they would overwrite each other). */
export function duplicateIds(packs: LoadedPack[]): { file: string; problem: Problem }[] {
  const first = new Map<string, string>();
  const out: { file: string; problem: Problem }[] = [];
  for (const p of packs) {
    if (!p.ok) continue;
    const seen = first.get(p.pack.id);
    if (seen === undefined) first.set(p.pack.id, p.file);
    else {
      out.push({
        file: p.file,
        problem: { path: 'id', message: `pack id "${p.pack.id}" is also used by ${seen}` },
      });
    }
  }
  return out;
}

/** "1 pack", "3 packs". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
