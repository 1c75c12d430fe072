/** What only admins may read: the device tokens and the users, never their hashes. */
import type { Hono } from 'hono';
import type { HubDb } from '../db/open';
import { listDevices } from '../devices';
import type { RequireRole } from './auth';
import type { HubEnv } from './context';

export function mountAdminRoutes(app: Hono<HubEnv>, db: HubDb, requireRole: RequireRole): void {
  app.get('/api/devices', requireRole('admin'), async (c) => {
    const devices = await listDevices(db);
    return c.json({
      devices: devices.map((d) => ({
        id: d.id,
        name: d.name,
        createdAt: d.created_at.toISOString(),
        revokedAt: d.revoked_at?.toISOString() ?? null,
      })),
    });
  });

  app.get('/api/users', requireRole('admin'), async (c) => {
    const users = await db
      .selectFrom('users')
      .select(['id', 'name', 'role', 'created_at'])
      .orderBy('name')
      .execute();
    return c.json({
      users: users.map((u) => ({
        id: u.id,
        name: u.name,
        role: u.role,
        createdAt: u.created_at.toISOString(),
      })),
    });
  });
}
