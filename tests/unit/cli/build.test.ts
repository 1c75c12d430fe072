import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePackText } from '../../../src/aids/validate';
import { brokenPack, cli, tempDir, validPack, writeJson } from './helpers';

describe('inflow build', () => {
  it('writes every bundled pack as <id>.json, valid, with an index', async () => {
    const out = join(await tempDir(), 'packs');
    const run = await cli('build', '--out', out, 'aids');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));
    expect(index.packs).toHaveLength(8);
    expect((await readdir(out)).sort()).toEqual(
      ['index.json', ...index.packs.map((p: { file: string }) => p.file)].sort(),
    );
    for (const entry of index.packs) {
      const text = await readFile(join(out, entry.file), 'utf8');
      const parsed = parsePackText(text);
      expect(parsed.ok, entry.file).toBe(true);
      if (!parsed.ok) continue;
      expect(entry).toEqual({
        id: parsed.value.id,
        version: parsed.value.version,
        title: parsed.value.title,
        file: `${parsed.value.id}.json`,
      });
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    }
    const crm = JSON.parse(await readFile(join(out, 'northwind-crm.json'), 'utf8'));
    expect(crm).toEqual(JSON.parse(await readFile('aids/crm/pack.json', 'utf8')));
  });

  it('writes nothing when one pack is invalid', async () => {
    const dir = await tempDir();
    for (const [name, pack] of [
      ['good', validPack('good')],
      ['bad', brokenPack()],
    ] as const) {
      await mkdir(join(dir, name));
      await writeJson(join(dir, name, 'pack.json'), pack);
    }
    const out = join(dir, 'dist');
    const run = await cli('build', '--out', out, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${join(dir, 'bad', 'pack.json')}:version: `);
    expect(run.stderr).toContain('nothing written');
    await expect(stat(out)).rejects.toThrow();
  });

  it('refuses two packs with the same id, which would overwrite each other', async () => {
    const dir = await tempDir();
    for (const name of ['a', 'b']) {
      await mkdir(join(dir, name));
      await writeJson(join(dir, name, 'pack.json'), validPack('same'));
    }
    const out = join(dir, 'dist');
    const run = await cli('build', '--out', out, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('pack id "same" is also used by');
    await expect(stat(out)).rejects.toThrow();
  });
});
