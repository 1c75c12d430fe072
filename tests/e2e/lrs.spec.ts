/**
 * Export to the organisation's Learning Record Store: a real local HTTP server acts as the
 * LRS (statements kept by id, a conflicting id answered 409 as a strict LRS does), the
 * endpoint is set in the options page, and work on the sample CRM arrives as xAPI
 * statements: each event exactly once, through a service worker stopped mid-upload, a
 * browser quit and started again mid-upload, and an LRS that was down for a while.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page, Worker } from '@playwright/test';
import xapiValidation from 'xapi-validation';
import {
  extensionIdOf,
  extensionWorker,
  launchWithExtension,
} from '../../scripts/lib/extension.mjs';
import {
  checklist,
  expect,
  readStore,
  type StoredEvent,
  step,
  stepBox,
  type Table,
  test,
  waitForReady,
} from './fixtures';
import { NEW_CONTACT } from './packs';
import { openOptions, stopServiceWorker } from './sync-helpers';

const S = NEW_CONTACT.steps;
const VERB = {
  experienced: 'http://adlnet.gov/expapi/verbs/experienced',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  skipped: 'http://id.tincanapi.com/verb/skipped',
  undid: 'urn:inflow:verb:undid',
};
// A CommonJS module: Playwright's loader hands over its exports object as the default.
const validateStatement = ((xapiValidation as unknown as { default?: typeof xapiValidation })
  .default ?? xapiValidation) as typeof xapiValidation;
const NOT_EXPORTED = new Set(['target_missing', 'target_healed']);

interface Statement {
  id: string;
  verb: { id: string };
  object: { id: string };
  actor: { account: { homePage: string; name: string } };
  result?: { completion?: boolean; response?: string };
  context: { contextActivities?: { parent: { id: string }[] } };
}

interface Lrs {
  endpoint: string;
  /** Statements by id, as first stored. */
  stored: Map<string, Statement>;
  /** How many times each id was accepted (must stay 1). */
  accepted: Map<string, number>;
  requests: { headers: IncomingMessage['headers']; ids: string[]; status: number }[];
  /** Store what arrives but answer nothing until release(): the worker dies meanwhile. */
  hold(): void;
  held(): Promise<void>;
  release(): void;
  /** Stop listening (connections refused) / listen again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

async function startLrs(): Promise<Lrs> {
  const stored = new Map<string, Statement>();
  const accepted = new Map<string, number>();
  const requests: Lrs['requests'] = [];
  let holding = false;
  let heldOne: () => void = () => {};
  let heldPromise = new Promise<void>((ok) => {
    heldOne = ok;
  });
  const waiting: (() => void)[] = [];

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/xapi/statements') {
      res.writeHead(404).end();
      return;
    }
    const statements = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Statement[];
    const ids = statements.map((s) => s.id);
    const record = (status: number) => requests.push({ headers: req.headers, ids, status });
    if (ids.some((id) => stored.has(id))) {
      record(409);
      res.writeHead(409, { 'Content-Type': 'text/plain' }).end('Conflict: id already stored');
      return;
    }
    for (const s of statements) {
      stored.set(s.id, s);
      accepted.set(s.id, (accepted.get(s.id) ?? 0) + 1);
    }
    record(200);
    const answer = () =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(ids));
    if (holding) {
      waiting.push(answer);
      heldOne();
      return;
    }
    answer();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}/xapi`,
    stored,
    accepted,
    requests,
    hold() {
      holding = true;
      heldPromise = new Promise<void>((ok) => {
        heldOne = ok;
      });
    },
    held: () => heldPromise,
    release() {
      holding = false;
      for (const answer of waiting.splice(0)) {
        try {
          answer();
        } catch {
          // The worker that asked is gone.
        }
      }
    },
    async down() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
    async up() {
      await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
    },
    async close() {
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

let lrs: Lrs;

test.beforeEach(async () => {
  lrs = await startLrs();
});

test.afterEach(async () => {
  await lrs.close();
});

/** Reads a table from an extension page (same database as the worker, which may restart). */
function table<R>(from: Page, name: string): Promise<R[]> {
  return readStore(from as unknown as Worker, name as Table) as Promise<R[]>;
}

