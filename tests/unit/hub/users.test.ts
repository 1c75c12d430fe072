/** Changing or removing a person signs them out at once, on both backends. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubApp } from '../../../src/hub/app';
import type { HubDb } from '../../../src/hub/db/open';
import { addUser, changeUser } from '../../../src/hub/users';
import { backends, type Opened } from './backends';

const PASSWORD = 'correct horse battery staple';

for (const backend of backends) {
  describe.skipIf(backend.skip)(`hub users on ${backend.name}`, () => {
    let opened: Opened;
    let db: HubDb;
    beforeAll(async () => {
      opened = await backend.open();
      db = opened.db;
    }, 30_000);
    afterAll(() => opened?.drop());

    async function signIn(name: string, password = PASSWORD) {
      const res = await createHubApp({ db }).request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password }),
      });
      return res.status === 200 ? res.headers.get('set-cookie')!.split(';')[0]! : null;
    }
    const summaryStatus = async (cookie: string) =>
      (await createHubApp({ db }).request('/api/insights/summary', { headers: { cookie } })).status;

    it('role, password and removal each end the sessions the person had', async () => {
      await addUser(db, 'cy', 'viewer', PASSWORD);
      let cookie = (await signIn('cy'))!;
      expect(await summaryStatus(cookie)).toBe(200);

      expect(await changeUser(db, 'cy', { role: 'author' })).toBe(true);
      expect(await summaryStatus(cookie)).toBe(401);
      cookie = (await signIn('cy'))!;

      expect(await changeUser(db, 'cy', { password: 'a new long password' })).toBe(true);
      expect(await summaryStatus(cookie)).toBe(401);
      expect(await signIn('cy')).toBeNull();
      cookie = (await signIn('cy', 'a new long password'))!;
      expect(await summaryStatus(cookie)).toBe(200);

      expect(await changeUser(db, 'cy', { remove: true })).toBe(true);
      expect(await summaryStatus(cookie)).toBe(401);
      expect(await signIn('cy', 'a new long password')).toBeNull();
      expect(await changeUser(db, 'cy', { remove: true })).toBe(false);
    });
  });
}
