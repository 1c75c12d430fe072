/** The fleet Health API for signed-in people (any role): target problems, alerts, comments. */
import type { Hono } from 'hono';
import { FleetHealthQuery } from '../../protocol/fleet-health';
import type { HubDb } from '../db/open';
import { fleetHealth } from '../health';
import type { RequireRole } from './auth';
import { errorBody as error, type HubEnv, problemsIn } from './context';

export function mountHealthRoutes(
  app: Hono<HubEnv>,
  db: HubDb,
  requireRole: RequireRole,
  minGroup: number,
): void {
  app.get('/api/insights/health', requireRole('viewer'), async (c) => {
    // `team=` with nothing after it means no filter, as a form with an empty field sends it.
    const given = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
    const query = FleetHealthQuery.safeParse(given);
    if (!query.success) {
      return c.json(error('invalid query', { problems: problemsIn(query.error) }), 400);
    }
    return c.json(await fleetHealth(db, query.data, minGroup), 200);
  });
}
