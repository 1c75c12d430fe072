/**
 * Signing in to the hub's pages and API: `POST/GET/DELETE /api/session`, and `requireRole`
 * for the routes that need a signed-in user.
 *
 * - The session token travels only in the `inflow_session` cookie: HttpOnly (no script reads
 *   it), SameSite=Strict (other sites' pages do not send it), Secure on HTTPS.
 * - Unsafe requests (anything but GET, HEAD, OPTIONS) must also carry the session's CSRF
 *   token in `X-CSRF-Token`, and are refused when the browser says they come from another
 *   site (`Sec-Fetch-Site: cross-site`, or an `Origin` that is not the hub's).
 * - A wrong password and an unknown name get the same answer after the same work: an
 *   unknown name is checked against a dummy hash. Failures are limited per name and per
 *   client address.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { HubDb } from '../db/open';
import type { UserRole } from '../db/schema';
import { hashToken } from '../devices';
import { failureWindows } from '../rate-limit';
import {
  createSession,
  deleteSession,
  SESSION_MAX_MS,
  type SignedIn,
  sessionForToken,
} from '../sessions';
import { generatePassword, hashPassword, verifyPassword } from '../users';
import { errorBody, type HubEnv } from './context';

export const SESSION_COOKIE = 'inflow_session';

/** admin ⊇ author ⊇ viewer. */
const RANK: Record<UserRole, number> = { viewer: 0, author: 1, admin: 2 };

const SignIn = z.object({
  name: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});

/** A session token as createSession makes them: 32 bytes in base64url. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthOptions {
  db: HubDb;
  now: () => number;
  /**
   * When the cookie is marked Secure: 'auto' (default) when the request came over HTTPS,
   * as the hub sees it or, with trustProxy, as the proxy's X-Forwarded-Proto says.
   */
  secureCookie: 'auto' | 'always' | 'never';
  /** Believe X-Forwarded-Proto/-Host/-For: only when a proxy in front of the hub sets them. */
  trustProxy: boolean;
  /** Failed sign-ins allowed per name, and per client address, in each window. */
  signInFailuresPerName: number;
  signInFailuresPerAddress: number;
  signInWindowMs: number;
}

export type RequireRole = (role: UserRole) => MiddlewareHandler<HubEnv>;

