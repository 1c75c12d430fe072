/**
 * Pack signatures: Ed25519 over the RFC 8785 canonical JSON of the pack without its
 * `signature` field, carried in the pack as `signature: { alg, keyId, value }`. Uses Web
 * Crypto only, so the same code signs in the CLI (Node) and verifies in the service worker.
 */
import canonicalize from 'canonicalize';
import type { Pack } from './schema';
import { inSlices } from './validate-sliced';

export interface PackSignature {
  alg: 'Ed25519';
  /** Identifies the public key: see `keyIdOf`. */
  keyId: string;
  /** base64 of the 64-byte signature. */
  value: string;
}

const subtle = () => globalThis.crypto.subtle;

export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const byte of b) s += String.fromCharCode(byte);
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text.trim());
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The bytes a signature covers: canonical JSON of the pack minus `signature`. */
export function signedBytes(pack: Record<string, unknown>): Uint8Array<ArrayBuffer> {
  const { signature: _ignored, ...rest } = pack;
  const text = canonicalize(rest);
  if (text === undefined) throw new Error('pack cannot be canonicalized');
  return new TextEncoder().encode(text);
}

/**
 * signedBytes, giving the event loop back between slices: the canonical JSON of a 2 MB pack
 * takes the better part of 100 ms in one piece. The pack's own keys are sorted and joined
 * here as RFC 8785 (and canonicalize) does; everything below them, each aid on its own, is
 * canonicalize's. Anything that is not plain parsed JSON at the top goes to signedBytes.
 */
export async function signedBytesInSlices(
  pack: Record<string, unknown>,
): Promise<Uint8Array<ArrayBuffer>> {
  const { signature: _ignored, ...rest } = pack;
  const aids = rest.aids;
  if (typeof pack.toJSON === 'function' || !Array.isArray(aids) || 'toJSON' in aids) {
    return signedBytes(pack);
  }
  const items: string[] = [];
  await inSlices()(aids, (aid) => {
    items.push(canonicalize(aid === undefined || typeof aid === 'symbol' ? null : aid)!);
  });
  const parts: string[] = [];
  for (const key of Object.keys(rest).sort()) {
    const value = rest[key];
    if (value === undefined || typeof value === 'symbol') continue;
    const text = key === 'aids' ? `[${items.join(',')}]` : canonicalize(value);
    parts.push(`${canonicalize(key)}:${text}`);
  }
  return new TextEncoder().encode(`{${parts.join(',')}}`);
}

/** Short, stable id of a public key (base64 of its 32 raw bytes): first 8 bytes of SHA-256, hex. */
export async function keyIdOf(publicKeyBase64: string): Promise<string> {
  const digest = await subtle().digest('SHA-256', fromBase64(publicKeyBase64));
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

export async function importPublicKey(publicKeyBase64: string): Promise<CryptoKey> {
  const raw = fromBase64(publicKeyBase64);
  if (raw.length !== 32) throw new Error('an Ed25519 public key is 32 bytes (base64)');
  return subtle().importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
}

/** Signs a pack with a PKCS#8 private key (base64); returns the pack with its signature. */
export async function signPack<P extends Record<string, unknown>>(
  pack: P,
  privateKeyPkcs8Base64: string,
  publicKeyBase64: string,
): Promise<P & { signature: PackSignature }> {
  const key = await subtle().importKey(
    'pkcs8',
    fromBase64(privateKeyPkcs8Base64),
    { name: 'Ed25519' },
    false,
    ['sign'],
  );
  const value = await subtle().sign({ name: 'Ed25519' }, key, signedBytes(pack));
  const { signature: _old, ...rest } = pack;
  return {
    ...(rest as P),
    signature: { alg: 'Ed25519', keyId: await keyIdOf(publicKeyBase64), value: toBase64(value) },
  };
}

export type Verification =
  | { ok: true; keyId: string }
  | { ok: false; reason: 'unsigned' | 'unknown-key' | 'bad-signature' | 'malformed' };

/**
 * Checks a pack's signature against trusted public keys (base64). The key is chosen by
 * `keyId`; a signature that does not verify with that key is bad.
 */
export async function verifyPack(
  pack: Pack | Record<string, unknown>,
  trustedKeys: string[],
): Promise<Verification> {
  const sig = (pack as { signature?: unknown }).signature as Partial<PackSignature> | undefined;
  if (!sig) return { ok: false, reason: 'unsigned' };
  if (sig.alg !== 'Ed25519' || typeof sig.value !== 'string' || typeof sig.keyId !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  for (const key of trustedKeys) {
    if ((await keyIdOf(key)) !== sig.keyId) continue;
    let valid = false;
    try {
      valid = await subtle().verify(
        { name: 'Ed25519' },
        await importPublicKey(key),
        fromBase64(sig.value),
        await signedBytesInSlices(pack as Record<string, unknown>),
      );
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    return valid ? { ok: true, keyId: sig.keyId } : { ok: false, reason: 'bad-signature' };
  }
  return { ok: false, reason: 'unknown-key' };
}

/** A new key pair: public key as base64 raw bytes, private key as base64 PKCS#8. */
export async function generateKeyPair(): Promise<{
  publicKey: string;
  privateKey: string;
  keyId: string;
}> {
  const pair = (await subtle().generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const publicKey = toBase64(await subtle().exportKey('raw', pair.publicKey));
  const privateKey = toBase64(await subtle().exportKey('pkcs8', pair.privateKey));
  return { publicKey, privateKey, keyId: await keyIdOf(publicKey) };
}
