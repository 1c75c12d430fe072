/**
 * Sign-in sessions: a random token in the browser's cookie, its SHA-256 in the database
 * (the same reasoning as for device tokens in ./devices.ts: 32 random bytes leave nothing to
 * guess from the hash). A session ends after SESSION_IDLE_MS without a request, and at the
 * latest SESSION_MAX_MS after sign-in, whatever the activity.
 */
import { randomBytes } from 'node:crypto';
import type { HubDb } from './db/open';
import type { Session, User } from './db/schema';
import { hashToken } from './devices';

/** 12 hours without a request ends a session: a working day with breaks. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** 7 days after sign-in a session ends even if it is used all the time. */
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, so reading pages is not a write each time. */
const TOUCH_EVERY_MS = 60 * 1000;

export interface NewSession {
  session: Session;
  /** The cookie's value: given to the browser, never stored. */
  token: string;
}

const expiry = (createdMs: number, seenMs: number) =>
  new Date(Math.min(seenMs + SESSION_IDLE_MS, createdMs + SESSION_MAX_MS));

export async function createSession(db: HubDb, userId: string, now: Date): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const session: Session = {
    id: hashToken(token),
    user_id: userId,
    csrf: randomBytes(32).toString('base64url'),
    created_at: now,
    last_seen_at: now,
    expires_at: expiry(now.getTime(), now.getTime()),
  };
  await db.insertInto('sessions').values(session).execute();
  return { session, token };
}

export interface SignedIn {
  session: Session;
  user: Pick<User, 'id' | 'name' | 'role'>;
}

/**
 * The live session a cookie's token belongs to, and its user; undefined if there is none or
 * it has expired (then it is deleted). Using a session moves its idle limit on.
 */
export async function sessionForToken(
  db: HubDb,
  token: string,
  now: Date,
): Promise<SignedIn | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select(['users.name', 'users.role'])
    .where('sessions.id', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return undefined;
  const { name, role, ...session } = row;
  if (now.getTime() >= session.expires_at.getTime()) {
    await db.deleteFrom('sessions').where('id', '=', session.id).execute();
    return undefined;
  }
  if (now.getTime() - session.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    session.last_seen_at = now;
    session.expires_at = expiry(session.created_at.getTime(), now.getTime());
    await db
      .updateTable('sessions')
      .set({ last_seen_at: session.last_seen_at, expires_at: session.expires_at })
      .where('id', '=', session.id)
      .execute();
  }
  return { session, user: { id: session.user_id, name, role } };
}

/** Signs one browser out. */
export async function deleteSession(db: HubDb, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Signs a user out everywhere (for example after a password change); the number ended. */
export async function deleteUserSessions(db: HubDb, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Removes expired sessions; the number removed. */
export async function pruneSessions(db: HubDb, now: Date): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
