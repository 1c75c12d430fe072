/**
 * Export as plain JSON (analyticsFormat "json"): a real local HTTP server of the
 * organisation's own receives `{ "events": [...] }` batches at the endpoint itself. Set up in
 * the options page, work on the sample CRM (a feedback report included) arrives there, every
 * event once by id, through a time when the receiver was failing; the options page tells
 * what is happening all along.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, Worker } from '@playwright/test';
import {
  checklist,
  expect,
  readStore,
  type StoredEvent,
  stepBox,
  type Table,
  test,
} from './fixtures';
import { NEW_CONTACT } from './packs';
import { openOptions } from './sync-helpers';

const NOT_EXPORTED = new Set(['target_missing', 'target_healed']);

type Received = Omit<StoredEvent, 'seq'> & { actor: string };

interface Receiver {
  endpoint: string;
  /** Events by id, as first received. */
  events: Map<string, Received>;
  /** How many times each id arrived in a batch that was acknowledged. */
  acknowledged: Map<string, number>;
  requests: { path: string; headers: IncomingHttpHeaders; body: unknown; status: number }[];
  /** Answer 503 (and keep nothing) until told otherwise. */
  failing: boolean;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const receiver = {
    events: new Map<string, Received>(),
    acknowledged: new Map<string, number>(),
    requests: [] as Receiver['requests'],
    failing: false,
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    const log = (status: number) =>
      receiver.requests.push({ path: req.url ?? '', headers: req.headers, body, status });
    if (req.method !== 'POST' || req.url !== '/inflow/events') {
      log(404);
      res.writeHead(404).end();
      return;
    }
    if (receiver.failing) {
      log(503);
      res.writeHead(503).end('maintenance');
      return;
    }
    for (const event of (body as { events: Received[] }).events) {
      if (!receiver.events.has(event.id)) receiver.events.set(event.id, event);
      receiver.acknowledged.set(event.id, (receiver.acknowledged.get(event.id) ?? 0) + 1);
    }
    log(202);
    res.writeHead(202).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    endpoint: `http://127.0.0.1:${port}/inflow/events`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  });
}

let receiver: Receiver;

test.beforeEach(async () => {
  receiver = await startReceiver();
});

test.afterEach(async () => {
  await receiver.close();
});

function table<R>(from: Page, name: string): Promise<R[]> {
  return readStore(from as unknown as Worker, name as Table) as Promise<R[]>;
}

async function exportedEvents(from: Page): Promise<StoredEvent[]> {
  return (await table<StoredEvent>(from, 'events')).filter((e) => !NOT_EXPORTED.has(e.type));
}

/** The "Sending events" block of the options page, and one fact of it. */
const sending = (options: Page) => options.getByRole('region', { name: 'Sending events' });
const fact = (options: Page, term: string) =>
  sending(options).locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');

test('work on the CRM arrives at a plain JSON endpoint, every event once by id', async ({
  context,
  page,
  appServer,
  extensionId,
}, testInfo) => {
  test.setTimeout(90_000);

  const options = await openOptions(context, extensionId);
  await expect(sending(options)).toContainText('Off: no analytics endpoint is set');
  await options.getByRole('textbox', { name: 'Analytics endpoint' }).fill(receiver.endpoint);
  await options.getByRole('combobox', { name: 'Analytics format' }).selectOption('json');
  await options.getByRole('textbox', { name: 'Analytics authorization' }).fill('Bearer s3cret');
  await options.getByRole('button', { name: 'Save settings' }).click();
  await expect(sending(options)).toContainText(
    'On: events are sent to the analytics endpoint as plain JSON.',
  );

  // The receiver is down for maintenance while the work starts.
  receiver.failing = true;
  await page.bringToFront();
  await page.goto(`${appServer.origin('crm')}/contacts/new?customer=42#notes`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await stepBox(list, NEW_CONTACT.steps.identity.text).check();
  await list.getByRole('button', { name: 'Report a problem' }).click();
  await list.getByRole('textbox', { name: 'What is wrong? (optional)' }).fill('Wording changed');
  await list.getByRole('button', { name: 'Send' }).click();
  await expect(list).toContainText('Thanks — the authors will see this.');

  // The options page says so, in words, with the queue waiting for the next attempt.
  await expect
    .poll(() => receiver.requests.filter((r) => r.status === 503).length, { timeout: 15_000 })
    .toBeGreaterThan(0);
  await options.bringToFront();
  await expect(fact(options, 'Last problem')).toHaveText(
    'The analytics endpoint answered 503 Service Unavailable',
    { timeout: 10_000 },
  );
  await expect(fact(options, 'Waiting to be sent')).not.toHaveText('0 events');
  await expect(fact(options, 'Next attempt').locator('time')).toHaveCount(1);
  await expect(fact(options, 'Dropped')).toHaveText('None');
  const shot = testInfo.outputPath('sending-events-failing.png');
  await sending(options).screenshot({ path: shot });
  await testInfo.attach('Sending events, while failing', { path: shot, contentType: 'image/png' });

  // Back up; the alarm set for the end of the back-off fires now.
  receiver.failing = false;
  await options.evaluate((name) => {
    const { chrome } = globalThis as unknown as {
      chrome: { alarms: { create(name: string, info: { when: number }): void } };
    };
    chrome.alarms.create(name, { when: Date.now() });
  }, 'inflow-export');
  await expect
    .poll(async () => (await table(options, 'outbox')).length, { timeout: 20_000 })
    .toBe(0);

  // Every exported event arrived, once, and nothing else did.
  const stored = await exportedEvents(options);
  const ids = stored.map((e) => e.id);
  expect(ids.length).toBeGreaterThanOrEqual(3);
  expect([...receiver.events.keys()].sort()).toEqual([...ids].sort());
  for (const id of ids) expect(receiver.acknowledged.get(id), `event ${id}`).toBe(1);

  // The shape: the stored event without seq, with the pseudonymous actor.
  const feedback = stored.find((e) => e.type === 'aid_feedback')!;
  const got = receiver.events.get(feedback.id)!;
  const { seq: _seq, ...withoutSeq } = feedback;
  expect(got).toEqual({ ...withoutSeq, actor: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(got.comment).toBe('Wording changed');
  expect(got.url).toBe(`${appServer.origin('crm')}/contacts/new`);
  const actors = new Set([...receiver.events.values()].map((e) => e.actor));
  expect(actors.size).toBe(1);

  const ok = receiver.requests.filter((r) => r.status === 202);
  for (const r of ok) {
    expect(r.path).toBe('/inflow/events');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers.authorization).toBe('Bearer s3cret');
    expect(r.headers['x-experience-api-version']).toBeUndefined();
    expect(Object.keys(r.body as object)).toEqual(['events']);
  }
  expect(JSON.stringify(ok.map((r) => r.body))).not.toMatch(/customer=42|#notes/);

  // And the options page shows it delivered.
  await expect(fact(options, 'Waiting to be sent')).toHaveText('0 events', { timeout: 10_000 });
  await expect(fact(options, 'Last problem')).toHaveText('None');
  await expect(fact(options, 'Last success').locator('time')).toHaveCount(1);
});
