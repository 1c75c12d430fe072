/**
 * Sending to the organisation's hub: a tiny real HTTP receiver stands in for the hub (it
 * checks the device token and validates every request with the contract's HubBatch), the hub
 * is set in the options page with a team and a role, and a step ticked on the sample CRM
 * arrives there with the pseudonymous actor, the team and the role, and no query string.
 * Then the same with the hub set by the organisation's policy: read-only, the token masked.
 */
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page, Worker } from '@playwright/test';
import {
  chromiumPath,
  DEFAULT_CHROMIUM,
  extensionWorker,
  launchWithExtension,
} from '../../scripts/lib/extension.mjs';
import { HubBatch, type HubEvent } from '../../src/protocol/hub';
import {
  checklist,
  expect,
  readStore,
  type StoredEvent,
  stepBox,
  test,
  waitForReady,
} from './fixtures';
import { NEW_CONTACT } from './packs';
import { extensionIdOfKey, openOptions } from './sync-helpers';

const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = join(POLICY_DIR, 'inflow-hub-test.json');

const TOKEN = 'dev-7f3a9c1e5b2d4a60';

interface Hub {
  url: string;
  /** Events by id, as first received. */
  events: Map<string, HubEvent>;
  requests: { path: string; headers: IncomingHttpHeaders; status: number }[];
  /** Requests that broke the contract: must stay empty. */
  violations: string[];
  close(): Promise<void>;
}

