import { describe, expect, it } from 'vitest';
import { generateKeyPair, keyIdOf, signPack, verifyPack } from '../../../src/aids/signature';

const pack = {
  format: 1,
  id: 'crm',
  version: '1.0.0',
  title: 'CRM',
  aids: [] as unknown[],
};

describe('pack signatures', () => {
  it('verifies a signed pack whatever its key order', async () => {
    const keys = await generateKeyPair();
    const signed = await signPack(pack, keys.privateKey, keys.publicKey);
    expect(signed.signature.keyId).toBe(await keyIdOf(keys.publicKey));
    const reordered = JSON.parse(
      JSON.stringify({
        aids: [],
        title: 'CRM',
        version: '1.0.0',
        id: 'crm',
        format: 1,
        signature: signed.signature,
      }),
    );
    expect(await verifyPack(reordered, [keys.publicKey])).toEqual({ ok: true, keyId: keys.keyId });
  });

  it('refuses a pack changed after signing, an unknown key and an unsigned pack', async () => {
    const keys = await generateKeyPair();
    const other = await generateKeyPair();
    const signed = await signPack(pack, keys.privateKey, keys.publicKey);
    expect(await verifyPack({ ...signed, version: '1.0.1' }, [keys.publicKey])).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(await verifyPack(signed, [other.publicKey])).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
    expect(await verifyPack(pack, [keys.publicKey])).toEqual({ ok: false, reason: 'unsigned' });
  });
});
