#!/usr/bin/env node
/**
 * `npm start`: builds the extension, serves the sample apps (port 4100 or the next free one),
 * starts the organisation's hub beside them (port 8788 or a free one, its database in memory,
 * with two simulated colleagues' events marked as demo data) and opens the sample CRM's
 * "New contact" form in Chromium with the extension loaded and sending to that hub.
 *
 * With a display (DISPLAY or WAYLAND_DISPLAY) the browser is headed and stays open until it
 * is closed or Ctrl-C. Without one it runs headless, fills in the form like a person would,
 * saves screenshots into artifacts/ and prints what the extension recorded. Either way the
 * options page follows: Insights (what was just done) and the aid list, where authors work;
 * the headless walk-through ends on the hub's fleet Insights, where this browser's work shows
 * beside the colleagues'.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApps } from './build-apps.mjs';
import { ensureChromium } from './lib/chromium.mjs';
import {
  extensionIdOf,
  extensionWorker,
  isReady,
  launchWithExtension,
  ROOT,
  readStore,
  registeredScripts,
} from './lib/extension.mjs';

const FIRST_PORT = 4100;
const ARTIFACTS = resolve(ROOT, 'artifacts');
const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

function run(cmd, args) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', () => done(127));
    child.on('close', (code) => done(code ?? 1));
  });
}

async function startServer() {
  const url = pathToFileURL(resolve(ROOT, 'tests/apps/server.mjs')).href;
  const { startAppServer, APPS } = await import(url);
  for (let port = FIRST_PORT; port < FIRST_PORT + 50; port++) {
    try {
      const server = await startAppServer({ port });
      return { server, apps: Object.keys(APPS ?? { crm: 1, portal: 1, console: 1 }) };
    } catch (e) {
      if (e?.code !== 'EADDRINUSE') throw e;
    }
  }
  throw new Error(`No free port in ${FIRST_PORT}-${FIRST_PORT + 49}`);
}

const HUB_PORT = 8788;
/** The demo hub shows groups from this many people (a real hub's default is 5). */
const DEMO_MIN_GROUP = 2;

/**
 * The hub, in this process: TypeScript through tsx, as `npx inflow hub` runs it. Its
 * database is PGlite in memory, gone when the demo stops.
 */
async function startDemoHub(crmOrigin) {
  const { register } = await import('tsx/esm/api');
  register();
  const src = (path) => pathToFileURL(resolve(ROOT, 'src/hub', path)).href;
  const { PGlite } = await import('@electric-sql/pglite');
  const { startHub } = await import(src('server.ts'));
  const { seedDemoColleagues } = await import(src('demo.ts'));
  const { createDevice } = await import(src('devices.ts'));
  const { addUser, generatePassword } = await import(src('users.ts'));
  const { addPack } = await import(src('packs.ts'));
  const options = { minGroup: DEMO_MIN_GROUP, pglite: new PGlite() };
  let hub;
  try {
    hub = await startHub({ ...options, port: HUB_PORT });
  } catch (e) {
    if (e?.code !== 'EADDRINUSE') throw e;
    options.pglite = new PGlite();
    hub = await startHub({ ...options, port: 0 });
  }
  // The bundled packs, published to the hub so its pages name aids and steps.
  for (const dir of await readdir(resolve(ROOT, 'aids'))) {
    const text = await readFile(resolve(ROOT, 'aids', dir, 'pack.json'), 'utf8').catch(() => null);
    if (text === null) continue;
    const added = await addPack(hub.db, text, new Date());
    if (!added.ok) throw new Error(`aids/${dir}/pack.json was not published to the hub`);
  }
  const seeded = await seedDemoColleagues(hub.db, crmOrigin);
  const { token } = await createDevice(hub.db, 'This demo browser');
  const password = generatePassword();
  await addUser(hub.db, 'demo-admin', 'admin', password);
  return { hub, token, seeded, user: { name: 'demo-admin', password } };
}

/** Points the extension at the hub in its options page, as an admin would by hand. */
async function connectToHub(context, extensionId, demoHub) {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html#sources`);
  await options.getByRole('textbox', { name: 'Team' }).fill('care');
  await options.getByRole('textbox', { name: 'Role' }).fill('agent');
  await options.getByRole('textbox', { name: 'Hub address' }).fill(demoHub.hub.url());
  await options.getByRole('textbox', { name: 'Hub device token' }).fill(demoHub.token);
  await options.getByRole('button', { name: 'Save settings' }).click();
  await options
    .getByRole('region', { name: 'Sending to the hub' })
    .getByText('On: every event is sent')
    .waitFor({ timeout: 10_000 });
  await options.close();
}

