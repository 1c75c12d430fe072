/**
 * The fleet, end to end: two Chromium profiles with the extension work on the sample CRM and
 * send to a real hub (src/hub on a socket, PGlite in a data directory) that this test starts.
 * The hub counts both people per step, keeps the reason they gave, and sees the target that
 * went missing for both. A hub that stored a batch but whose answer never reached the browser,
 * then stopped and started again, ends with every event once. A revoked token is refused and
 * its events wait in the browser.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { serve } from '@hono/node-server';
import type { BrowserContext, Locator, Page, Worker } from '@playwright/test';
import { Hono } from 'hono';
import { sql } from 'kysely';
import { extensionWorker, launchWithExtension, ROOT } from '../../scripts/lib/extension.mjs';
import { createHubApp } from '../../src/hub/app';
import { type HubDb, openDatabase } from '../../src/hub/db/open';
import { createDevice, revokeDevice } from '../../src/hub/devices';
import { addPack } from '../../src/hub/packs';
import { addUser } from '../../src/hub/users';
import type { FleetSummary } from '../../src/protocol/fleet';
import { seriousViolations } from './axe';
import {
  checklist,
  expect,
  readStore,
  type StoredEvent,
  step,
  stepBox,
  test,
  waitForReady,
  waitForStore,
} from './fixtures';
import { NEW_CONTACT } from './packs';
import { openOptions } from './sync-helpers';

const S = NEW_CONTACT.steps;
const REASON = 'Customer will decide by email';
const ADMIN = { name: 'ann', password: 'a long demo passphrase' };
/** This test's hub shows groups from 2 people, so that two profiles are a group. */
const MIN_GROUP = 2;

interface TestHub {
  db: HubDb;
  url: string;
  /** Requests to /api/events whose answer was cut off after the hub stored the batch. */
  cut: number;
  close(): Promise<void>;
}

/**
 * The hub's app on a socket, as `inflow hub` runs it. With `cutAnswers`, the next that many
 * POST /api/events are stored and then their connection is destroyed before the answer: the
 * browser cannot know the batch arrived, as when a hub stops in the middle of an upload.
 */
