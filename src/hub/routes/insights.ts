/** The fleet Insights API for signed-in people (any role): counts, never raw events. */
import type { Hono } from 'hono';
import { FleetQuery } from '../../protocol/fleet';
import type { HubDb } from '../db/open';
import { fleetFilters, fleetSummary } from '../insights';
import type { RequireRole } from './auth';
import { errorBody as error, type HubEnv, problemsIn } from './context';

export function mountInsightsRoutes(
  app: Hono<HubEnv>,
  db: HubDb,
  requireRole: RequireRole,
  minGroup: number,
): void {
  app.get('/api/insights/summary', requireRole('viewer'), async (c) => {
    // `team=` with nothing after it means no filter, as a form with an empty field sends it.
    const given = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
    const query = FleetQuery.safeParse(given);
    if (!query.success) {
      return c.json(error('invalid query', { problems: problemsIn(query.error) }), 400);
    }
    return c.json(await fleetSummary(db, query.data, minGroup), 200);
  });

  // The choices for the filters above. No query: the same lists whatever the period.
  app.get('/api/insights/filters', requireRole('viewer'), async (c) => {
    if (Object.keys(c.req.query()).length) return c.json(error('this takes no query'), 400);
    return c.json(await fleetFilters(db), 200);
  });
}
