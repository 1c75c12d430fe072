/**
 * Packs from the organisation's server: a source set in the options page, a signed pack on
 * a real local HTTP server (the CLI's pack server), the aid on the sample portal, a new
 * version on "Sync now", every bad case leaving the good version in force with a reason a
 * person can read, and a service worker stopped in the middle of a download leaving one
 * whole version in the store.
 */
import AxeBuilder from '@axe-core/playwright';
import { seriousViolations } from './axe';
import { checklist, expect, stepBox, test } from './fixtures';
import {
  addSourceInOptions,
  expectOneVersion,
  type Keys,
  newKeys,
  openOptions,
  type PackHost,
  packHistory,
  REMOTE_TITLE,
  remotePack,
  sign,
  sourceEntry,
  startPackHost,
  stepText,
  stopServiceWorker,
  storedVersions,
  syncNow,
} from './sync-helpers';

let keys: Keys;
let otherKeys: Keys;
let host: PackHost;

test.beforeAll(async () => {
  [keys, otherKeys] = await Promise.all([newKeys(), newKeys()]);
});

test.beforeEach(async () => {
  host = await startPackHost();
});

test.afterEach(async () => {
  await host.close();
});

test('a source from the options page: v1 shows, v2 swaps in, bad versions never replace it', async ({
  context,
  page,
  appServer,
  extensionId,
  serviceWorker,
}) => {
  test.setTimeout(90_000);
  await host.publish(await sign(remotePack('1.0.0'), keys));

  const options = await openOptions(context, extensionId);
  await expect(options.getByText('No pack sources yet.')).toBeVisible();
  await addSourceInOptions(options, host.url, keys.publicKey);
  const entry = sourceEntry(options, host.url);
  await expect(entry).toContainText('Installed version 1.0.0', { timeout: 10_000 });
  await expect(entry).toContainText('acme-portal-remote, version 1.0.0');
  await expect(options.getByRole('status').filter({ hasText: 'Checked 1 source' })).toHaveText(
    'Checked 1 source: all fine.',
  );
  expect(seriousViolations(await new AxeBuilder({ page: options }).analyze())).toEqual([]);

  // The aid is on the portal's Billing page.
  await page.bringToFront();
  await page.goto(`${appServer.origin('portal')}/billing/`);
  const list = checklist(page, REMOTE_TITLE);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(stepBox(list, stepText('1.0.0'))).toBeVisible();

  // v2 on the server, "Sync now": the page swaps to it without a reload.
  await host.publish(await sign(remotePack('2.0.0'), keys));
  await syncNow(options);
  await expect(entry).toContainText('Installed version 2.0.0');
  await expect(stepBox(list, stepText('2.0.0'))).toBeVisible({ timeout: 10_000 });
  expect(await expectOneVersion(serviceWorker)).toBe('2.0.0');
  // v1 is kept, for a rollback.
  expect(await packHistory(serviceWorker)).toEqual([['acme-portal-remote', '1.0.0']]);

  // Unchanged on the server: a conditional request, answered 304.
  const before = host.requests.length;
  await syncNow(options);
  await expect(entry).toContainText('Up to date');
  expect(host.requests.slice(before).map((r) => !!r.ifNoneMatch)).toEqual([true]);

  // Each bad version: v2 stays, and the page says why.
  const forged = { ...(await sign(remotePack('3.0.0'), keys)), title: 'Changed after signing' };
  const invalid = remotePack('3.0.0');
  invalid.aids[0]!.title = '';
  const bad: { name: string; set(): Promise<void>; says: string | RegExp; timeout?: number }[] = [
    {
      name: 'corrupt JSON',
      set: () => host.publish('{ "format": 1, "id": "acme-portal-remote", '),
      says: 'The pack is not valid JSON',
    },
    {
      name: 'schema violation',
      set: async () => host.publish(await sign(invalid, keys)),
      says: /The pack is not a valid aid pack: aids\[0\]\.title: /,
    },
    {
      name: 'bad signature',
      set: () => host.publish(forged),
      says: 'The signature does not match',
    },
    {
      name: 'unsigned',
      set: () => host.publish(remotePack('3.0.0')),
      says: 'The pack is not signed, and signatures are required',
    },
    {
      name: 'signed by an unknown key',
      set: async () => host.publish(await sign(remotePack('3.0.0'), otherKeys)),
      says: 'No trusted key for this signature',
    },
    {
      name: 'lower version',
      set: async () => host.publish(await sign(remotePack('1.0.0'), keys)),
      says: 'Refused: version 1.0.0 is older than the installed 2.0.0',
    },
    {
      name: 'HTTP 500',
      set: async () => host.setMode({ kind: 'status', status: 500 }),
      says: 'The server answered HTTP 500',
    },
    {
      name: 'too large',
      set: async () => host.setMode({ kind: 'huge', bytes: 5 * 1024 * 1024 }),
      says: 'The pack is larger than the 4 MB limit',
    },
    {
      name: 'no answer',
      set: async () => host.setMode({ kind: 'hang' }),
      says: 'The server did not answer in 15 s',
      timeout: 25_000,
    },
  ];
  for (const c of bad) {
    await test.step(c.name, async () => {
      host.setMode({ kind: 'pass' });
      await c.set();
      await syncNow(options, c.timeout);
      await expect(entry.getByRole('definition').filter({ hasText: c.says })).toBeVisible();
      await expect(entry).toContainText('acme-portal-remote, version 2.0.0');
      expect(await expectOneVersion(serviceWorker)).toBe('2.0.0');
    });
  }
  await expect(stepBox(list, stepText('2.0.0'))).toBeVisible();
  await page.reload();
  await expect(stepBox(checklist(page, REMOTE_TITLE), stepText('2.0.0'))).toBeVisible({
    timeout: 10_000,
  });

  // The popup names the source with a problem.
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(
    popup.getByText(/^Pack source: 127\.0\.0\.1:\d+ — The server did not answer/),
  ).toBeVisible();
});

