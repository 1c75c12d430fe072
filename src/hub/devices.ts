/**
 * Device tokens: what a browser (or a whole managed fleet sharing one token) shows to send
 * events. The token is shown once when made; the hub keeps only its SHA-256.
 *
 * A fast hash is enough here, unlike for passwords: a token is 32 random bytes, so there is
 * nothing to guess from a leaked hash, and lookup by the hash's value (an index) reveals no
 * more through timing than the hash itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { HubDb } from './db/open';
import type { Device } from './db/schema';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export interface NewDevice {
  device: Device;
  /** The bearer token: shown once, never stored. */
  token: string;
}

export async function createDevice(db: HubDb, name: string, now = new Date()): Promise<NewDevice> {
  const token = randomBytes(32).toString('base64url');
  const device: Device = {
    id: `dev_${randomBytes(6).toString('hex')}`,
    name,
    token_hash: hashToken(token),
    created_at: now,
    revoked_at: null,
  };
  await db.insertInto('devices').values(device).execute();
  return { device, token };
}

export function listDevices(db: HubDb): Promise<Device[]> {
  return db.selectFrom('devices').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** Revokes a device's token; false if there is no such device or it was already revoked. */
export async function revokeDevice(db: HubDb, id: string, now = new Date()): Promise<boolean> {
  const result = await db
    .updateTable('devices')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export type TokenCheck = { ok: true; device: Device } | { ok: false; reason: string };

/** The device a bearer token belongs to, if it is known and not revoked. */
export async function deviceForToken(db: HubDb, token: string): Promise<TokenCheck> {
  const device = await db
    .selectFrom('devices')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!device) return { ok: false, reason: 'unknown device token' };
  if (device.revoked_at) return { ok: false, reason: 'device token revoked' };
  return { ok: true, device };
}
