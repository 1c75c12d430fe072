/** The hub's version: the package's, as `inflow --version` prints it. */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function hubVersion(): string {
  cached ??= String(
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
  );
  return cached;
}
