import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  generateKeyPair,
  signedBytes,
  signedBytesInSlices,
  signPack,
  verifyPack,
} from '../../../src/aids/signature';

const bundled = readdirSync(new URL('../../../aids/', import.meta.url))
  .filter((dir) => !dir.includes('.'))
  .map(
    (dir) =>
      JSON.parse(
        readFileSync(new URL(`../../../aids/${dir}/pack.json`, import.meta.url), 'utf8'),
      ) as Record<string, unknown>,
  );

const odd: Record<string, unknown>[] = [
  // Keys in every order, keys that sort by UTF-16 code units, numbers RFC 8785 writes its way.
  JSON.parse(
    '{"zz":1,"aids":[{"b":1e21,"a":-0,"é":"x","\\u20ac":1,"\\ud83d\\ude00":2,"Z":0.1}],' +
      '"\\u00e9":[3,2,1],"A":{"y":null,"x":true},"signature":{"value":"v"},"":"empty"}',
  ),
  { aids: [], format: 1 },
  { aids: [null, 1, 'two', [3], { four: 4 }] },
  { id: 'no aids', title: 'x' },
  { aids: 'not an array' },
  { aids: [undefined, { x: undefined }], skipped: undefined },
];

describe('signedBytesInSlices', () => {
  it.each([...bundled, ...odd].map((p, i) => [i, p] as const))(
    'gives the bytes signedBytes gives (%i)',
    async (_i, pack) => {
      expect(new TextDecoder().decode(await signedBytesInSlices(pack))).toBe(
        new TextDecoder().decode(signedBytes(pack)),
      );
    },
  );

  it('refuses what canonicalize refuses, so verifyPack calls it malformed', async () => {
    await expect(signedBytesInSlices({ aids: [{ n: Number.NaN }] })).rejects.toThrow(/NaN/);
  });

  it('a signed 2 MB pack verifies, and a changed one does not', async () => {
    const keys = await generateKeyPair();
    const aids = Array.from({ length: 5000 }, (_, i) => ({
      id: `aid-${i}`,
      kind: 'tip',
      title: `Tip ${i}`,
      match: { urls: [`https://crm.test/${i}/*`] },
      target: { css: `#f${i}`, label: 'A label of some length' },
      text: 'Some text of the tip, long enough to weigh a little.',
    }));
    const pack = { format: 1, id: 'big', version: '1.0.0', title: 'Big', aids };
    const signed = await signPack(pack, keys.privateKey, keys.publicKey);
    expect(JSON.stringify(signed).length).toBeGreaterThan(1024 * 1024);
    const start = performance.now();
    expect(await verifyPack(signed, [keys.publicKey])).toEqual({ ok: true, keyId: keys.keyId });
    console.log(
      `verifyPack of ${JSON.stringify(signed).length} bytes: ${(performance.now() - start).toFixed(0)} ms`,
    );
    const changed = { ...signed, aids: [...aids.slice(0, -1), { ...aids.at(-1), title: 'X' }] };
    expect(await verifyPack(changed, [keys.publicKey])).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  }, 30_000);
});