test('a worker stopped in the middle of a download leaves one whole version', async ({
  context,
  extensionId,
  serviceWorker,
}) => {
  test.setTimeout(60_000);
  await host.publish(await sign(remotePack('2.0.0'), keys));
  const options = await openOptions(context, extensionId);
  await addSourceInOptions(options, host.url, keys.publicKey);
  const entry = sourceEntry(options, host.url);
  await expect(entry).toContainText('Installed version 2.0.0', { timeout: 10_000 });

  // v3 is published, and the server sends only its first bytes.
  await host.publish(await sign(remotePack('3.0.0'), keys));
  host.setMode({ kind: 'stall', firstBytes: 300 });
  await options.getByRole('button', { name: 'Sync now' }).click();
  await host.stalled();
  expect(await expectOneVersion(serviceWorker)).toBe('2.0.0');

  const how = await stopServiceWorker(context, options, extensionId);
  test.info().annotations.push({ type: 'stopped with', description: how });
  // The rest of the body arrives after the worker is gone; later requests get all of it.
  host.release();
  host.setMode({ kind: 'pass' });

  // The options page wakes the worker up, and the sync it left unfinished starts over, with
  // nobody asking. The store is read from the options page (same origin, same database):
  // Playwright's handle on a worker it saw stop is not usable.
  const started = Date.now();
  await openOptions(context, extensionId, options);
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        const version = await expectOneVersion(options);
        seen.add(version);
        return version;
      },
      { timeout: 15_000 },
    )
    .toBe('3.0.0');
  expect([...seen].every((v) => v === '2.0.0' || v === '3.0.0')).toBe(true);
  expect(host.requests.at(-1)!.at).toBeGreaterThanOrEqual(started);
  await expect(entry).toContainText(/Installed version 3\.0\.0|Up to date/, { timeout: 10_000 });
  expect((await storedVersions(options)).pack).toBe('3.0.0');
});
