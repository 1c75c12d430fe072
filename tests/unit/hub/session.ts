/** Signing a person in through the hub's own API, for tests of what signed-in people read. */
import { expect } from 'vitest';
import type { HubDb } from '../../../src/hub/db/open';
import type { UserRole } from '../../../src/hub/db/schema';
import { addUser } from '../../../src/hub/users';

interface RequestsApp {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** Adds `name` with `role` and signs in with POST /api/session; returns the cookie to send. */
export async function signedIn(
  app: RequestsApp,
  db: HubDb,
  name: string,
  role: UserRole,
  password: string,
): Promise<string> {
  await addUser(db, name, role, password);
  const res = await app.request('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}
