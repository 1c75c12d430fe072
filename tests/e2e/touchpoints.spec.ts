/**
 * Touchpoint coverage end to end, with the real hub (its own server on a socket, PGlite in
 * memory). With `touchpointHosts` set by the organisation's policy (a file Chromium reads at
 * start-up, which only root may write), time on the sample pages without aids, across a
 * history.pushState route and a hash route, reaches the hub under route templates, without
 * any query string or id; a page with an aid is counted as aided. With the policy naming no
 * hosts, nothing is registered for those pages and nothing is sent, while events still are.
 */
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Worker } from '@playwright/test';
import {
  chromiumPath,
  DEFAULT_CHROMIUM,
  extensionWorker,
  launchWithExtension,
} from '../../scripts/lib/extension.mjs';
import { createDevice } from '../../src/hub/devices';
import { type Hub, startHub } from '../../src/hub/server';
import {
  checklist,
  expect,
  extensionWorlds,
  registeredScripts,
  stepBox,
  test,
  waitForReady,
} from './fixtures';
import { NEW_CONTACT } from './packs';
import { extensionIdOfKey, openOptions } from './sync-helpers';

const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = join(POLICY_DIR, 'inflow-touchpoints-test.json');
/** The background's alarm that seals and sends the sums (src/background/touchpoints.ts). */
const TOUCHPOINT_ALARM = 'inflow-touchpoints';

let hub: Hub;
let token: string;

test.beforeEach(async () => {
  hub = await startHub({ pglite: new PGlite(), port: 0 });
  token = (await createDevice(hub.db, 'Front desk PCs')).token;
});

test.afterEach(async () => {
  await hub?.close();
});

const rows = () =>
  hub.db.selectFrom('touchpoint_daily').selectAll().orderBy('template').orderBy('aided').execute();

/** The periodic upload, now rather than in ten minutes (same alarm, same path). */
async function uploadNow(sw: Worker): Promise<void> {
  await sw.evaluate(async (name) => {
    type Alarms = { create(name: string, info: object): Promise<void> };
    const { alarms } = (globalThis as unknown as { chrome: { alarms: Alarms } }).chrome;
    await alarms.create(name, { when: Date.now() + 50, periodInMinutes: 10 });
  }, TOUCHPOINT_ALARM);
}

