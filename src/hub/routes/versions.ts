/** The version comparison API for signed-in people (any role): rates per pack version of an aid. */
import type { Hono } from 'hono';
import { VersionsQuery } from '../../protocol/fleet-versions';
import type { HubDb } from '../db/open';
import { fleetVersions } from '../versions';
import type { RequireRole } from './auth';
import { errorBody as error, type HubEnv, problemsIn } from './context';

export function mountVersionsRoutes(
  app: Hono<HubEnv>,
  db: HubDb,
  requireRole: RequireRole,
  minGroup: number,
): void {
  app.get('/api/insights/versions', requireRole('viewer'), async (c) => {
    // `team=` with nothing after it means no filter, as a form with an empty field sends it.
    const given = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
    const query = VersionsQuery.safeParse(given);
    if (!query.success) {
      return c.json(error('invalid query', { problems: problemsIn(query.error) }), 400);
    }
    return c.json(await fleetVersions(db, query.data, minGroup), 200);
  });
}