async function startTestHub(dataDir: string, port = 0, cutAnswers = 0): Promise<TestHub> {
  const db = await openDatabase({ dataDir });
  const hubApp = createHubApp({ db, minGroup: MIN_GROUP });
  const outer = new Hono<{ Bindings: { incoming: { socket: { destroy(): void } } } }>();
  const state = { cut: 0 };
  outer.use('/api/events', async (c, next) => {
    await next();
    if (c.req.method === 'POST' && c.res.status === 200 && state.cut < cutAnswers) {
      state.cut++;
      c.env.incoming.socket.destroy();
    }
  });
  outer.route('/', hubApp);
  const server = await new Promise<ReturnType<typeof serve>>((done, fail) => {
    const s = serve({ fetch: outer.fetch, port, hostname: '127.0.0.1' }, () => done(s));
    s.once('error', fail);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    db,
    url: `http://127.0.0.1:${bound}`,
    get cut() {
      return state.cut;
    },
    async close() {
      await hubApp.alerter.idle();
      await new Promise<void>((done) => {
        server.close(() => done());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await db.destroy();
    },
  };
}

/** Sets team, role, actor id, hub address and token in the options page, as an admin would. */
async function connect(context: BrowserContext, extensionId: string, hub: string, token: string) {
  const options = await openOptions(context, extensionId);
  await options.getByRole('textbox', { name: 'Team' }).fill('care');
  await options.getByRole('textbox', { name: 'Role' }).fill('agent');
  await options.getByRole('textbox', { name: 'Hub address' }).fill(hub);
  await options.getByRole('textbox', { name: 'Hub device token' }).fill(token);
  await options.getByRole('button', { name: 'Save settings' }).click();
  await expect(options.getByRole('region', { name: 'Sending to the hub' })).toContainText(
    'On: every event is sent',
    { timeout: 10_000 },
  );
  return options;
}

/**
 * One person's New contact on the CRM after a release that dropped the channel field: ticks
 * identity, skips consent with the reason, and the channel step's target is missing.
 */
async function workOnCrm(page: Page, worker: Worker, crm: string) {
  await page.addInitScript(() => {
    const drop = () => document.getElementById('channel')?.parentElement?.remove();
    new MutationObserver(drop).observe(document, { childList: true, subtree: true });
  });
  await page.bringToFront();
  await page.goto(`${crm}/contacts/new`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await stepBox(list, S.identity.text).check();
  const consent = step(list, S.consent.text);
  await consent.getByRole('button', { name: /^Skip/ }).click();
  await consent.getByRole('textbox', { name: 'Reason for skipping (optional)' }).fill(REASON);
  await consent.getByRole('button', { name: 'Skip step' }).click();
  await waitForStore(worker, 'events', { type: 'step_skipped', stepId: S.consent.id });
  await expect(step(list, S.channel.text)).toContainText('Not found on this page', {
    timeout: 15_000,
  });
  await waitForStore(worker, 'events', { type: 'target_missing', stepId: S.channel.id }, 10_000);
}

/** The cells of the table row that starts with `text`. */
async function cells(table: Locator, text: string): Promise<string[]> {
  const row = table.getByRole('row').filter({ hasText: text }).first();
  return (await row.getByRole('cell').allInnerTexts()).map((t) => t.trim());
}

async function outboxEmpty(worker: Worker, timeout = 30_000) {
  await expect
    .poll(async () => (await readStore(worker, 'hubOutbox' as never)).length, { timeout })
    .toBe(0);
}

/** What the hub holds: event ids, and the events its rollups counted. */
async function hubCounts(db: HubDb) {
  const ids = (await db.selectFrom('events').select('id').execute()).map((r) => r.id).sort();
  const rolled = await db
    .selectFrom('daily_rollups')
    .select(sql<number>`coalesce(sum(events), 0)`.as('n'))
    .executeTakeFirstOrThrow();
  return { ids, rolled: Number(rolled.n) };
}

async function summaryOf(hub: TestHub): Promise<FleetSummary> {
  const session = await fetch(`${hub.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(session.status).toBe(200);
  const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
  const res = await fetch(`${hub.url}/api/insights/summary`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return (await res.json()) as FleetSummary;
}

test('two people on the CRM: the hub counts both, keeps the reason, sees the missing target; a cut upload and a restart count nothing twice', async ({
  context,
  page,
  serviceWorker,
  extensionId,
  extensionPath,
  headless,
  appServer,
}) => {
  test.setTimeout(180_000);
  const dataDir = await mkdtemp(join(tmpdir(), 'inflow-hub-e2e-'));
  const secondProfile = await mkdtemp(join(tmpdir(), 'inflow-e2e-b-'));
  // The first batch each browser sends is stored, and its answer cut off.
  let hub = await startTestHub(dataDir, 0, 2);
  let other: BrowserContext | undefined;
  try {
    const tokenA = (await createDevice(hub.db, 'Profile A')).token;
    const deviceB = await createDevice(hub.db, 'Profile B');
    await addUser(hub.db, ADMIN.name, 'admin', ADMIN.password);

    // A wrong token is refused with a reason.
    const wrong = await fetch(`${hub.url}/api/events`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer not-a-token-the-hub-issued',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ events: [] }),
    });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error).toMatch(/token/);

    await connect(context, extensionId, hub.url, tokenA);
    other = await launchWithExtension(secondProfile, { headless, ext: extensionPath });
    const workerB = await extensionWorker(other);
    await waitForReady(workerB);
    const idB = new URL(workerB.url()).host;
    await connect(other, idB, hub.url, deviceB.token);

    const crm = appServer.origin('crm');
    await workOnCrm(page, serviceWorker, crm);
    await workOnCrm(other.pages()[0] ?? (await other.newPage()), workerB, crm);

    // Both first uploads were stored and their answers lost; stop the hub before the
    // browsers retry, and start it again on the same port and data.
    await expect.poll(() => hub.cut, { timeout: 30_000 }).toBe(2);
    const port = Number(new URL(hub.url).port);
    await hub.close();
    hub = await startTestHub(dataDir, port);

    await outboxEmpty(serviceWorker);
    await outboxEmpty(workerB);
    const local = [
      ...((await readStore(serviceWorker, 'events')) as StoredEvent[]),
      ...((await readStore(workerB, 'events')) as StoredEvent[]),
    ];
    const held = await hubCounts(hub.db);
    expect(held.ids).toEqual(local.map((e) => e.id).sort());
    expect(held.rolled).toBe(local.length);

    const summary = await summaryOf(hub);
    const aid = summary.aids.find((a) => a.aidKey === NEW_CONTACT.key)!;
    expect(aid.people).toBe(2);
    const stepOf = (id: string) => aid.steps.find((s) => s.stepId === id)!;
    expect(stepOf(S.identity.id)).toMatchObject({ people: 2, doneManual: 2 });
    expect(stepOf(S.consent.id)).toMatchObject({
      people: 2,
      skipped: 2,
      topReasons: [{ reason: REASON, count: 2 }],
    });
    expect(stepOf(S.channel.id)).toMatchObject({ people: 2 });
    expect(stepOf(S.channel.id).targetMissing).toBeGreaterThanOrEqual(2);

    // The hub's page, in Chromium: names from the published pack, the two people's numbers,
    // their reason, and the missing target in Health.
    const packFile = join(ROOT, 'aids/crm/pack.json');
    expect(await addPack(hub.db, await readFile(packFile, 'utf8'), new Date())).toMatchObject({
      ok: true,
    });
    const fleet = await context.newPage();
    await fleet.goto(`${hub.url}/#/insights`);
    await fleet.getByLabel('Name').fill(ADMIN.name);
    await fleet.getByLabel('Password').fill(ADMIN.password);
    await fleet.getByRole('button', { name: 'Sign in' }).click();
    const contact = fleet.getByRole('region', { name: NEW_CONTACT.title, exact: true });
    const steps = contact.getByRole('table', { name: /^Steps of “New contact”/ });
    await expect(steps).toBeVisible({ timeout: 10_000 });
    // People, done automatically, by hand, undone, skipped, target missing, weaker signals.
    expect(await cells(steps, 'Confirm the caller’s identity')).toEqual([
      '2',
      '0',
      '2',
      '0',
      '0',
      '0',
      '0',
    ]);
    expect((await cells(steps, 'Record consent')).slice(0, 5)).toEqual(['2', '0', '0', '0', '2']);
    await steps.getByRole('button', { name: /Record consent/ }).click();
    await expect(steps).toContainText(`“${REASON}”: 2`);
    expect(seriousViolations(await new AxeBuilder({ page: fleet }).analyze())).toEqual([]);

    await fleet.getByRole('link', { name: 'Health' }).click();
    await expect(fleet.getByRole('heading', { level: 1, name: 'Health' })).toBeVisible();
    const alerts = fleet.getByRole('region', { name: 'Alerts' });
    await expect(alerts).toContainText(
      `step “${S.channel.text}” of ${NEW_CONTACT.title} (${NEW_CONTACT.key}) missing for 2 people`,
    );
    const targets = fleet.getByRole('table', { name: /^Targets of New contact/ });
    await expect(targets).toContainText(S.channel.text);
    await fleet.screenshot({ path: 'test-results/hub-health.png', fullPage: true });
    expect(seriousViolations(await new AxeBuilder({ page: fleet }).analyze())).toEqual([]);
    await fleet.close();

    // A revoked token: the hub refuses B's next events, and they wait in B's browser.
    await revokeDevice(hub.db, deviceB.device.id);
    const pageB = other.pages()[0]!;
    const list = checklist(pageB, NEW_CONTACT.title);
    await stepBox(list, S.identity.text).uncheck();
    await waitForStore(workerB, 'events', { type: 'step_undone', stepId: S.identity.id });
    const optionsB = other.pages().find((p) => p.url().includes('options.html'))!;
    await optionsB.bringToFront();
    await expect(optionsB.getByRole('region', { name: 'Sending to the hub' })).toContainText(
      /wrong or revoked/,
      { timeout: 30_000 },
    );
    const waiting = await readStore(workerB, 'hubOutbox' as never);
    expect(waiting.length).toBeGreaterThan(0);
    const undone = await hub.db
      .selectFrom('events')
      .select('id')
      .where('type', '=', 'step_undone')
      .execute();
    expect(undone).toEqual([]);
  } finally {
    await other?.close();
    await hub.close().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
    await rm(secondProfile, { recursive: true, force: true });
  }
});
