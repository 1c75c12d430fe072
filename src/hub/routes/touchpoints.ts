/**
 * Touchpoint coverage routes (the contract is src/protocol/touchpoints.ts):
 *
 * - `POST /api/touchpoints`, from browsers with a device token, like `/api/events`: the
 *   aggregates of visible time per route template, stored once per id;
 * - `GET /api/insights/touchpoints`, for signed-in people (viewer and up): per template, time
 *   spent, views, people and the share of views with an aid, ranked by time without an aid.
 */
import type { Hono } from 'hono';
import { TouchpointBatch, TouchpointQuery } from '../../protocol/touchpoints';
import type { HubLimits } from '../app';
import type { HubDb } from '../db/open';
import { ingestTouchpoints, touchpointSummary } from '../touchpoints';
import type { RequireRole } from './auth';
import { errorBody as error, type HubEnv, problemsIn } from './context';
import { devicePost } from './device-post';

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

export function mountTouchpointRoutes(app: Hono<HubEnv>, options: TouchpointRouteOptions): void {
  const { db, now } = options;
  devicePost(
    app,
    '/api/touchpoints',
    { db, now, ...options.limits },
    TouchpointBatch,
    async (c, batch) =>
      c.json(await ingestTouchpoints(db, batch.touchpoints, new Date(now())), 200),
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