function firstHeaderValue(value: string | undefined): string | undefined {
  const first = value?.split(',')[0]?.trim();
  return first ? first : undefined;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Adds the session routes to `app`; returns the middleware that guards the others. */
export function mountAuth(app: Hono<HubEnv>, options: AuthOptions): { requireRole: RequireRole } {
  const { db, now } = options;
  const byName = failureWindows(options.signInFailuresPerName, options.signInWindowMs);
  const byAddress = failureWindows(options.signInFailuresPerAddress, options.signInWindowMs);
  // Made once, in the background: an unknown name costs one scrypt, like a known one.
  const dummyHash = hashPassword(generatePassword());
  dummyHash.catch(() => {});

  const overHttps = (c: Context) =>
    new URL(c.req.url).protocol === 'https:' ||
    (options.trustProxy &&
      firstHeaderValue(c.req.header('x-forwarded-proto'))?.toLowerCase() === 'https');

  const cookieOptions = (c: Context) => ({
    httpOnly: true,
    sameSite: 'Strict' as const,
    path: '/',
    secure: options.secureCookie === 'always' || (options.secureCookie === 'auto' && overHttps(c)),
  });

  const crossSite = (c: Context): boolean => {
    if (c.req.header('sec-fetch-site')?.toLowerCase() === 'cross-site') return true;
    const origin = c.req.header('origin');
    if (origin === undefined) return false;
    let host: string;
    try {
      host = new URL(origin).host; // "null" (an opaque origin) throws: refused
    } catch {
      return true;
    }
    const ours =
      (options.trustProxy && firstHeaderValue(c.req.header('x-forwarded-host'))) ||
      c.req.header('host') ||
      new URL(c.req.url).host;
    return host.toLowerCase() !== ours.toLowerCase();
  };

  const clientAddress = (c: Context): string => {
    if (options.trustProxy) {
      // The last entry is the one the proxy itself added; earlier ones the client can forge.
      const last = c.req.header('x-forwarded-for')?.split(',').pop()?.trim();
      if (last) return last;
    }
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    return incoming?.socket?.remoteAddress ?? 'unknown';
  };

  const signedIn = async (c: Context): Promise<SignedIn | undefined> => {
    const token = getCookie(c, SESSION_COOKIE);
    if (!token || !TOKEN_SHAPE.test(token)) return undefined;
    return sessionForToken(db, token, new Date(now()));
  };

  const requireRole: RequireRole = (role) => async (c, next) => {
    const unsafe = !SAFE_METHODS.has(c.req.method);
    if (unsafe && crossSite(c)) return c.json(errorBody('cross-site requests are refused'), 403);
    const found = await signedIn(c);
    if (!found) return c.json(errorBody('sign in first'), 401);
    if (RANK[found.user.role] < RANK[role]) {
      return c.json(errorBody(`this needs the ${role} role`), 403);
    }
    if (unsafe && !sameSecret(c.req.header('x-csrf-token'), found.session.csrf)) {
      return c.json(errorBody('missing or wrong X-CSRF-Token'), 403);
    }
    c.set('signedIn', found);
    c.header('Cache-Control', 'no-store');
    await next();
  };

  const answer = (found: SignedIn) => ({
    name: found.user.name,
    role: found.user.role,
    csrf: found.session.csrf,
  });

  app.post(
    '/api/session',
    async (c, next) => {
      if (crossSite(c)) return c.json(errorBody('cross-site requests are refused'), 403);
      if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
        return c.json(errorBody('the body must be application/json'), 415);
      }
      await next();
    },
    bodyLimit({
      maxSize: 4096,
      onError: (c) => c.json(errorBody('the body is too large'), 413),
    }),
    async (c) => {
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return c.json(errorBody('the body is not JSON'), 400);
      }
      const parsed = SignIn.safeParse(body);
      if (!parsed.success) return c.json(errorBody('expected { name, password }'), 400);
      const { name, password } = parsed.data;
      const nowMs = now();
      const address = clientAddress(c);
      const wait = Math.max(byName.blocked(name, nowMs), byAddress.blocked(address, nowMs));
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        return c.json(errorBody('too many failed sign-ins: try again later'), 429);
      }
      // Counted before the (slow) check, so a burst of attempts cannot all pass the limit.
      byName.fail(name, nowMs);
      byAddress.fail(address, nowMs);
      const user = await db
        .selectFrom('users')
        .select(['id', 'name', 'role', 'password_hash'])
        .where('name', '=', name)
        .executeTakeFirst();
      const good = await verifyPassword(password, user?.password_hash ?? (await dummyHash));
      if (!user || !good) return c.json(errorBody('wrong name or password'), 401);
      byName.clear(name);
      byAddress.forgive(address);
      // A session the browser had before is ended, so a planted cookie cannot outlive sign-in.
      const previous = getCookie(c, SESSION_COOKIE);
      if (previous && TOKEN_SHAPE.test(previous)) await deleteSession(db, hashToken(previous));
      const { session, token } = await createSession(db, user.id, new Date(nowMs));
      setCookie(c, SESSION_COOKIE, token, {
        ...cookieOptions(c),
        maxAge: Math.floor(SESSION_MAX_MS / 1000),
      });
      c.header('Cache-Control', 'no-store');
      return c.json(answer({ session, user }), 200);
    },
  );

  app.get('/api/session', async (c) => {
    const found = await signedIn(c);
    if (!found) return c.json(errorBody('not signed in'), 401);
    c.header('Cache-Control', 'no-store');
    return c.json(answer(found), 200);
  });

  app.delete('/api/session', requireRole('viewer'), async (c) => {
    await deleteSession(db, c.get('signedIn')!.session.id);
    deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
    return c.json({ ok: true }, 200);
  });

  return { requireRole };
}