async function exportedEvents(from: Page): Promise<StoredEvent[]> {
  const rows = await table<StoredEvent>(from, 'events');
  return rows.filter((e) => !NOT_EXPORTED.has(e.type));
}

/** Waits until every exported event is at the LRS, each accepted exactly once. */
async function expectAllDelivered(from: Page, timeout = 20_000) {
  await expect
    .poll(
      async () => {
        const ids = (await exportedEvents(from)).map((e) => e.id);
        return ids.filter((id) => !lrs.stored.has(id)).length;
      },
      { timeout, message: 'events not yet at the LRS' },
    )
    .toBe(0);
  await expect.poll(async () => (await table(from, 'outbox')).length, { timeout }).toBe(0);
  const ids = (await exportedEvents(from)).map((e) => e.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(lrs.accepted.get(id), `statement ${id}`).toBe(1);
  // Nothing else arrived either.
  expect([...lrs.stored.keys()].sort()).toEqual([...ids].sort());
  // Every statement as received is valid xAPI, by an independent validator.
  for (const [id, statement] of lrs.stored) {
    expect(validateStatement(statement), `statement ${id}`).toEqual([]);
  }
}

const verbsOf = (type: string) =>
  [...lrs.stored.values()]
    .filter((s) => s.verb.id === type)
    .map((s) => s.object.id.replace(/^urn:inflow:aid:/, ''));

test('work on the CRM arrives at the LRS: right verbs, once each, through a stopped worker and an outage', async ({
  context,
  page,
  appServer,
  extensionId,
}) => {
  test.setTimeout(120_000);

  // The endpoint, set as a person would.
  const options = await openOptions(context, extensionId);
  await options.getByRole('textbox', { name: 'Analytics endpoint' }).fill(lrs.endpoint);
  await options.getByRole('button', { name: 'Save settings' }).click();
  await expect
    .poll(
      async () =>
        (await table<{ key: string; value: unknown }>(options, 'settings')).find(
          (r) => r.key === 'exportOn',
        )?.value,
    )
    .toBe(true);

  // Work on the CRM: the checklist is shown, a step ticked, one skipped with a reason.
  await page.bringToFront();
  await page.goto(`${appServer.origin('crm')}/contacts/new`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await stepBox(list, S.identity.text).check();
  await step(list, S.consent.text).getByRole('button', { name: /^Skip/ }).click();
  await list.getByRole('textbox', { name: 'Reason for skipping (optional)' }).fill('Asks later');
  await list.getByRole('button', { name: 'Skip step' }).click();
  await expect(step(list, S.consent.text)).toContainText('Skipped');

  await expectAllDelivered(options);
  const aid = 'northwind-crm/new-contact';
  expect(verbsOf(VERB.experienced)).toContain(aid);
  expect(verbsOf(VERB.completed)).toContain(`${aid}#identity`);
  expect(verbsOf(VERB.skipped)).toEqual([`${aid}#consent`]);
  const skip = [...lrs.stored.values()].find((s) => s.verb.id === VERB.skipped)!;
  expect(skip.result).toEqual({ completion: false, response: 'Asks later' });
  expect(skip.context.contextActivities?.parent.map((p) => p.id)).toEqual([
    `urn:inflow:aid:${aid}`,
  ]);
  expect(skip.actor.account.name).toMatch(/^[0-9a-f]{64}$/);
  const first = lrs.requests[0]!;
  expect(first.headers['x-experience-api-version']).toBe('1.0.3');
  expect(first.headers['content-type']).toBe('application/json');
  // No page address, query or field value travels.
  expect(JSON.stringify([...lrs.stored.values()])).not.toMatch(/contacts\/new|localhost/);

  // The LRS stores the next batch but the worker is stopped before it hears back: the rows
  // stay queued, are sent again when the worker wakes, and count once (409 = delivered).
  lrs.hold();
  await stepBox(list, S.channel.text).check();
  await lrs.held();
  const how = await stopServiceWorker(context, options, extensionId);
  test.info().annotations.push({ type: 'stopped with', description: how });
  lrs.release();
  expect((await table(options, 'outbox')).length).toBeGreaterThan(0);
  // More work wakes the worker up.
  await stepBox(list, S.identity.text).uncheck();
  await expectAllDelivered(options);
  expect(lrs.requests.some((r) => r.status === 409)).toBe(true);
  expect(verbsOf(VERB.undid)).toEqual([`${aid}#identity`]);

  // The LRS is down: work goes on, the events wait in the outbox with the failure noted.
  await lrs.down();
  await stepBox(list, S.identity.text).check();
  await step(list, S.save.text).getByRole('button', { name: /^Skip/ }).click();
  await list.getByRole('button', { name: 'Skip step' }).click();
  await expect(step(list, S.save.text)).toContainText('Skipped');
  await expect
    .poll(
      async () =>
        (await table<{ key: string; value: { lastStatus?: number } }>(options, 'settings')).find(
          (r) => r.key === 'exportState',
        )?.value.lastStatus,
      { timeout: 15_000 },
    )
    .toBe(0);
  const waiting = await table<{ id: string }>(options, 'outbox');
  expect(waiting.length).toBeGreaterThan(0);
  for (const row of waiting) expect(lrs.stored.has(row.id)).toBe(false);

  // Back up; an upload is triggered (the alarm set for the end of the back-off, fired now).
  await lrs.up();
  await options.evaluate((name) => {
    const { chrome } = globalThis as unknown as {
      chrome: { alarms: { create(name: string, info: { when: number }): void } };
    };
    chrome.alarms.create(name, { when: Date.now() });
  }, 'inflow-export');
  await expectAllDelivered(options);
  expect(verbsOf(VERB.skipped).sort()).toEqual([`${aid}#consent`, `${aid}#save`]);
});

test('a browser quit mid-upload sends what was waiting once it starts again, each event once', async ({
  headless,
  extensionPath,
  appServer,
}) => {
  test.setTimeout(120_000);
  // One profile kept across two runs of the browser, as on a person's computer.
  const dir = await mkdtemp(join(tmpdir(), 'inflow-restart-'));
  let context: BrowserContext | null = null;
  const start = async () => {
    context = await launchWithExtension(dir, { headless, ext: extensionPath });
    const worker = await extensionWorker(context);
    await waitForReady(worker);
    return { context, extensionId: extensionIdOf(worker) };
  };
  try {
    const first = await start();
    const options = await openOptions(first.context, first.extensionId);
    await options.getByRole('textbox', { name: 'Analytics endpoint' }).fill(lrs.endpoint);
    await options.getByRole('button', { name: 'Save settings' }).click();
    const page = await first.context.newPage();
    await page.goto(`${appServer.origin('crm')}/contacts/new`);
    const list = checklist(page, NEW_CONTACT.title);
    await expect(list).toBeVisible({ timeout: 10_000 });
    await stepBox(list, S.identity.text).check();
    await expectAllDelivered(options);

    // The LRS stores the next batch, but the browser quits before the answer arrives.
    lrs.hold();
    await stepBox(list, S.channel.text).check();
    await lrs.held();
    const waiting = (await table<{ id: string }>(options, 'outbox')).map((r) => r.id);
    expect(waiting.length).toBeGreaterThan(0);
    await first.context.close();
    context = null;
    lrs.release();

    // Started again: the queue is still there and is sent at start-up; 409 means delivered.
    const second = await start();
    const again = await openOptions(second.context, second.extensionId);
    await expectAllDelivered(again);
    for (const id of waiting) expect(lrs.accepted.get(id), `statement ${id}`).toBe(1);
    expect(verbsOf(VERB.completed)).toEqual(
      expect.arrayContaining([
        `northwind-crm/new-contact#identity`,
        `northwind-crm/new-contact#channel`,
      ]),
    );
  } finally {
    await (context as BrowserContext | null)?.close();
    await rm(dir, { recursive: true, force: true });
  }
});
