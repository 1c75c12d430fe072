import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenPack, cli, tempDir, validPack, writeJson } from './helpers';

describe('inflow validate', () => {
  it('accepts every bundled pack', async () => {
    const run = await cli('validate', 'aids');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('aids/crm/pack.json: ok');
    expect(run.stdout).toMatch(/^8 packs checked: all valid$/m);
  });

  it('names the file and the JSON path of every problem, and exits 1', async () => {
    const dir = await tempDir();
    const file = await writeJson(join(dir, 'broken.json'), brokenPack());
    await writeJson(join(dir, 'good.json'), validPack());
    const run = await cli('validate', dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file}:version: must be a version like "1.4.0"`);
    expect(run.stderr).toContain(`${file}:aids[0].title: `);
    expect(run.stderr).toContain(`${file}:author: unknown field`);
    expect(run.stdout).toContain(`${join(dir, 'good.json')}: ok (sample 1.0.0)`);
    expect(run.stderr).toMatch(/^2 packs checked: 1 valid, 1 with problems \(3 problems\)$/m);
  });

  it('refuses a field check whose pattern could backtrack catastrophically, by its JSON path', async () => {
    const dir = await tempDir();
    const pack = validPack();
    const checks = {
      id: 'name-checks',
      kind: 'checks',
      title: 'Name',
      match: { urls: ['https://crm.example.com/contacts/new'] },
      checks: [
        { id: 'given', field: { label: 'First name' }, rule: { type: 'required' }, message: 'x' },
        {
          id: 'letters',
          field: { label: 'Last name' },
          rule: { type: 'pattern', pattern: '^([a-zA-Z]+\\s?)+$' },
          message: 'Letters only',
        },
      ],
    };
    const file = await writeJson(join(dir, 'pack.json'), { ...pack, aids: [...pack.aids, checks] });
    const run = await cli('validate', dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${file}:aids[1].checks[1].rule.pattern: refused: nested repetition "([a-zA-Z]+\\s?)+" at character 2`,
    );
  });

  it('names the limit by path for a pack of 100,000 URL patterns, and refuses 5 MB unread', {
    timeout: 30_000,
  }, async () => {
    const dir = await tempDir();
    const pack = validPack() as { aids: { match: { urls: string[] } }[] };
    pack.aids[0]!.match.urls = Array.from(
      { length: 100_000 },
      (_, i) => `https://h${i}.example.com/p/${i}`,
    );
    const file = join(dir, 'many.json');
    await writeFile(file, JSON.stringify(pack));
    const started = performance.now();
    const run = await cli('validate', file);
    console.log(
      `inflow validate, 100,000 URL patterns: ${Math.round(performance.now() - started)} ms`,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${file}:aids[0].match.urls: Too big: expected array to have <=50 items`,
    );

    const huge = join(dir, 'huge.json');
    await writeFile(huge, `{"x":"${'a'.repeat(5 * 1024 * 1024)}"}`);
    const big = await cli('validate', huge);
    expect(big.stderr).toContain(
      `${huge}: the pack is 5.0 MB of JSON (5,242,888 bytes), larger than the 4.0 MB limit (4,194,304 bytes)`,
    );
  });

  it('reports JSON syntax errors and unreadable files as problems of the file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.json'), '{ "format": 1,');
    const run = await cli('validate', join(dir, 'bad.json'), join(dir, 'missing.json'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad\.json: not valid JSON: /);
    expect(run.stderr).toContain(`${join(dir, 'missing.json')}: cannot read: no such file`);
  });

  it('finds *.json and */pack.json in a directory, skipping index.json', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'crm'));
    await writeJson(join(dir, 'crm', 'pack.json'), validPack('crm'));
    await writeJson(join(dir, 'portal.json'), validPack('portal'));
    await writeJson(join(dir, 'index.json'), { packs: [] });
    const run = await cli('validate', dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^2 packs checked: all valid$/m);
  });

  it('refuses two packs with the same id', async () => {
    const dir = await tempDir();
    await writeJson(join(dir, 'a.json'), validPack('same'));
    const second = await writeJson(join(dir, 'b.json'), validPack('same', '2.0.0'));
    const run = await cli('validate', dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${second}:id: pack id "same" is also used by`);
  });

  it('accepts the same pack id in two arguments, such as a source folder and its build', async () => {
    const out = join(await tempDir(), 'packs');
    expect((await cli('build', '--out', out, 'aids')).code).toBe(0);
    const run = await cli('validate', 'aids', out);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^16 packs checked: all valid$/m);
  });

  it('fails on a directory without packs and on a missing path', async () => {
    const dir = await tempDir();
    expect((await cli('validate', dir)).stderr).toContain('no packs here');
    expect((await cli('validate', dir)).code).toBe(1);
    const missing = await cli('validate', join(dir, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file or directory');
  });

  it('exits 2 with a pointer to --help on a usage mistake', async () => {
    const none = await cli('validate');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Run "inflow validate --help" for usage.');
    expect((await cli('validate', '--bogus', 'aids')).code).toBe(2);
    expect((await cli('validate', '--require-signature', 'aids')).stderr).toContain(
      '--require-signature needs at least one --key',
    );
    expect((await cli('nonsense')).code).toBe(2);
  });

  it('has help for the tool and for each command', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const command of ['validate', 'build', 'keygen', 'sign', 'serve']) {
      expect(help.stdout).toContain(command);
      const run = await cli(command, '--help');
      expect(run.code, command).toBe(0);
      expect(run.stdout, command).toMatch(new RegExp(`^Usage: inflow ${command}`));
    }
  });
});