test('with the policy set, time on pages without aids reaches the hub under route templates', async ({
  extensionPath,
  headless,
  appServer,
}) => {
  test.skip(
    process.getuid?.() !== 0,
    `Needs root: the browser reads policy from ${POLICY_DIR}, which only root may write.`,
  );
  test.skip(
    chromiumPath() !== DEFAULT_CHROMIUM,
    `CHROMIUM_PATH is set: ${POLICY_DIR} is where Debian's Chromium reads policy.`,
  );
  test.setTimeout(120_000);

  const manifest = JSON.parse(await readFile(join(extensionPath, 'manifest.json'), 'utf8'));
  const extensionId = extensionIdOfKey(manifest.key);
  const policy = {
    hubUrl: hub.url(),
    hubToken: token,
    team: 'care',
    role: 'agent',
    touchpointHosts: ['plain.localhost', 'crm.localhost'],
  };
  const profile = await mkdtemp(join(tmpdir(), 'inflow-touchpoints-'));
  let created: string | undefined;
  try {
    created = await mkdir(POLICY_DIR, { recursive: true });
    await writeFile(
      POLICY_FILE,
      JSON.stringify({ '3rdparty': { extensions: { [extensionId]: policy } } }, null, 2),
    );
    const context = await launchWithExtension(profile, { headless, ext: extensionPath });
    try {
      const sw = await extensionWorker(context);
      await waitForReady(sw);
      // The overlay is registered on the policy's hosts (plain.localhost has no aid). A new
      // profile's first read of managed storage can take many seconds on a busy machine: the
      // background goes on without it after 2 s and applies the policy when it comes.
      await expect
        .poll(async () => (await registeredScripts(sw)).flatMap((s) => s.matches ?? []), {
          timeout: 45_000,
        })
        .toContain('*://plain.localhost/*');

      // Shown read-only in the options page, with what it measures.
      const options = await openOptions(context, extensionId);
      const hosts = options.getByRole('textbox', { name: 'Touchpoint hosts' });
      await expect(hosts).toHaveValue('plain.localhost\ncrm.localhost');
      await expect(hosts).toBeDisabled();
      await expect(hosts).toHaveAccessibleDescription(/how long each screen is open/);

      const page = await context.newPage();
      const plain = appServer.origin('plain');
      await page.goto(`${plain}/?customer=42&q=jane#notes`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await page.waitForTimeout(1_200);
      // A single-page app's route change, with an id and a query.
      await page.evaluate(() => history.pushState({}, '', '/customers/4821?tab=notes'));
      await page.waitForTimeout(1_200);
      // A hash route, with an id and a query of its own.
      await page.evaluate(() => {
        location.hash = '#/cases/77?filter=open';
      });
      await page.waitForTimeout(1_200);
      await page.evaluate(() => history.pushState({}, '', '/done'));
      await page.waitForTimeout(600);
      // Leaving for a page with an aid (told on pagehide); that one counts as aided.
      await page.goto(`${appServer.origin('crm')}/contacts/new?customer=7`);
      await expect(checklist(page, NEW_CONTACT.title)).toBeVisible({ timeout: 10_000 });
      await page.waitForTimeout(1_200);
      await page.goto(`${plain}/`);
      await page.waitForTimeout(500);

      await uploadNow(sw);
      const expected = [
        `${plain}/`,
        `${plain}/customers/:id`,
        `${plain}/customers/:id#/cases/:id`,
        `${appServer.origin('crm')}/contacts/new`,
        `${plain}/done`,
      ];
      await expect
        .poll(async () => (await rows()).map((r) => r.template), { timeout: 20_000 })
        .toEqual(expect.arrayContaining(expected));
      const stored = await rows();
      const of = (template: string) => stored.filter((r) => r.template === template);
      for (const template of expected.slice(0, 3)) {
        expect(of(template), template).toEqual([
          expect.objectContaining({ aided: false, team: 'care', role: 'agent', views: 1 }),
        ]);
        // Visible for about 1.2 s.
        expect(of(template)[0]!.ms, template).toBeGreaterThan(800);
      }
      expect(of(`${plain}/done`)).toEqual([
        expect.objectContaining({ aided: false, views: 1, ms: expect.any(Number) }),
      ]);
      expect(of(`${plain}/done`)[0]!.ms).toBeGreaterThan(300);
      expect(of(expected[3]!)).toEqual([
        expect.objectContaining({ aided: true, views: 1, host: expect.stringMatching(/^crm\./) }),
      ]);
      // No query string, anchor, id or value anywhere in what the hub holds (the actor is a
      // hash, checked on its own).
      const people = await hub.db.selectFrom('touchpoint_actors').selectAll().execute();
      const held = JSON.stringify({ stored, people: people.map(({ actor: _, ...rest }) => rest) });
      expect(held).not.toMatch(/customer=|q=jane|#notes|4821|tab=|\/77|filter|\?/);
      const actors = await hub.db
        .selectFrom('touchpoint_actors')
        .select('actor')
        .distinct()
        .execute();
      expect(actors).toEqual([{ actor: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    } finally {
      await context.close();
    }
  } finally {
    await rm(POLICY_FILE, { force: true });
    // Only directories this test created, and only if nothing else was put there since.
    for (let dir = POLICY_DIR; created && dir.startsWith(created); dir = dirname(dir)) {
      if (
        !(await rmdir(dir).then(
          () => true,
          () => false,
        ))
      )
        break;
    }
    await rm(profile, { recursive: true, force: true });
  }
});

test('with no touchpoint hosts, nothing is registered for other pages and nothing is sent', async ({
  context,
  page,
  appServer,
  extensionId,
  serviceWorker,
}) => {
  test.setTimeout(90_000);
  // A hub, set in the options page: events go there; touchpoints must not.
  const options = await openOptions(context, extensionId);
  await options.getByRole('textbox', { name: 'Hub address' }).fill(hub.url());
  await options.getByRole('textbox', { name: 'Hub device token' }).fill(token);
  await options.getByRole('button', { name: 'Save settings' }).click();
  await expect(options.getByRole('region', { name: 'Sending to the hub' })).toContainText(
    'On: every event is sent',
    { timeout: 10_000 },
  );
  // Not set, and not settable here.
  const hosts = options.getByRole('textbox', { name: 'Touchpoint hosts' });
  await expect(hosts).toHaveValue('');
  await expect(hosts).toBeDisabled();

  await page.bringToFront();
  await page.goto(`${appServer.origin('plain')}/customers/4821`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.waitForTimeout(1_000);
  expect(await extensionWorlds(page, extensionId)).toEqual([]);
  const matches = (await registeredScripts(serviceWorker)).flatMap((s) => s.matches ?? []);
  expect(matches.some((m) => m.includes('plain.localhost'))).toBe(false);

  // On a page with aids the overlay runs, and its events reach the hub (the control).
  await page.goto(`${appServer.origin('crm')}/contacts/new`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await stepBox(list, NEW_CONTACT.steps.identity.text).check();
  await page.waitForTimeout(1_000);
  await page.goto(`${appServer.origin('plain')}/`);
  await uploadNow(serviceWorker);
  await expect
    .poll(async () => (await hub.db.selectFrom('events').select('type').execute()).length, {
      timeout: 20_000,
    })
    .toBeGreaterThan(0);
  await page.waitForTimeout(2_000);
  expect(await rows()).toEqual([]);
  expect(await hub.db.selectFrom('touchpoint_ids').selectAll().execute()).toEqual([]);
  const store = await serviceWorker.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('inflow');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['touchpoints', 'touchpointOutbox']);
          let n = 0;
          let left = 2;
          for (const name of ['touchpoints', 'touchpointOutbox']) {
            const count = tx.objectStore(name).count();
            count.onsuccess = () => {
              n += count.result;
              if (--left === 0) resolve(n);
            };
          }
        };
      }),
  );
  expect(store).toBe(0);
});
