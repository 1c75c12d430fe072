/**
 * The packs that ship with the extension: aids/<name>/pack.json in the repository, bundled
 * at build time (Vite resolves the glob from the project root). They are validated when
 * installed, like any other pack.
 */
import type { BundledPack } from './packs';

export function bundledPacks(): BundledPack[] {
  const files = import.meta.glob<unknown>('/aids/*/pack.json', { eager: true, import: 'default' });
  return Object.keys(files)
    .sort()
    .map((file) => ({ file, json: files[file] }));
}
