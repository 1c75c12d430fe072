/**
 * The hub's HTTP API as a Hono app, without a socket: tests call `app.request(...)`, and
 * ./server.ts puts it on one. Every request is checked with zod before it touches the
 * database; every answer is JSON; every request is logged as one escaped line. Browsers send
 * events with a device token (here); people sign in with a session cookie (./routes/auth.ts).
 */
import { Hono } from 'hono';
import { escapeControls } from '../aids/validate';
import { HUB_MAX_BODY_BYTES, HubBatch, type HubBatchAnswer } from '../protocol/hub';
import { type Alerter, type AlerterOptions, createAlerter } from './alerts';
import { createFolder, type Folder } from './compact';
import type { HubDb } from './db/open';
import { demoDataNote } from './demo';
import { ingestBatch } from './ingest';
import { DEFAULT_MIN_GROUP } from './insights';
import { formatRequest, type LogLine } from './log';
import { mountAdminRoutes } from './routes/admin';
import { mountAuth } from './routes/auth';
import { errorBody as error, type HubEnv } from './routes/context';
import { devicePost } from './routes/device-post';
import { mountHealthRoutes } from './routes/health';
import { mountInsightsRoutes } from './routes/insights';
import { mountPackRoutes } from './routes/packs';
import { mountPages } from './routes/pages';
import { mountTouchpointRoutes } from './routes/touchpoints';
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
  /**
   * Alerts (./alerts.ts): the hub's address for the link in a webhook message when the `url`
   * setting is not set, and the webhook's timeout and retries (tests shorten them).
   */
  alerts?: Pick<AlerterOptions, 'hubUrl' | 'delivery'>;
}

/**
 * The Hono app, its alerts' queue (`alerter.idle()` waits for evaluations and posts) and the
 * folding of uploads into the period rollups (`folder.idle()`).
 */
export type HubApp = Hono<HubEnv> & { alerter: Alerter; folder: Folder };

export function createHubApp(options: HubAppOptions): HubApp {
  const { db } = options;
  const now = options.now ?? Date.now;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
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
  mountHealthRoutes(app, db, requireRole, minGroup);
  mountTouchpointRoutes(app, { db, requireRole, minGroup, now, limits });
  const alerter = createAlerter({ db, minGroup, now, log: options.log, ...options.alerts });
  const folder = createFolder(db, options.log);
  mountPackRoutes(app, db, requireRole, now);
  mountPages(app);

  devicePost(
    app,
    '/api/events',
    { db, now, requestsPerMinute: limits.requestsPerMinute, maxBodyBytes: limits.maxBodyBytes },
    HubBatch,
    async (c, batch) => {
      const answer: HubBatchAnswer = await ingestBatch(db, {
        deviceId: c.get('device')!.id,
        events: batch.events,
        now: new Date(now()),
        afterCommit: (added) => {
          alerter.afterIngest(added);
          folder.soon();
        },
      });
      return c.json(answer, 200);
    },
  );

  app.notFound((c) => c.json(error('not found'), 404));
  app.onError((e, c) => {
    options.log?.(escapeControls(`error ${c.req.method} ${c.req.path}: ${e.message}`));
    return c.json(error('internal error'), 500);
  });
  return Object.assign(app, { alerter, folder });
}