async function startHub(): Promise<Hub> {
  const hub = {
    events: new Map<string, HubEvent>(),
    requests: [] as Hub['requests'],
    violations: [] as string[],
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = (status: number, body: unknown) => {
      hub.requests.push({ path: req.url ?? '', headers: req.headers, status });
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/api/events') {
      hub.violations.push(`${req.method} ${req.url}`);
      return answer(404, { error: 'not found' });
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      hub.violations.push(`authorization ${req.headers.authorization}`);
      return answer(401, { error: 'bad token' });
    }
    let parsed: ReturnType<typeof HubBatch.safeParse>;
    try {
      parsed = HubBatch.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch (e) {
      hub.violations.push(`not JSON: ${e}`);
      return answer(400, { problems: ['not JSON'] });
    }
    if (!parsed.success) {
      hub.violations.push(JSON.stringify(parsed.error.issues));
      return answer(400, { problems: parsed.error.issues.map((i) => i.message) });
    }
    let accepted = 0;
    for (const event of parsed.data.events) {
      if (hub.events.has(event.id)) continue;
      hub.events.set(event.id, event);
      accepted++;
    }
    answer(200, { accepted, duplicates: parsed.data.events.length - accepted });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return Object.assign(hub, {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  });
}

let hub: Hub;

test.beforeEach(async () => {
  hub = await startHub();
});

test.afterEach(async () => {
  await hub.close();
});

const hubSection = (options: Page) => options.getByRole('region', { name: 'Sending to the hub' });

test('a step ticked on the CRM reaches the hub with actor, team and role', async ({
  context,
  page,
  appServer,
  extensionId,
}) => {
  test.setTimeout(90_000);

  const options = await openOptions(context, extensionId);
  await expect(hubSection(options)).toContainText('Off: no hub address is set.');
  await options.getByRole('textbox', { name: 'Role' }).fill('agent');
  await options.getByRole('textbox', { name: 'Team' }).fill('care');
  await options.getByRole('textbox', { name: 'Actor id' }).fill('u-4821');
  await options.getByRole('textbox', { name: 'Hub address' }).fill(hub.url);
  const token = options.getByRole('textbox', { name: 'Hub device token' });
  await token.fill(TOKEN);
  // The token is typed into a masked field.
  await expect(token).toHaveAttribute('type', 'password');
  await options.getByRole('button', { name: 'Save settings' }).click();
  await expect(hubSection(options)).toContainText('On: every event is sent', {
    timeout: 10_000,
  });

  await page.bringToFront();
  await page.goto(`${appServer.origin('crm')}/contacts/new?customer=42#notes`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await stepBox(list, NEW_CONTACT.steps.identity.text).check();

  // Sent a couple of seconds after it is recorded.
  await expect
    .poll(() => [...hub.events.values()].some((e) => e.type === 'step_done'), {
      timeout: 20_000,
    })
    .toBe(true);
  const done = [...hub.events.values()].find((e) => e.type === 'step_done')!;
  const stored = (await readStore(options as unknown as Worker, 'events')) as StoredEvent[];
  const mine = stored.find((e) => e.id === done.id)!;
  const { seq: _seq, ...withoutSeq } = mine;
  expect(done).toEqual({
    ...withoutSeq,
    actor: expect.stringMatching(/^[0-9a-f]{64}$/),
    team: 'care',
    role: 'agent',
  });
  expect(done).toMatchObject({ stepId: NEW_CONTACT.steps.identity.id, how: 'manual' });
  expect(done.url).toBe(`${appServer.origin('crm')}/contacts/new`);
  expect(JSON.stringify([...hub.events.values()])).not.toMatch(/customer=42|#notes|u-4821/);
  for (const r of hub.requests) {
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.status).toBe(200);
  }
  expect(hub.violations).toEqual([]);

  // Everything the browser recorded reached the hub (the hub gets every type), once.
  await expect
    .poll(
      async () => (await readStore(options as unknown as Worker, 'hubOutbox' as never)).length,
      {
        timeout: 10_000,
      },
    )
    .toBe(0);
  const all = (await readStore(options as unknown as Worker, 'events')) as StoredEvent[];
  expect([...hub.events.keys()].sort()).toEqual(all.map((e) => e.id).sort());

  await options.bringToFront();
  const waiting = hubSection(options)
    .locator('dt', { hasText: 'Waiting to be sent' })
    .locator('xpath=following-sibling::dd[1]');
  await expect(waiting).toHaveText('0 events', { timeout: 10_000 });
});

test('a hub set by policy: read-only, the token masked, and the work reaches it', async ({
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
  test.setTimeout(90_000);

  const manifest = JSON.parse(await readFile(join(extensionPath, 'manifest.json'), 'utf8'));
  const extensionId = extensionIdOfKey(manifest.key);
  const policy = { hubUrl: hub.url, hubToken: TOKEN, team: 'billing', role: 'lead' };
  const profile = await mkdtemp(join(tmpdir(), 'inflow-hub-policy-'));
  let created: string | undefined;
  try {
    created = await mkdir(POLICY_DIR, { recursive: true });
    await writeFile(
      POLICY_FILE,
      JSON.stringify({ '3rdparty': { extensions: { [extensionId]: policy } } }, null, 2),
    );
    const context = await launchWithExtension(profile, { headless, ext: extensionPath });
    try {
      await waitForReady(await extensionWorker(context));
      const options = await openOptions(context, extensionId);
      const address = options.getByRole('textbox', { name: 'Hub address' });
      await expect(address).toHaveValue(hub.url);
      await expect(address).toBeDisabled();
      await expect(address).toHaveAccessibleDescription(/^Set by your organisation/);
      const token = options.getByRole('textbox', { name: 'Hub device token' });
      await expect(token).toBeDisabled();
      await expect(token).toHaveValue('••••••••');
      expect(await options.content()).not.toContain(TOKEN);
      await expect(hubSection(options)).toContainText('On: every event is sent');

      const page = await context.newPage();
      await page.goto(`${appServer.origin('crm')}/contacts/new?customer=7`);
      const list = checklist(page, NEW_CONTACT.title);
      await expect(list).toBeVisible({ timeout: 10_000 });
      await stepBox(list, NEW_CONTACT.steps.identity.text).check();
      await expect
        .poll(() => [...hub.events.values()].find((e) => e.type === 'step_done'), {
          timeout: 20_000,
        })
        .toMatchObject({
          team: 'billing',
          role: 'lead',
          url: `${appServer.origin('crm')}/contacts/new`,
          actor: expect.stringMatching(/^[0-9a-f]{64}$/),
        });
      expect(hub.violations).toEqual([]);
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
