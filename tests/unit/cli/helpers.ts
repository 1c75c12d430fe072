/** Runs the CLI in-process with captured output, and makes throwaway directories. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { main } from '../../../src/cli/main';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const dirs: string[] = [];

/** A new empty directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'inflow-cli-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

export function validPack(id = 'sample', version = '1.0.0') {
  return {
    format: 1,
    id,
    version,
    title: `Sample ${id}`,
    aids: [
      {
        id: 'email-tip',
        kind: 'tip',
        title: 'Customer email',
        match: { urls: ['https://crm.example.com/contacts/new'] },
        target: { label: 'Email' },
        text: 'Read the address back **letter by letter**.',
      },
    ],
  };
}

/** A pack with three problems: a bad version, an empty aid title and an unknown field. */
export function brokenPack() {
  const pack = validPack('broken') as Record<string, unknown>;
  pack.version = '1.0';
  pack.author = 'someone';
  (pack.aids as { title: string }[])[0]!.title = '';
  return pack;
}

export async function writeJson(path: string, value: unknown): Promise<string> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}
