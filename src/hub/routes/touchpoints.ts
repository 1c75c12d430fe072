/**
 * Touchpoint coverage routes (the contract is src/protocol/touchpoints.ts):
 *
 * - `POST /api/touchpoints`, from browsers with a device token, like `/api/events`: the
 *   aggregates of visible time per route template, stored once per id;
 * - `GET /api/insights/touchpoints`, for signed-in people (viewer and up): per template, time
 *   spent, views, people and the share of views with an aid, ranked by time without an aid.
 */
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { escapeControls, problemsOf } from '../../aids/validate';
import { TouchpointBatch, TouchpointQuery } from '../../protocol/touchpoints';
import type { HubLimits } from '../app';
import type { HubDb } from '../db/open';
import { deviceForToken } from '../devices';
import { tokenBuckets } from '../rate-limit';
import { ingestTouchpoints, touchpointSummary } from '../touchpoints';
import type { RequireRole } from './auth';
import { errorBody as error, type HubEnv } from './context';

export interface TouchpointRouteOptions {
  db: HubDb;
  requireRole: RequireRole;
  minGroup: number;
  now: () => number;
  /**
   * `requestsPerMinute`: what one device may send here (its own bucket, apart from events');
   * `maxBodyBytes`: of one request.
   */
  limits: Pick<HubLimits, 'requestsPerMinute' | 'maxBodyBytes'>;
}

/** A bearer token as the hub issues them: base64url, no spaces. */
const Authorization = z.string().regex(/^Bearer [A-Za-z0-9_-]{16,200}$/);

const problemsIn = (e: z.ZodError) =>
  problemsOf(e).map((p) => ({
    path: escapeControls(p.path),
    message: escapeControls(p.message),
  }));

export function mountTouchpointRoutes(app: Hono<HubEnv>, options: TouchpointRouteOptions): void {
  const { db, now } = options;
  const { maxBodyBytes } = options.limits;
  const buckets = tokenBuckets(options.limits.requestsPerMinute);

  // Bearer token only: no cookie is read here, so no CSRF can reach it.
  app.post(
    '/api/touchpoints',
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
      maxSize: maxBodyBytes,
      onError: (c) => c.json(error(`the body is larger than ${maxBodyBytes} bytes`), 413),
    }),
    async (c) => {
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return c.json(error('the body is not JSON'), 400);
      }
      const batch = TouchpointBatch.safeParse(body);
      if (!batch.success) {
        return c.json(error('invalid batch', { problems: problemsIn(batch.error) }), 400);
      }
      return c.json(await ingestTouchpoints(db, batch.data.touchpoints, new Date(now())), 200);
    },
  );

  app.get('/api/insights/touchpoints', options.requireRole('viewer'), async (c) => {
    // `team=` with nothing after it means no filter, as a form with an empty field sends it.
    const given = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
    const query = TouchpointQuery.safeParse(given);
    if (!query.success) {
      return c.json(error('invalid query', { problems: problemsIn(query.error) }), 400);
    }
    return c.json(await touchpointSummary(db, query.data, options.minGroup), 200);
  });
}
