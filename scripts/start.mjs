#!/usr/bin/env node
/**
 * `npm start`: builds the extension, serves the sample apps (port 4100 or the next free one)
 * and opens the sample CRM's "New contact" form in Chromium with the extension loaded.
 *
 * With a display (DISPLAY or WAYLAND_DISPLAY) the browser is headed and stays open until it
 * is closed or Ctrl-C. Without one it runs headless, fills in the form like a person would,
 * saves screenshots into artifacts/ and prints what the extension recorded. Either way the
 * options page follows: Insights (what was just done) and the aid list, where authors work.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
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
  const list = panel.getByRole('region', { name: 'New contact' });
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
    .getByRole('heading', { name: /new contact/i, level: 2 })
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
    if (headed) {
      await page.goto(start);
      const options = await context.newPage();
      await options.goto(`chrome-extension://${extensionId}/options.html#aids`);
      await page.bringToFront();
      console.log(
        `\nOpened ${start}, and the options page (where authors write aids) in a second tab.`,
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
