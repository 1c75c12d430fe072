import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyIdOf, verifyPack } from '../../../src/aids/signature';
import { brokenPack, cli, tempDir, validPack, writeJson } from './helpers';

async function keygen(dir: string) {
  const run = await cli('keygen', '--out', dir);
  expect(run.code, run.stderr).toBe(0);
  return {
    run,
    key: join(dir, 'inflow-signing.key'),
    pub: join(dir, 'inflow-signing.pub'),
    publicKey: (await readFile(join(dir, 'inflow-signing.pub'), 'utf8')).trim(),
  };
}

describe('inflow keygen', () => {
  it('writes a private key only its owner can read, and prints the public key and id', async () => {
    const dir = join(await tempDir(), 'keys');
    const { run, key, publicKey } = await keygen(dir);
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    expect(run.stdout).toContain(`public key (base64): ${publicKey}`);
    expect(run.stdout).toContain(`key id: ${await keyIdOf(publicKey)}`);
  });

  it('refuses to overwrite a key pair unless --force', async () => {
    const dir = await tempDir();
    const { key, publicKey } = await keygen(dir);
    const before = await readFile(key, 'utf8');
    const again = await cli('keygen', '--out', dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exist');
    expect(await readFile(key, 'utf8')).toBe(before);
    const forced = await cli('keygen', '--out', dir, '--force');
    expect(forced.code).toBe(0);
    expect((await readFile(join(dir, 'inflow-signing.pub'), 'utf8')).trim()).not.toBe(publicKey);
    expect((await stat(key)).mode & 0o777).toBe(0o600);
  });
});

describe('inflow sign', () => {
  it('signs packs that verify with the public key and pass validate --require-signature', async () => {
    const dir = await tempDir();
    const keys = await keygen(join(dir, 'keys'));
    const source = await writeJson(join(dir, 'pack.json'), validPack('crm'));
    const out = join(dir, 'signed');
    const run = await cli('sign', source, '--key', keys.key, '--pub', keys.pub, '--out', out);
    expect(run.code, run.stderr).toBe(0);
    const signed = JSON.parse(await readFile(join(out, 'crm.json'), 'utf8'));
    expect(await verifyPack(signed, [keys.publicKey])).toEqual({
      ok: true,
      keyId: await keyIdOf(keys.publicKey),
    });
    const { signature: _s, ...unsigned } = signed;
    expect(unsigned).toEqual(validPack('crm'));

    const check = await cli('validate', out, '--require-signature', '--key', keys.pub);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('1 signature verified');
    const byValue = await cli('validate', out, '--require-signature', '--key', keys.publicKey);
    expect(byValue.code).toBe(0);
  });

  it('signs in place, and validate catches a change made after signing', async () => {
    const dir = await tempDir();
    const keys = await keygen(join(dir, 'keys'));
    const file = await writeJson(join(dir, 'crm.json'), validPack('crm'));
    const run = await cli('sign', file, '--in-place', '--key', keys.key, '--pub', keys.pub);
    expect(run.code, run.stderr).toBe(0);
    const signed = JSON.parse(await readFile(file, 'utf8'));
    await writeJson(file, { ...signed, title: 'Changed after signing' });
    const check = await cli('validate', file, '--key', keys.pub);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`${file}:signature: the signature does not match the pack`);
  });

  it('validate --require-signature refuses unsigned packs and unknown keys', async () => {
    const dir = await tempDir();
    const keys = await keygen(join(dir, 'keys'));
    const other = await keygen(join(dir, 'other'));
    const unsigned = await writeJson(join(dir, 'unsigned.json'), validPack('a'));
    const file = await writeJson(join(dir, 'b.json'), validPack('b'));
    await cli('sign', file, '--in-place', '--key', other.key, '--pub', other.pub);
    const run = await cli('validate', dir, '--require-signature', '--key', keys.pub);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${unsigned}:signature: the pack is not signed`);
    expect(run.stderr).toContain(
      `${file}:signature: signed with key ${await keyIdOf(other.publicKey)}, which is not one of the trusted keys`,
    );
  });

  it('refuses an invalid pack, prints its problems and writes nothing', async () => {
    const dir = await tempDir();
    const keys = await keygen(join(dir, 'keys'));
    const good = await writeJson(join(dir, 'good.json'), validPack('good'));
    const bad = await writeJson(join(dir, 'bad.json'), brokenPack());
    const before = await readFile(good, 'utf8');
    const run = await cli('sign', good, bad, '--in-place', '--key', keys.key, '--pub', keys.pub);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${bad}:version: must be a version like "1.4.0"`);
    expect(run.stderr).toContain(`${bad}:author: unknown field`);
    expect(await readFile(good, 'utf8')).toBe(before);
  });

  it('refuses a private key and a public key that are not one pair', async () => {
    const dir = await tempDir();
    const keys = await keygen(join(dir, 'keys'));
    const other = await keygen(join(dir, 'other'));
    const file = await writeJson(join(dir, 'crm.json'), validPack('crm'));
    const before = await readFile(file, 'utf8');
    const run = await cli('sign', file, '--in-place', '--key', keys.key, '--pub', other.pub);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('are not one key pair');
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('prints one signed pack without --out, and refuses a public key as private key', async () => {
    const dir = await tempDir();
    const keys = await keygen(join(dir, 'keys'));
    const file = await writeJson(join(dir, 'crm.json'), validPack('crm'));
    const run = await cli('sign', file, '--key', keys.key, '--pub', keys.pub);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).signature.alg).toBe('Ed25519');
    await writeFile(join(dir, 'wrong.key'), keys.publicKey);
    const wrong = await cli('sign', file, '--key', join(dir, 'wrong.key'), '--pub', keys.pub);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('cannot sign with this private key');
    const usage = await cli('sign', file, '--pub', keys.pub);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--key <private key file> is required');
  });
});