/** The hub's fleet Insights once this browser's events are there; returns the screenshot. */
async function hubTour(context, worker, demoHub) {
  await waitUntil(
    "this browser's events to reach the hub",
    async () => (await readStore(worker, 'hubOutbox')).length === 0,
    30_000,
  );
  const page = await context.newPage();
  await page.goto(demoHub.hub.url('#/insights'));
  await page.getByRole('textbox', { name: 'Name' }).fill(demoHub.user.name);
  await page.getByLabel('Password').fill(demoHub.user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByRole('heading', { name: /new contact/i })
    .first()
    .waitFor({ timeout: 10_000 });
  await page.waitForTimeout(500);
  const file = join(ARTIFACTS, '7-hub-insights.png');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

async function waitUntil(what, check, timeout = 15_000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Headless tour of the New contact checklist; returns the screenshot paths. */
async function walkThrough(page, crm) {
  await mkdir(ARTIFACTS, { recursive: true });
  const shots = [];
  const shot = async (name) => {
    const file = join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
  };
  const host = page.locator('inflow-overlay');
  const panel = host.getByRole('complementary', { name: 'Inflow' });
  const list = panel.getByRole('region', { name: 'New contact', exact: true });
  const slow = { delay: 40 };

  await page.goto(`${crm}/contacts/new`);
  await list.waitFor({ timeout: 10_000 });
  await shot('1-before');

  // The app's own form; the overlay has labels of its own.
  const form = page.getByRole('form', { name: 'New contact' });
  const field = (name) => form.getByRole('textbox', { name, exact: true });
  await form.getByRole('checkbox', { name: 'Identity confirmed with caller' }).check();
  await field('First name').pressSequentially('Ada', slow);
  await field('Last name').pressSequentially('Lovelace', slow);
  await field('Email').pressSequentially('ada@example.com', slow);
  await shot('2-midway');

  // A tip: point at its beacon, as a person would.
  const beacon = host.getByRole('button', { name: /^Tip: / }).first();
  if (await beacon.count()) {
    await beacon.hover();
    await host.getByRole('dialog', { name: /^Tip: / }).waitFor({ timeout: 5_000 });
    await shot('3-tip');
    await page.keyboard.press('Escape');
  } else {
    console.log('No tip beacon on the page: no tip screenshot.');
  }

  // Consent is not given on this call: skip that step with a reason.
  const consent = list.getByRole('listitem').filter({
    has: page.getByRole('checkbox', { name: /consent/i }),
  });
  await consent.getByRole('button', { name: /^Skip/ }).click();
  await consent
    .getByRole('textbox', { name: 'Reason for skipping (optional)' })
    .pressSequentially('Customer will decide by email', slow);
  await consent.getByRole('button', { name: 'Skip step' }).click();

  await form.getByRole('combobox', { name: 'Preferred channel' }).selectOption('Email');
  // "Show" on the last step brings the Save button into view and focus; the panel moves
  // out of its way if it was covering it.
  const saveStep = list.getByRole('listitem').filter({ hasText: /save the contact/i });
  await saveStep
    .getByRole('button', { name: /^Show/ })
    .click({ timeout: 2_000 })
    .catch(() => {});
  await page.waitForTimeout(600);
  const save = form.getByRole('button', { name: 'Save contact' });
  try {
    await save.click({ timeout: 5_000 });
  } catch (e) {
    // Say so rather than hide it: something (the overlay?) covers the button.
    console.log(`Could not click "Save contact" (${e.message.split('\n')[0]}); pressing Enter.`);
    await field('Last name').press('Enter');
  }
  await page.waitForURL(/\/contacts\/(?!new)[^/]+$/, { timeout: 10_000 });
  await page.waitForTimeout(500);
  await shot('4-done');
  return shots;
}

/** The options page after the walk-through: Insights, then the aid list. */
async function optionsTour(context, extensionId) {
  const options = await context.newPage();
  const base = `chrome-extension://${extensionId}/options.html`;
  const shots = [];
  await options.goto(`${base}#insights`);
  await options.getByRole('heading', { name: 'Insights', level: 1 }).waitFor();
  await options
    .getByRole('heading', { name: 'New contact', exact: true, level: 2 })
    .waitFor({ timeout: 10_000 });
  await options.waitForTimeout(500);
  shots.push(join(ARTIFACTS, '5-insights.png'));
  await options.screenshot({ path: shots.at(-1), fullPage: true });
  await options.goto(`${base}#aids`);
  await options
    .getByRole('link', { name: /new contact/i })
    .first()
    .waitFor({ timeout: 10_000 });
  shots.push(join(ARTIFACTS, '6-aids.png'));
  await options.screenshot({ path: shots.at(-1), fullPage: true });
  return shots;
}

async function main() {
  console.log('Building the extension (wxt build)…');
  if ((await run(resolve(ROOT, 'node_modules/.bin/wxt'), ['build'])) !== 0) {
    console.error('wxt build failed.');
    return 1;
  }
  console.log('Building the sample apps that are bundled from sources…');
  try {
    for (const r of await buildApps())
      console.log(`  ${r.app}: ${r.built ? 'built' : 'up to date'}`);
  } catch (e) {
    console.error(e.message);
    return 1;
  }
  if (!(await ensureChromium())) return 1;

  const { server, apps } = await startServer();
  console.log('\nSample apps:');
  for (const app of apps) console.log(`  ${app.padEnd(10)} ${server.origin(app)}/`);
  const crm = server.origin('crm');
  const start = `${crm}/contacts/new`;

  const demoHub = await startDemoHub(crm);
  console.log(`\nHub:        ${demoHub.hub.url()}`);
  console.log(`  sign in as ${demoHub.user.name}, password ${demoHub.user.password}`);
  console.log(
    `  ${demoHub.seeded} events from two simulated colleagues (demo data); groups of ${DEMO_MIN_GROUP} people or more are shown (a real hub: 5)`,
  );

  const profile = await mkdtemp(join(tmpdir(), 'inflow-start-'));
  const context = await launchWithExtension(profile, {
    headless: !headed,
    viewport: headed ? null : { width: 1280, height: 900 },
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await context.close().catch(() => {});
    await server.close().catch(() => {});
    await demoHub.hub.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
  };

  try {
    const worker = await extensionWorker(context);
    await waitUntil('the extension to load its packs', () => isReady(worker)).catch(async (e) => {
      const aids = await readStore(worker, 'aids').catch(() => []);
      const scripts = await registeredScripts(worker).catch(() => []);
      throw new Error(
        `${e.message}: ${aids.length} aids stored, content scripts registered: ` +
          JSON.stringify(scripts.map((s) => ({ id: s.id, matches: s.matches }))),
      );
    });
    const page = context.pages()[0] ?? (await context.newPage());

    const extensionId = extensionIdOf(worker);
    await connectToHub(context, extensionId, demoHub);
    if (headed) {
      await page.goto(start);
      const fleet = await context.newPage();
      await fleet.goto(demoHub.hub.url('#/insights'));
      const options = await context.newPage();
      await options.goto(`chrome-extension://${extensionId}/options.html#aids`);
      await page.bringToFront();
      console.log(
        `\nOpened ${start}, the options page (where authors write aids) and the hub in other tabs.`,
      );
      console.log('Close the browser or press Ctrl-C to stop.');
      await new Promise((done) => {
        context.once('close', done);
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      return 0;
    }

    console.log(`\nNo display: walking through the New contact checklist headless on ${start}`);
    let shots;
    try {
      shots = await walkThrough(page, crm);
      shots.push(...(await optionsTour(context, extensionId)));
      shots.push(await hubTour(context, worker, demoHub));
    } catch (e) {
      const file = join(ARTIFACTS, 'failed.png');
      await page.screenshot({ path: file }).catch(() => {});
      console.error(`The walkthrough stopped: ${e.message.split('\n')[0]}\nSee ${file}`);
      return 1;
    }
    console.log('\nScreenshots:');
    for (const file of shots) console.log(`  ${relative(process.cwd(), file)}`);

    const counts = {};
    for (const e of await readStore(worker, 'events')) counts[e.type] = (counts[e.type] ?? 0) + 1;
    console.log('\nEvents recorded, by type:');
    for (const [type, n] of Object.entries(counts).sort()) console.log(`  ${type.padEnd(20)} ${n}`);
    if (!Object.keys(counts).length) console.log('  (none)');
    return 0;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
