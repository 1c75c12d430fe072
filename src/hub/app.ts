/**
 * The hub's HTTP API as a Hono app, without a socket: tests call `app.request(...)`, and
 * ./server.ts puts it on one. Every request is checked with zod before it touches the
 * database; every answer is JSON; every request is logged as one escaped line. Browsers send
 * events with a device token (here); people sign in with a session cookie (./routes/auth.ts).
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { escapeControls, problemsOf } from '../aids/validate';
import { HUB_MAX_BODY_BYTES, HubBatch, type HubBatchAnswer } from '../protocol/hub';
import type { HubDb } from './db/open';
import { demoDataNote } from './demo';
import { deviceForToken } from './devices';
import { ingestBatch } from './ingest';
import { DEFAULT_MIN_GROUP } from './insights';
import { formatRequest, type LogLine } from './log';
import { tokenBuckets } from './rate-limit';
import { mountAdminRoutes } from './routes/admin';
import { mountAuth } from './routes/auth';
import { errorBody as error, type HubEnv } from './routes/context';
import { mountInsightsRoutes } from './routes/insights';
import { mountVersionsRoutes } from './routes/versions';
import { hubVersion } from './version';

export interface HubLimits {
  /** Requests a minute one device may send to /api/events (default 120). */
  requestsPerMinute: number;
  /** Bytes of one request body (default HUB_MAX_BODY_BYTES). */
  maxBodyBytes: number;
  /** Failed sign-ins one name may have in 15 minutes before 429 (default 10). */
  signInFailuresPerName: number;
  /** Failed sign-ins one client address may have in 15 minutes before 429 (default 50). */
  signInFailuresPerAddress: number;
}

export const DEFAULT_LIMITS: HubLimits = {
  requestsPerMinute: 120,
  maxBodyBytes: HUB_MAX_BODY_BYTES,
  signInFailuresPerName: 10,
  signInFailuresPerAddress: 50,
};

const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

export interface HubAppOptions {
  db: HubDb;
  /** The clock, for tests (default Date.now). */
  now?: () => number;
  limits?: Partial<HubLimits>;
  /** Where request lines go (default: nowhere). */
  log?: LogLine;
  /** When the session cookie is marked Secure (default 'auto': when the request is HTTPS). */
  secureCookie?: 'auto' | 'always' | 'never';
  /**
   * Believe X-Forwarded-Proto, -Host and -For (default false): set it only when a reverse
   * proxy in front of the hub sets them and clients cannot reach the hub directly.
   */
  trustProxy?: boolean;
  /**
   * Fleet insights hide any aid, step or skip reason counted from fewer people than this
   * (default 5): a small group's counts could point at a person.
   */
  minGroup?: number;
}

/** A bearer token as the hub issues them: base64url, no spaces. */
const Authorization = z.string().regex(/^Bearer [A-Za-z0-9_-]{16,200}$/);

export function createHubApp(options: HubAppOptions): Hono<HubEnv> {
  const { db } = options;
  const now = options.now ?? Date.now;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const buckets = tokenBuckets(limits.requestsPerMinute);
  const app = new Hono<HubEnv>();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    options.log?.(
      formatRequest({
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        device: c.get('device')?.id,
      }),
    );
  });

  // `demoData`: what the hub says when it holds `npm start`'s simulated colleagues (./demo.ts).
  app.get('/api/health', async (c) =>
    c.json({ ok: true, version: hubVersion(), demoData: await demoDataNote(db) }),
  );

  const { requireRole } = mountAuth(app, {
    db,
    now,
    secureCookie: options.secureCookie ?? 'auto',
    trustProxy: options.trustProxy ?? false,
    signInFailuresPerName: limits.signInFailuresPerName,
    signInFailuresPerAddress: limits.signInFailuresPerAddress,
    signInWindowMs: SIGN_IN_WINDOW_MS,
  });
  mountAdminRoutes(app, db, requireRole);
  const minGroup = options.minGroup ?? DEFAULT_MIN_GROUP;
  if (!Number.isInteger(minGroup) || minGroup < 1) {
    throw new Error('minGroup must be a whole number, at least 1');
  }
  mountInsightsRoutes(app, db, requireRole, minGroup);
  mountVersionsRoutes(app, db, requireRole, minGroup);

  // Bearer token only: no cookie is read here, so no CSRF can reach it.

  app.post(
    '/api/events',
    async (c, next) => {
      const header = Authorization.safeParse(c.req.header('authorization'));
      if (!header.success) {
        return c.json(error('a device token is needed: Authorization: Bearer <token>'), 401);
      }
      const check = await deviceForToken(db, header.data.slice('Bearer '.length));
      if (!check.ok) return c.json(error(check.reason), 401);
      c.set('device', check.device);
      const wait = buckets.take(check.device.id, now());
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        return c.json(error('too many requests from this device'), 429);
      }
      await next();
    },
    async (c, next) => {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) {
        return c.json(error('the body must be application/json'), 415);
      }
      await next();
    },
    bodyLimit({
      maxSize: limits.maxBodyBytes,
      onError: (c) => c.json(error(`the body is larger than ${limits.maxBodyBytes} bytes`), 413),
    }),
    async (c) => {
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return c.json(error('the body is not JSON'), 400);
      }
      const batch = HubBatch.safeParse(body);
      if (!batch.success) {
        const problems = problemsOf(batch.error).map((p) => ({
          path: escapeControls(p.path),
          message: escapeControls(p.message),
        }));
        return c.json(error('invalid batch', { problems }), 400);
      }
      const answer: HubBatchAnswer = await ingestBatch(db, {
        deviceId: c.get('device')!.id,
        events: batch.data.events,
        now: new Date(now()),
      });
      return c.json(answer, 200);
    },
  );

  app.notFound((c) => c.json(error('not found'), 404));
  app.onError((e, c) => {
    options.log?.(escapeControls(`error ${c.req.method} ${c.req.path}: ${e.message}`));
    return c.json(error('internal error'), 500);
  });
  return app;
}
