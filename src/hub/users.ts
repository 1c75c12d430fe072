/**
 * The hub's people: who may sign in (./routes/auth.ts) and with which role.
 * Passwords are stored as scrypt hashes with a per-user salt, in a self-describing string
 * (`scrypt$N$r$p$salt$hash`) so the cost can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { HubDb } from './db/open';
import type { User, UserRole } from './db/schema';

export const USER_ROLES: readonly UserRole[] = ['admin', 'author', 'viewer'];

const COST = { N: 16384, r: 8, p: 1 };
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((done, fail) =>
    scrypt(password, salt, KEY_BYTES, { N, r, p, maxmem: 256 * N * r }, (e, key) =>
      e ? fail(e) : done(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST.N, COST.r, COST.p);
  return [
    'scrypt',
    COST.N,
    COST.r,
    COST.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(
    password,
    Buffer.from(salt, 'base64url'),
    Number(N),
    Number(r),
    Number(p),
  );
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A password to print once: 18 random bytes, 24 characters. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export class UserExistsError extends Error {}

export async function addUser(
  db: HubDb,
  name: string,
  role: UserRole,
  password: string,
  now = new Date(),
): Promise<User> {
  const user: User = {
    id: `usr_${randomBytes(6).toString('hex')}`,
    name,
    role,
    password_hash: await hashPassword(password),
    created_at: now,
  };
  const result = await db
    .insertInto('users')
    .values(user)
    .onConflict((c) => c.column('name').doNothing())
    .executeTakeFirst();
  if (!result.numInsertedOrUpdatedRows) throw new UserExistsError(`user "${name}" already exists`);
  return user;
}

export function listUsers(db: HubDb): Promise<Pick<User, 'id' | 'name' | 'role' | 'created_at'>[]> {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'created_at'])
    .orderBy('name')
    .execute();
}

/**
 * Changes a person's role or password, or removes them; each signs out every session they
 * have, so the change holds from the next request. Returns false when no such user exists.
 */
export async function changeUser(
  db: HubDb,
  name: string,
  change: { role: UserRole } | { password: string } | { remove: true },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const user = await tx
      .selectFrom('users')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst();
    if (!user) return false;
    await tx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    if ('remove' in change) {
      await tx.deleteFrom('users').where('id', '=', user.id).execute();
    } else if ('role' in change) {
      await tx.updateTable('users').set({ role: change.role }).where('id', '=', user.id).execute();
    } else {
      const password_hash = await hashPassword(change.password);
      await tx.updateTable('users').set({ password_hash }).where('id', '=', user.id).execute();
    }
    return true;
  });
}
