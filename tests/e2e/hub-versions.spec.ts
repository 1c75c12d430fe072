/**
 * A run's time, from the browser to the hub's version comparison: the real hub (its app on a
 * socket, PGlite in memory, minGroup 1 so that one browser is enough people) takes the
 * events the extension sends; a person completes the New contact checklist on the sample
 * CRM; the completion arrives with the duration the background measured, and
 * GET /api/insights/versions answers it as that version's time to complete.
 */
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { serve } from '@hono/node-server';
import type { Page } from '@playwright/test';
import { createHubApp } from '../../src/hub/app';
import { type HubDb, openDatabase } from '../../src/hub/db/open';
import { createDevice } from '../../src/hub/devices';
import { addUser } from '../../src/hub/users';
import type { FleetVersions } from '../../src/protocol/fleet-versions';
import { checklist, events, expect, step, test, waitForStore } from './fixtures';
import { NEW_CONTACT } from './packs';
import { openOptions } from './sync-helpers';

const S = NEW_CONTACT.steps;
const PASSWORD = 'correct horse battery staple';

const form = (page: Page) => page.getByRole('form', { name: 'New contact' });

let db: HubDb;
let server: ReturnType<typeof serve>;
let hubUrl: string;

test.beforeEach(async () => {
  db = await openDatabase({ pglite: new PGlite() });
  const app = createHubApp({ db, minGroup: 1 });
  server = await new Promise((done) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => done(s));
  });
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterEach(async () => {
  await new Promise<void>((done) => {
    server.close(() => done());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
  await db.destroy();
});

test("a completed checklist's time reaches the hub's version comparison", async ({
  context,
  page,
  appServer,
  extensionId,
  serviceWorker,
}) => {
  test.setTimeout(90_000);
  const { token } = await createDevice(db, 'e2e browser');
  await addUser(db, 'vic', 'viewer', PASSWORD);

  const options = await openOptions(context, extensionId);
  await options.getByRole('textbox', { name: 'Hub address' }).fill(hubUrl);
  await options.getByRole('textbox', { name: 'Hub device token' }).fill(token);
  await options.getByRole('button', { name: 'Save settings' }).click();
  await expect(options.getByRole('region', { name: 'Sending to the hub' })).toContainText(
    'On: every event is sent',
    { timeout: 10_000 },
  );

  await page.bringToFront();
  await page.goto(`${appServer.origin('crm')}/contacts/new`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await form(page).getByRole('checkbox', { name: 'Identity confirmed with caller' }).check();
  await form(page)
    .getByRole('textbox', { name: 'Email', exact: true })
    .fill('ada.lovelace@example.com');
  await form(page).getByRole('checkbox', { name: 'Customer consented to be contacted' }).check();
  // Some time passes between the first step and the end of the run.
  await page.waitForTimeout(1_500);
  await form(page).getByRole('combobox', { name: 'Preferred channel' }).selectOption('Email');
  await step(list, S.save.text).getByRole('button', { name: /^Skip/ }).click();
  await list.getByRole('button', { name: 'Skip step' }).click();
  await expect(list).toContainText('Checklist complete');

  const completed = await waitForStore(serviceWorker, 'events', { type: 'checklist_completed' });
  // From the run's first step done or skipped, as the background measured it.
  const steps = (await events(serviceWorker)).filter(
    (e) => e.type === 'step_done' || e.type === 'step_skipped',
  );
  const first = Math.min(...steps.map((e) => e.at));
  expect(completed.ms).toBeGreaterThanOrEqual(1_500);
  expect(completed.ms).toBe(Math.round(completed.at - first));

  // The hub keeps it once, in the raw event and in the durations that outlive retention.
  await expect
    .poll(async () => (await db.selectFrom('run_durations').selectAll().execute()).length, {
      timeout: 20_000,
    })
    .toBe(1);
  const [row] = await db.selectFrom('run_durations').selectAll().execute();
  expect(row).toMatchObject({
    event_id: completed.id,
    aid_key: NEW_CONTACT.key,
    pack_version: completed.packVersion,
    ms: completed.ms,
  });

  const signIn = await fetch(`${hubUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'vic', password: PASSWORD }),
  });
  expect(signIn.status).toBe(200);
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  const res = await fetch(
    `${hubUrl}/api/insights/versions?aid=${encodeURIComponent(NEW_CONTACT.key)}`,
    { headers: { cookie } },
  );
  expect(res.status).toBe(200);
  const answer = (await res.json()) as FleetVersions;
  expect(answer.versions).toHaveLength(1);
  expect(answer.versions[0]).toMatchObject({
    version: completed.packVersion,
    people: 1,
    finishedRuns: 1,
    completed: 1,
    abandoned: 0,
    stepsSkipped: 1,
    completionRate: { rate: 1, high: 1 },
    timeToComplete: { runs: 1, medianMs: completed.ms, q1Ms: completed.ms, q3Ms: completed.ms },
    change: null,
  });
});
